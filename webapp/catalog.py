"""The questionnaires as the web app shows and serves them (read from the library, never changed)."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

from assessment.content.library import Library, default_content_root, load_library
from assessment.content.model import Dimension, Framework, Question, Questionnaire, Text

# Minutes per question: reading the anchors and choosing; finding evidence takes a minute more.
MINUTES_PER_QUESTION = 0.5
MINUTES_PER_EVIDENCE = 1.0


def load_content(root: str | None) -> Library:
    """Load and validate the content (ProblemsFound stops start-up); unchanged files load once."""
    folder = Path(root) if root else default_content_root()
    files = sorted(
        [
            *folder.glob("frameworks/*.yaml"),
            *folder.glob("questionnaires/*.yaml"),
            *folder.glob("questionnaires/*/*.yaml"),  # questionnaires/<id>/<version>.yaml
            *folder.glob("rules/*/*.yaml"),
        ]
    )
    fingerprint = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load(folder.resolve(), fingerprint)


@lru_cache(maxsize=4)
def _load(folder: Path, _fingerprint: tuple[tuple[str, int, int], ...]) -> Library:
    return load_library(folder)


def library() -> Library:
    """The content loaded and validated at start-up."""
    lib: Library = current_app.extensions["tqm_library"]
    return lib


def framework_of(questionnaire: Questionnaire) -> Framework:
    """The framework of the pack that scores a questionnaire version."""
    return library().framework_of(questionnaire)


def frameworks() -> list[Framework]:
    """Every framework the content's packs use, in the packs' order, each once."""
    found: dict[str, Framework] = {}
    for pack in library().packs.values():
        found.setdefault(pack.framework.id, pack.framework)
    return list(found.values())


def minutes(questionnaire: Questionnaire) -> int:
    """A rough time to answer, rounded up to five minutes."""
    total = sum(
        MINUTES_PER_QUESTION + (MINUTES_PER_EVIDENCE if q.evidence != "none" else 0.0)
        for q in questionnaire.questions
    )
    return max(5, 5 * math.ceil(total / 5))


def summary(questionnaire: Questionnaire, versions: list[int] | None = None) -> dict[str, Any]:
    """The API's short description of a questionnaire (`versions`: every version installed)."""
    q = questionnaire
    return {
        "id": q.id,
        "version": q.version,
        "versions": versions or [q.version],
        "title": _text(q.title),
        "description": _text(q.description) if q.description else None,
        "dimensions": [d.id for d in q.dimensions],
        "questions": len(q.questions),
        "minutes": minutes(q),
        "evidence": any(question.evidence != "none" for question in q.questions),
    }


def questionnaire_data(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire in its file format (valid against questionnaire.schema.json)."""
    q = questionnaire
    data: dict[str, Any] = {"id": q.id, "version": q.version, "title": _text(q.title)}
    if q.description:
        data["description"] = _text(q.description)
    data["scales"] = {question.scale_id: _scale(question) for question in q.questions}
    data["dimensions"] = [_dimension(d) for d in q.dimensions]
    return data


def _scale(q: Question) -> list[dict[str, Any]]:
    return [{"value": _number(o.value), "label": _text(o.label)} for o in q.options]


def _dimension(d: Dimension) -> dict[str, Any]:
    data: dict[str, Any] = {"id": d.id, "title": _text(d.title)}
    if d.description:
        data["description"] = _text(d.description)
    data["weight"] = d.weight
    data["questions"] = [_question(question) for question in d.questions]
    return data


def _question(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"id": q.id, "text": _question_text(q), "scale": q.scale_id}
    if q.help:
        data["help"] = _text(q.help)
    if q.anchors:
        data["anchors"] = {str(level): _text(t) for level, t in sorted(q.anchors.items())}
    if q.evidence_prompt:
        data["evidence_prompt"] = _text(q.evidence_prompt)
    data.update(
        weight=q.weight,
        critical=q.critical,
        reverse=q.reverse,
        required=q.required,
        allow_na=q.allow_na,
        evidence=q.evidence,
    )
    # Who is asked, and why N/A may apply: a finished assessment is read back with the roles it
    # was answered under (archive.py), so these must travel with the stored questionnaire.
    if q.roles:
        data["roles"] = list(q.roles)
    if q.kind != "practice":
        data["kind"] = q.kind
    if q.na_reason:
        data["na_reason"] = _text(q.na_reason)
    return data


def _question_text(q: Question) -> dict[str, Any]:
    """The question's wording as the file has it: one text, or the common one and each role's
    (a finished assessment is read back from this JSON and must show what its respondent read)."""
    if not q.role_texts:
        return _text(q.text)
    return {"common": _text(q.text), **{role: _text(t) for role, t in q.role_texts.items()}}


def _text(text: Text) -> dict[str, str]:
    return {"en": text.en, "zh": text.zh}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
