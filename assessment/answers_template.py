"""`tqm template`: an answers file to fill in, questions and anchors as comments."""

from __future__ import annotations

import json

from .content.model import Question, Questionnaire
from .render.messages import msg


def answers_template(
    questionnaire: Questionnaire, lang: str = "en", value: int | None = None
) -> str:
    """YAML text of an answers file for the questionnaire."""
    q = questionnaire
    header = msg("template.header", lang, title=q.title.get(lang), id=q.id, version=q.version)
    lines = [f"# {line}" for line in header.splitlines()]
    lines += [
        f"questionnaire: {q.id}@{q.version}",
        'organisation: ""',
        f"# {msg('template.organisation_size', lang)}",
        "# organisation_size: 300",
        "respondent: {id: r1, role: staff}",
        "answers:",
    ]
    for dim in q.dimensions:
        lines.append(f"  # == {dim.title.get(lang)} ==")
        for question in dim.questions:
            lines += _question_lines(question, lang, value)
    return "\n".join(lines) + "\n"


def _question_lines(question: Question, lang: str, value: int | None) -> list[str]:
    flags = [msg("template.critical", lang)] if question.critical else []
    flags += [msg("template.na_allowed", lang)] if question.allow_na else []
    out = [f"  # {question.text.get(lang)}" + (f"  [{', '.join(flags)}]" if flags else "")]
    for level, anchor in sorted(question.anchors.items()):
        out.append(f"  #   {level}: {anchor.get(lang)}")
    shown = json.dumps(value) if value is not None else "unknown"
    out.append(f"  {question.id}: {shown}")
    return out
