"""The workbook's interface strings: sheet names and column headers (with each column's width
hint), in English and Chinese. `render/xlsx.py` writes the sheets in this order; a header's
{reference} and {target} are the framework's comparison names (messages.comparison_names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...content.model import Text


@dataclass(frozen=True)
class Column:
    """One column: its header in both languages and a width hint."""

    header: Text
    width: int = 0  # 0: fit to content


SHEETS: Mapping[str, Text] = {
    "dimensions": Text("Dimensions", "维度"),
    "findings": Text("Findings", "诊断发现"),
    "roadmap": Text("Roadmap", "路线图"),
    "answers": Text("Answers", "答卷"),
    "trace": Text("Trace", "规则追踪"),
    "statistics": Text("Statistics", "统计量"),
}

COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "dimensions": (
        Column(Text("Dimension id", "维度编号")),
        Column(Text("Dimension", "维度"), 40),
        Column(Text("Index", "指数")),
        Column(Text("Level", "等级")),
        Column(Text("Level name", "等级名称")),
        Column(Text("{reference} baseline", "{reference}基准")),
        Column(Text("{target}", "{target}")),
        Column(Text("Gap to target", "距目标")),
        Column(Text("Above {reference_l}", "高于{reference}")),
        Column(Text("Previous", "上次评估")),
        Column(Text("Answered", "计分答案")),
        Column(Text("N/A", "不适用")),
        Column(Text("Unknown", "不清楚")),
        Column(Text("Agreement", "一致度")),
        Column(Text("By role", "按角色"), 40),
    ),
    "findings": (
        Column(Text("Rule", "规则")),
        Column(Text("Kind", "类型")),
        Column(Text("Severity", "严重程度")),
        Column(Text("Dimensions", "涉及维度")),
        Column(Text("Title", "标题"), 45),
        Column(Text("Detail", "说明"), 60),
        Column(Text("Evidence (questions)", "依据（题目）"), 40),
        Column(Text("Actions", "相关行动"), 35),
    ),
    "roadmap": (
        Column(Text("Phase", "阶段")),
        Column(Text("Months", "月份")),
        Column(Text("No.", "序号")),
        Column(Text("Action id", "行动编号")),
        Column(Text("Dimension", "维度")),
        Column(Text("Action", "行动"), 45),
        Column(Text("Description", "说明"), 60),
        Column(Text("Why", "原因"), 35),
        Column(Text("Effort (person-days)", "投入（人日）")),
        Column(Text("Duration (weeks)", "周期（周）")),
        Column(Text("Impact (1-5)", "影响（1-5）")),
        Column(Text("Priority", "优先级")),
        Column(Text("KPI", "衡量指标"), 45),
        Column(Text("Requires", "前置行动"), 30),
    ),
    "answers": (
        Column(Text("Respondent", "答卷人")),
        Column(Text("Role", "角色")),
        Column(Text("Question id", "题目编号")),
        Column(Text("Dimension", "维度")),
        Column(Text("Question", "题目"), 60),
        Column(Text("Answer", "答案")),
        Column(Text("Evidence", "证据"), 45),
        Column(Text("Note", "备注"), 45),
    ),
    "statistics": (
        Column(Text("Dimension id", "维度编号")),
        Column(Text("Dimension", "维度"), 40),
        Column(Text("Verified level", "核实等级")),
        Column(Text("Verified index", "核实指数")),
        Column(Text("Claimed level", "自报等级")),
        Column(Text("Claimed index", "自报指数")),
        Column(Text("Respondents", "答卷人数")),
        Column(Text("Respondents by role", "各角色答卷人数"), 40),
        Column(Text("Cronbach's alpha", "克朗巴赫 α 系数")),
        Column(Text("rwg(j)", "rwg(j)")),
        Column(Text("Why alpha is missing", "α 系数未计算的原因"), 45),
        Column(Text("Why rwg(j) is missing", "rwg(j) 未计算的原因"), 45),
    ),
    "trace": (
        Column(Text("Rule", "规则"), 45),
        Column(Text("Stage", "阶段")),
        Column(Text("Fired", "是否触发")),
        Column(Text("Conditions", "条件"), 80),
    ),
}
