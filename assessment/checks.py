"""`tqm validate`: find every problem in any mix of content folders, content files and answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from .content.crossrefs import action_problems
from .content.library import (
    Library,
    framework_problems,
    load_library,
    load_pack,
    load_questionnaire,
    questionnaire_problems,
)
from .content.versions import QuestionnaireFile, format_ref, place_of, questionnaire_files
from .engine.answers import csv_to_answers, parse_answers
from .io.files import load_file
from .io.schema import schema_problems
from .io.source import Document
from .problems import Problem, ProblemsFound

# Which schema a lone content file is checked against, by its top-level key.
_KEY_SCHEMAS = {"actions": "actions", "baselines": "baselines", "cases": "packtests"}


def validate_paths(paths: list[Path], content: Path | None = None) -> list[Problem]:
    """Every problem found in the given paths (the bundled content when none is given)."""
    if not paths:
        return _collect(lambda: _check_library(content))
    problems: list[Problem] = []
    library: Library | None = None
    for path in paths:
        if path.is_dir():
            problems += _collect(partial(_check_folder, path, content))
            continue
        if not path.exists():
            msg = "no such file or folder"
            problems.append(Problem(str(path), None, None, "$", msg, "file.missing"))
            continue
        if library is None:
            library = _library_or_problems(content, problems)
        problems += _collect(partial(_check_file, path, library, content))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.col or 0, p.message))


def _collect(check: Callable[[], list[Problem]]) -> list[Problem]:
    try:
        return check()
    except ProblemsFound as exc:
        return list(exc.problems)


def _library_or_problems(content: Path | None, problems: list[Problem]) -> Library | None:
    try:
        return load_library(content)
    except ProblemsFound as exc:
        problems += exc.problems
        return None


def _check_library(root: Path | None) -> list[Problem]:
    library = load_library(root)
    problems = unscored_problems(library)
    for pack in library.packs.values():
        tests = Path(pack.path) / "tests.yaml"
        if tests.exists():
            problems += _check_plain(tests, "packtests")
    return problems


def unscored_problems(library: Library) -> list[Problem]:
    """Every questionnaire version no pack scores (each would be refused when answers come)."""
    problems = []
    for qid, by_version in library.versions.items():
        for version, questionnaire in by_version.items():
            try:
                library.pack_for(qid, version)
            except ProblemsFound:
                doc = load_file(questionnaire.source)
                msg = f"no rule pack scores {format_ref(qid, version)}: name it in a pack's questionnaires"
                problems.append(doc.problem("/id", msg, code="content.unscored"))
    return problems


def _check_folder(folder: Path, content: Path | None) -> list[Problem]:
    """A content root, a `questionnaires/` folder, a `rules/` folder or one pack folder."""
    if (folder / "questionnaires").is_dir():
        return _check_library(folder)
    if folder.name == "frameworks":
        return [p for path in sorted(folder.glob("*.yaml")) for p in _check_framework(path)]
    if (folder / "pack.yaml").exists():
        return _check_pack(folder, content)
    if "questionnaires" in (folder.name, folder.parent.name):
        return _check_questionnaires(folder)
    packs = sorted(p.parent for p in folder.glob("*/pack.yaml"))
    if packs:
        return [p for pack in packs for p in _collect(partial(_check_pack, pack, content))]
    msg = "not a content folder (no frameworks/, questionnaires/, rules/ or pack.yaml)"
    return [Problem(str(folder), None, None, "$", msg, "file.kind")]


def _check_framework(path: Path) -> list[Problem]:
    """A framework file (frameworks/<id>.yaml): its schema, its id against its name, its ids."""
    return framework_problems(load_file(path), path.stem)


def _check_pack(folder: Path, content: Path | None) -> list[Problem]:
    """A pack folder, against the questionnaires of its own content root (`<root>/rules/<pack>`)
    unless --content names one."""
    library = load_library(content or _root_of(folder))
    load_pack(folder, library.questionnaires, versions=library.versions)
    tests = folder / "tests.yaml"
    return _check_plain(tests, "packtests") if tests.exists() else []


def _root_of(pack: Path) -> Path | None:
    root = pack.resolve().parent.parent
    return root if (root / "questionnaires").is_dir() else None


def _check_questionnaires(folder: Path) -> list[Problem]:
    """A `questionnaires/` folder (its layout too), or one questionnaire's folder of versions."""
    if folder.name == "questionnaires":
        places, problems = questionnaire_files(folder.parent)
    else:
        places, problems = [place_of(path) for path in sorted(folder.glob("*.yaml"))], []
    for place in places:
        problems += _collect(partial(_load_questionnaire, place.path, place))
    return problems


def _load_questionnaire(path: Path, place: QuestionnaireFile) -> list[Problem]:
    load_questionnaire(path, place)
    return []


def _check_file(path: Path, library: Library | None, content: Path | None) -> list[Problem]:
    if path.suffix.lower() == ".csv":
        return _check_answers(csv_to_answers(load_file(path)), library)
    doc = load_file(path, lazy=True)
    data = doc.data if isinstance(doc.data, dict) else {}
    if path.parent.name == "frameworks" or {"levels", "roles"} <= set(data):
        return _check_framework(path)
    if "dimensions" in data:
        load_questionnaire(path)
        return []
    if "questionnaire" in data:
        return _check_answers(doc, library)
    if "rules" in data:
        return _check_folder(path.parent, content)
    if "actions" in data:
        return schema_problems(doc, "actions") or action_problems(doc)
    for key, schema in _KEY_SCHEMAS.items():
        if key in data:
            return schema_problems(doc, schema)
    return (
        questionnaire_problems(doc)
        if path.parent.name == "questionnaires"
        else [
            doc.problem(
                "",
                "unknown kind of file: expected a questionnaire, an answers file or rule-pack content",
                code="file.kind",
            )
        ]
    )


def _check_answers(doc: Document, library: Library | None) -> list[Problem]:
    if library is None:
        return []  # the content's own problems were already reported
    parse_answers(doc, library)
    return []


def _check_plain(path: Path, schema: str) -> list[Problem]:
    return schema_problems(load_file(path), schema)
