"""The compiled content library kept on disk, so a command does not parse and check it each time.

`cached_library(root)` returns what `load_library(root)` returns. The first call stores the result
under a key that covers everything the result depends on: every file under root/questionnaires and
root/rules (relative path and bytes), the folder as given and where from (the objects record their
paths), the product version, the Python version, and the code that builds the objects (the content
and io modules and the JSON Schemas, so an edited checkout never reads objects of an older shape).
Any change gives a new key, so a stale entry is never read; it is merely pruned later.

Where: $TQM_CACHE_DIR, else $XDG_CACHE_HOME/tqm, else ~/.cache/tqm. `TQM_NO_CACHE=1` turns the
cache off. Content with problems is never stored (load_library raises before anything is written).

Why pickle is safe here: the cache holds only objects this code wrote, in a folder of the user's
own (created 0700), and a file is read only when the user owns it and nobody else may write it.
Whoever can write such a file can already run code as the user (e.g. edit their shell profile), so
unpickling it grants nothing new. A file that is truncated, corrupt, of an older shape or unreadable
is ignored and rebuilt; a cache folder that cannot be written only costs the speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path

from . import library as loader
from .library import Library

FORMAT = b"tqm-library-cache/1"
KEEP = 16  # entries kept (the newest): enough for a few content folders side by side
_CODE_PACKAGES = ("content", "io", "schemas")  # what decides the shape of the loaded objects


def cached_library(root: str | Path | None = None) -> Library:
    """The content library of `root` (default: the bundled content), from the cache when the
    content is unchanged, else loaded, checked and stored. Raises ProblemsFound like load_library.
    """
    folder = Path(root) if root else loader.default_content_root()
    where = cache_dir()
    if where is None:
        return loader.load_library(folder)
    key = content_key(folder)
    entry = where / f"library-{key}.pickle"
    found = _read(entry, key)
    if found is not None:
        return found
    built = loader.load_library(folder)
    _write(where, entry, key, built)
    return built


def cache_dir() -> Path | None:
    """The cache folder, or None when TQM_NO_CACHE=1 turns the cache off."""
    if os.environ.get("TQM_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("TQM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tqm"


def content_key(root: Path) -> str:
    """The sha256 of everything the loaded library depends on (see the module's docstring)."""
    digest = hashlib.sha256(FORMAT)
    # The folder as given and where from: the objects keep their paths as load_library saw them.
    where = f"{root}\0{root.resolve()}\0{'' if root.is_absolute() else os.getcwd()}"
    digest.update(f"\0{_product_version()}\0{sys.version}\0{where}\0".encode())
    for label, files in (("content", _content_files(root)), ("code", _code_files())):
        digest.update(label.encode())
        for relative, path in files:
            data = path.read_bytes()
            digest.update(f"\0{relative}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _content_files(root: Path) -> list[tuple[str, Path]]:
    """Every file under root/frameworks, root/questionnaires and root/rules, by relative path,
    sorted."""
    found = []
    for top in ("frameworks", "questionnaires", "rules"):
        for path in (root / top).rglob("*"):
            if path.is_file():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def _code_files() -> list[tuple[str, Path]]:
    package = Path(__file__).resolve().parents[1]
    found = []
    for name in _CODE_PACKAGES:
        for path in (package / name).iterdir():
            if path.suffix in (".py", ".json"):
                found.append((f"{name}/{path.name}", path))
    return sorted(found)


def _product_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tqm-maturity")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _read(entry: Path, key: str) -> Library | None:
    """The library stored in `entry`, or None when it is missing, not ours, or unreadable."""
    try:
        with entry.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None  # not written by this user alone: never unpickled
            if handle.read(len(FORMAT) + 1) != FORMAT + b"\n":
                return None
            stored_key, found = pickle.load(handle)  # safe: see the module docstring
    except Exception:  # any damage (truncated, old shape, unreadable): rebuild
        return None
    return found if stored_key == key and isinstance(found, Library) else None


def _write(where: Path, entry: Path, key: str, library: Library) -> None:
    """Store the library atomically (a temporary file renamed over the entry); failures only
    cost the speed, so they are ignored."""
    import tempfile  # only when writing: not on the path of a cache hit

    temporary: Path | None = None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where, prefix=".library-", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(FORMAT + b"\n")
            pickle.dump((key, library), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
        _prune(where)
    except (OSError, pickle.PicklingError):
        return
    finally:
        if temporary is not None:  # only left behind when writing or renaming failed
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _prune(where: Path) -> None:
    """Delete all but the KEEP newest entries."""
    entries = sorted(where.glob("library-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
