"""Every interface string of the library, in English and Chinese: one bilingual table (message id ->
Text) per area, looked up by id. This module: the command line, the text output, the answers
template and the words every format shares (`msg`); report.py: the report's labels and level
descriptions (`label`); workbook.py: the
workbook's sheet names and column headers. Role, dimension and level names are the framework's
(content/framework.py)."""

from __future__ import annotations

from ...content.model import Framework, Text
from .report import label

__all__ = ["MESSAGES", "comparison_names", "label", "msg"]

MESSAGES: dict[str, Text] = {
    "colon": Text(": ", "："),  # between a label and its value (full-width in Chinese)
    "dimension": Text("Dimension", "维度"),
    "index": Text("Index", "指数"),
    "level": Text("Level", "等级"),
    "vs_traditional": Text("vs {reference_l}", "较{reference}"),
    "to_target": Text("to target", "距目标"),
    "overall": Text("Overall", "总体"),
    "capped": Text("capped from {from} by {rule}", "因 {rule} 由 {from} 级封顶"),
    "results": Text(
        "Results (scored apart: the level comes from the practices)",
        "结果（单独计分：等级只依据做法判定）",
    ),
    "findings": Text("Findings", "诊断发现"),
    "no_findings": Text("No findings.", "没有诊断发现。"),
    "respondents": Text("respondents", "位答卷人"),
    "questionnaire": Text("questionnaire", "问卷"),
    "rule_pack": Text("rule pack", "规则包"),
    "roadmap": Text("Roadmap", "改进路线图"),
    "phase": Text("Phase {n} (months {start}-{end})", "第 {n} 阶段（第 {start}-{end} 个月）"),
    "action_line": Text(
        "{title} ({id}), weeks {a}-{b}, {days} person-days",
        "{title}（{id}），第 {a}-{b} 周，{days} 人日",
    ),
    "fired": Text("fired", "已触发"),
    "not_fired": Text("not fired", "未触发"),
    "absent": Text("absent", "缺失"),
    "kind.strength": Text("strength", "优势"),
    "kind.opportunity": Text("opportunity", "改进机会"),
    "kind.risk": Text("risk", "风险"),
    "kind.inconsistency": Text("inconsistency", "矛盾"),
    "kind.perception_gap": Text("perception gap", "认知落差"),
    "kind.confidence": Text("confidence", "可信度"),
    "severity.high": Text("high", "高"),
    "severity.medium": Text("medium", "中"),
    "severity.low": Text("low", "低"),
    "template.header": Text(
        "Answers for {title} (questionnaire {id}, version {version}).\n"
        "Give each question a value from its scale, 'unknown' if you do not know, or 'na' where allowed.\n"
        'Add evidence with: question.id: {{value: 4, evidence: "document or observation", note: "..."}}',
        "{title}答卷（问卷 {id}，第 {version} 版）。\n"
        "请为每个问题填写量表中的分值；不清楚的填 unknown，允许不适用的题目可填 na。\n"
        '如需附证据：question.id: {{value: 4, evidence: "文件或现场观察", note: "备注"}}',
    ),
    "template.na_allowed": Text("N/A allowed", "可填不适用"),
    "template.na_because": Text("N/A allowed: {reason}", "可填不适用：{reason}"),
    "template.asked_of": Text("asked of: {roles}", "作答角色：{roles}"),
    "template.any_role": Text(
        "Give your role (respondent: {{id: r1, role: ...}}, one of {roles}) and answer the questions "
        "asked of it; leave the others as 'unknown'. 'tqm template --role ROLE' lists only those.",
        "请填写您的角色（respondent: {{id: r1, role: ...}}，可选 {roles}），只回答该角色作答的问题，"
        "其余保留 unknown。使用 tqm template --role 角色 可只列出这些问题。",
    ),
    "yes": Text("yes", "是"),
    "no": Text("no", "否"),
    "template.organisation_size": Text(
        "Headcount (optional): the roadmap scales effort and capacity by it; without it, 300 people",
        "员工人数（可选）：路线图据此调整工作量和能力；不填时按300人计",
    ),
    "tests.passed": Text("{passed} passed, {failed} failed", "{passed} passed, {failed} failed"),
}


def msg(key: str, lang: str, **values: object) -> str:
    """A message in `lang` with its {placeholders} filled."""
    return MESSAGES[key].get(lang).format(**values)


def comparison_names(framework: Framework, lang: str) -> dict[str, str]:
    """The framework's names of its comparison profiles, as placeholders for messages: `reference`
    and `target` as declared (headers, legends), `reference_l` and `target_l` for the middle of an
    English sentence ("above the traditional baseline"), and `lowest`, the name of level 1."""
    reference = framework.reference_name.get(lang)
    target = framework.target_name.get(lang)
    return {
        "reference": reference,
        "target": target,
        "reference_l": _in_sentence(reference, lang),
        "target_l": _in_sentence(target, lang),
        "lowest": framework.level_name(1, lang),
    }


def _in_sentence(name: str, lang: str) -> str:
    """A name as it reads inside an English sentence: first letter lowercase, unless the name
    starts with an acronym ("ISO median" stays)."""
    if lang == "zh" or not name or name[1:2].isupper():
        return name
    return name[0].lower() + name[1:]
