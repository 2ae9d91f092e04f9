"""`tqm template`: an answers file to fill in, questions and anchors as comments.

With a role, only the questions that role is asked (`Questionnaire.questions_for`); without one,
every question with a comment naming the roles asked it. Which items are critical is not shown:
respondents who know which items gate the levels answer those differently (the report's method
section tells the consultant).
"""

from __future__ import annotations

import json

from .content.framework import Framework
from .content.model import Question, Questionnaire, Text
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
    lines = [f"# {line}" for line in _header(q, framework, lang).splitlines()]
    if role is None:
        roles = " | ".join(framework.role_ids)
        lines.append(
            "# "
            + (
                msg("template.any_role", lang, roles=roles)
                if framework.dont_know
                else _say("any_role", lang, roles=roles)
            )
        )
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
            lines += _question_lines(question, framework, lang, value, role)
    return "\n".join(lines) + "\n"


def _header(q: Questionnaire, framework: Framework, lang: str) -> str:
    """How to fill the file in; "don't know" is named only where the framework offers it."""
    if framework.dont_know:
        return msg("template.header", lang, title=q.title.get(lang), id=q.id, version=q.version)
    return _say("header", lang, title=q.title.get(lang), id=q.id, version=q.version)


def _question_lines(
    question: Question, framework: Framework, lang: str, value: int | None, role: str | None
) -> list[str]:
    show_roles = role is None
    out = [f"  # {question.text_for(role).get(lang)}"]
    if question.help:
        out.append(f"  #   {_say('help', lang, help=question.help.get(lang))}")
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
    out.append(f"  {question.id}: {_placeholder(framework, value)}".rstrip())
    return out


def _placeholder(framework: Framework, value: int | None) -> str:
    """The answer written in: the value asked for; else 'unknown' ("not answered yet"), or an
    empty value, which the answers check refuses until it is filled in, where the framework
    offers no "don't know"."""
    if value is not None:
        return json.dumps(value)
    return "unknown" if framework.dont_know else ""


# The template's wording where the framework offers no "don't know" (the rest is in
# render/messages, read with `msg`).
_MESSAGES: dict[str, Text] = {
    "header": Text(
        "Answers for {title} (questionnaire {id}, version {version}).\n"
        "Give each question a value from its scale, or 'na' where allowed.\n"
        'Add evidence with: question.id: {{value: 4, evidence: "document or observation", note: "..."}}',
        "{title}答卷（问卷 {id}，第 {version} 版）。\n"
        "请为每个问题填写量表中的分值，允许不适用的题目可填 na。\n"
        '如需附证据：question.id: {{value: 4, evidence: "文件或现场观察", note: "备注"}}',
    ),
    "any_role": Text(
        "Give your role (respondent: {{id: r1, role: ...}}, one of {roles}), answer the questions "
        "asked of it and delete the others. 'tqm template --role ROLE' lists only those.",
        "请填写您的角色（respondent: {{id: r1, role: ...}}，可选 {roles}），回答该角色作答的问题，"
        "并删去其余问题。使用 tqm template --role 角色 可只列出这些问题。",
    ),
    "help": Text("Hint: {help}", "提示：{help}"),
}


def _say(key: str, lang: str, **values: object) -> str:
    return _MESSAGES[key].get(lang).format(**values)
