"""Reading an input file: its bytes within the limits, decoded, then parsed by its kind's reader."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, ProblemsFound
from .csv_reader import parse_csv
from .plain_yaml import parse_plain_first
from .source import Document, decode_text
from .yaml_reader import fast_plain_yaml, parse_yaml


def load_file(path: str | Path, *, fast: bool = False, lazy: bool = False) -> Document:
    """Read a YAML, JSON or CSV file into a Document (CSV: a list of row dicts).

    `fast` is for trusted content that is usually right (the bundled questionnaires and packs):
    libyaml parses it about 15x faster but keeps no positions. The caller re-reads with
    positions when it finds a problem to report (see content.py).
    `lazy` is for answers (untrusted, often large): libyaml when the document is plain, its
    positions found when a problem is reported (see plain_yaml.py).
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read file: {exc.strerror}"
        raise ProblemsFound([Problem(name, None, None, "$", msg, "file.unreadable")]) from None
    text = decode_text(raw, name)
    if path.suffix.lower() == ".csv":
        return parse_csv(text, name)
    if fast:
        data = fast_plain_yaml(text)
        if data is not None:
            return Document(name, data)
    if lazy:
        return parse_plain_first(text, name)
    return parse_yaml(text, name)
