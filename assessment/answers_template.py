"""`tqm template`: an answers file to fill in, questions and anchors as comments.

With a role, only the questions that role is asked (`Questionnaire.questions_for`); without one,
every question with a comment naming the roles asked it. Which items are critical is not shown:
respondents who know which items gate the levels answer those differently (the report's method
section tells the consultant).
"""

from __future__ import annotations

import json

from .content.framework import Framework
from .content.model import Question, Questionnaire
from .render.messages import msg


def answers_template(
    questionnaire: Questionnaire,
    framework: Framework,
    lang: str = "en",
    value: int | None = None,
    role: str | None = None,
) -> str:
    """YAML text of an answers file for the questionnaire, for one role or for all."""
    q = questionnaire
    header = msg("template.header", lang, title=q.title.get(lang), id=q.id, version=q.version)
    lines = [f"# {line}" for line in header.splitlines()]
    if role is None:
        lines.append(f"# {msg('template.any_role', lang, roles=' | '.join(framework.role_ids))}")
    lines += [
        f"questionnaire: {q.id}@{q.version}",
        'organisation: ""',
        f"# {msg('template.organisation_size', lang)}",
        "# organisation_size: 300",
        f"respondent: {{id: r1, role: {role}}}" if role else "respondent: {id: r1}",
        "answers:",
    ]
    for dim in q.dimensions:
        questions = q.dimension_questions(dim, role)
        if not questions:
            continue
        lines.append(f"  # == {dim.title.get(lang)} ==")
        for question in questions:
            lines += _question_lines(question, framework, lang, value, show_roles=role is None)
    return "\n".join(lines) + "\n"


def _question_lines(
    question: Question, framework: Framework, lang: str, value: int | None, show_roles: bool
) -> list[str]:
    out = [f"  # {question.text.get(lang)}"]
    if show_roles:
        names = ("、" if lang == "zh" else ", ").join(
            framework.role_name(r, lang, plural=False) for r in question.roles or framework.role_ids
        )
        out.append(f"  #   {msg('template.asked_of', lang, roles=names)}")
    if question.allow_na:
        reason = question.na_reason
        shown = (
            msg("template.na_because", lang, reason=reason.get(lang))
            if reason
            else msg("template.na_allowed", lang)
        )
        out.append(f"  #   {shown}")
    for level, anchor in sorted(question.anchors.items()):
        out.append(f"  #   {level}: {anchor.get(lang)}")
    shown = json.dumps(value) if value is not None else "unknown"
    out.append(f"  {question.id}: {shown}")
    return out
