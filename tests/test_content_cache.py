"""The on-disk cache of the compiled content (assessment/content/cache.py) and the CLI's use of it.

Every test gets its own cache folder (TQM_CACHE_DIR) and its own copy of the mini content, and
counts how often the real loader runs: a hit must not run it, any change must.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import DATA

import assessment.content.library
from assessment.content import cache
from assessment.content.library import Library
from assessment.problems import ProblemsFound

Cli = Callable[..., Result]
MINI = DATA / "content"
ANSWERS = DATA / "answers" / "mini-good.yaml"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test, set as TQM_CACHE_DIR."""
    where = tmp_path / "cache"
    monkeypatch.setenv("TQM_CACHE_DIR", str(where))
    monkeypatch.delenv("TQM_NO_CACHE", raising=False)
    return where


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A copy of the mini content the test may change."""
    return Path(shutil.copytree(MINI, tmp_path / "content"))


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the real loader was run on, in order."""
    real = assessment.content.library.load_library
    seen: list[Path] = []

    def counting(root: str | Path | None = None) -> Library:
        seen.append(Path(str(root)))
        return real(root)

    monkeypatch.setattr(assessment.content.library, "load_library", counting)
    return seen


def entries(where: Path) -> list[Path]:
    return sorted(where.glob("library-*.pickle"))


def test_a_second_load_comes_from_the_cache_and_equals_the_first(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    first = cache.cached_library(content)
    second = cache.cached_library(content)
    assert loads == [content]
    assert second == first
    assert second is not first  # read back from the file, not kept in memory
    assert len(entries(folder)) == 1


def test_changing_any_content_file_rebuilds(folder: Path, content: Path, loads: list[Path]) -> None:
    cache.cached_library(content)
    questionnaire = content / "questionnaires" / "mini.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    questionnaire.write_text(text.replace("Mini check", "Mini check, revised"), encoding="utf-8")
    rebuilt = cache.cached_library(content)
    assert len(loads) == 2
    assert rebuilt.questionnaires["mini"].title.en == "Mini check, revised"


def test_adding_a_file_to_a_pack_rebuilds(folder: Path, content: Path, loads: list[Path]) -> None:
    cache.cached_library(content)
    (content / "rules" / "mini" / "notes.md").write_text("a new file\n", encoding="utf-8")
    cache.cached_library(content)
    assert len(loads) == 2


def test_the_same_content_in_another_folder_has_its_own_entry(
    folder: Path, content: Path, tmp_path: Path, loads: list[Path]
) -> None:
    other = Path(shutil.copytree(content, tmp_path / "other"))
    library = cache.cached_library(content)
    elsewhere = cache.cached_library(other)
    assert loads == [content, other]
    assert elsewhere.packs["mini"].path != library.packs["mini"].path  # paths are in the objects


def test_a_relative_folder_from_elsewhere_is_another_entry(
    folder: Path, content: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(content.parent)
    relative = cache.cached_library(Path(content.name))
    monkeypatch.chdir(content)
    absolute = cache.cached_library(content)  # the same folder: its objects hold other paths
    assert len(loads) == 2
    assert Path(absolute.packs["mini"].path).is_dir()
    assert relative.packs["mini"].path == str(Path(content.name) / "rules" / "mini")


def test_a_new_product_version_rebuilds(
    folder: Path, content: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.cached_library(content)
    monkeypatch.setattr(cache, "_product_version", lambda: "99.0")
    cache.cached_library(content)
    assert len(loads) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # empty
        b"garbage",  # not ours at all
        cache.FORMAT + b"\n",  # our header, nothing after it
        cache.FORMAT + b"\n\x80\x05not a pickle",  # a corrupt pickle
    ],
    ids=["empty", "garbage", "header-only", "corrupt-pickle"],
)
def test_a_corrupt_cache_entry_is_silently_rebuilt(
    folder: Path, content: Path, loads: list[Path], damage: bytes
) -> None:
    good = cache.cached_library(content)
    (entry,) = entries(folder)
    entry.write_bytes(damage)
    assert cache.cached_library(content) == good
    assert len(loads) == 2
    assert entry.read_bytes().startswith(cache.FORMAT)  # stored afresh
    assert cache.cached_library(content) == good
    assert len(loads) == 2


def test_a_truncated_cache_entry_is_silently_rebuilt(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    good = cache.cached_library(content)
    (entry,) = entries(folder)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    assert cache.cached_library(content) == good
    assert len(loads) == 2


def test_an_entry_of_another_key_is_not_used(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    cache.cached_library(content)
    (entry,) = entries(folder)
    other = folder / f"library-{'0' * 64}.pickle"
    shutil.copy(entry, other)  # the right file under the wrong name: its stored key differs
    assert cache._read(other, "0" * 64) is None


def test_an_unreadable_cache_entry_is_rebuilt_and_the_command_still_works(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    key = cache.content_key(content)
    (folder / f"library-{key}.pickle").mkdir(parents=True)  # cannot be read nor replaced
    assert cache.cached_library(content).questionnaires["mini"].id == "mini"
    assert cache.cached_library(content).questionnaires["mini"].id == "mini"
    assert len(loads) == 2


def test_an_entry_others_may_write_is_never_unpickled(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    cache.cached_library(content)
    (entry,) = entries(folder)
    entry.chmod(0o664)
    cache.cached_library(content)
    assert len(loads) == 2


def test_a_cache_folder_that_cannot_be_made_only_costs_the_speed(
    tmp_path: Path, content: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("TQM_CACHE_DIR", str(blocker / "cache"))
    assert cache.cached_library(content).questionnaires["mini"].id == "mini"
    assert len(loads) == 1


def test_entries_are_written_atomically_with_no_temporary_file_left(
    folder: Path, content: Path
) -> None:
    cache.cached_library(content)
    assert [p.name for p in folder.iterdir()] == [entries(folder)[0].name]
    assert folder.stat().st_mode & 0o777 == 0o700


def test_only_the_newest_entries_are_kept(
    folder: Path, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir()
    for number in range(cache.KEEP + 3):
        stale = folder / f"library-{number:064d}.pickle"
        stale.write_bytes(b"old")
        os.utime(stale, (1_000_000 + number, 1_000_000 + number))
    cache.cached_library(content)
    kept = entries(folder)
    assert len(kept) == cache.KEEP
    assert folder / f"library-{0:064d}.pickle" not in kept  # the oldest went first


def test_content_with_problems_is_reported_and_never_stored(
    folder: Path, content: Path, loads: list[Path]
) -> None:
    (content / "rules" / "mini" / "pack.yaml").write_text("id: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ProblemsFound):
            cache.cached_library(content)
    assert len(loads) == 2
    assert entries(folder) == []


def test_tqm_no_cache_turns_the_cache_off(
    folder: Path, content: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TQM_NO_CACHE", "1")
    cache.cached_library(content)
    cache.cached_library(content)
    assert len(loads) == 2
    assert not folder.exists()


def test_the_cache_folder_follows_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TQM_CACHE_DIR", raising=False)
    monkeypatch.delenv("TQM_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "tqm"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "tqm"
    monkeypatch.setenv("TQM_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


# --- the command line ------------------------------------------------------------------------


def test_score_fills_the_cache_and_scores_the_same_from_it(
    cli: Cli, folder: Path, loads: list[Path]
) -> None:
    first = cli("score", "--content", MINI, "--format", "json", ANSWERS)
    second = cli("score", "--content", MINI, "--format", "json", ANSWERS)
    assert first.exit_code == 0, first.stderr
    assert second.stdout == first.stdout
    assert len(loads) == 1
    assert len(entries(folder)) == 1


def test_validate_checks_the_files_and_never_reads_the_cache(
    cli: Cli, folder: Path, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_cache(root: object = None) -> Library:
        raise AssertionError("tqm validate read the cache")

    monkeypatch.setattr(cache, "cached_library", no_cache)
    assert cli("validate", "--content", content).stdout == "ok\n"
    (content / "rules" / "mini" / "pack.yaml").write_text("id: [\n", encoding="utf-8")
    broken = cli("validate", content)
    assert broken.exit_code == 1
    assert "pack.yaml" in broken.stdout
