"""The report's labels and level descriptions (HTML, PDF and Word), in English and Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ...content.model import Text

LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "report_kicker": Text("Assessment report", "评估报告"),
        "contents": Text("Contents", "目录"),
        "organisation": Text("Organisation", "受评组织"),
        "unnamed": Text("Unnamed organisation", "未署名组织"),
        "questionnaire": Text("Questionnaire", "问卷"),
        "rule_pack": Text("Rule pack", "规则包"),
        "version": Text("version {v}", "第 {v} 版"),
        "date": Text("Date", "日期"),
        "respondents": Text("Respondents", "答卷人"),
        "respondent_count": Text("{n} in total", "共 {n} 人"),
        "role_count": Text("{role} {n}", "{role} {n} 人"),
        "no_role": Text("role not given", "未注明角色"),
        "overall_level": Text("Overall maturity", "总体成熟度"),
        "level_n": Text("Level {n}", "第 {n} 级"),
        "index_of_100": Text("index {x} of 100", "指数 {x}（满分 100）"),
        # sections
        "summary": Text("Executive summary", "执行摘要"),
        "profile": Text("Maturity profile", "成熟度概况"),
        "dimensions": Text("Assessment by dimension", "分维度评估"),
        "perception": Text("Perception by role", "不同角色的认知差异"),
        "roadmap": Text("Improvement roadmap", "改进路线图"),
        "method": Text("Appendix A: Method", "附录 A：评估方法"),
        "trace": Text("Appendix B: Rule trace", "附录 B：规则追踪"),
        # executive summary
        "summary_lead": Text(
            "{org} stands at level {n}, {name}, with an overall index of {index} out of 100, "
            "based on the answers of {count} {people}.",
            "{org}目前处于第 {n} 级“{name}”，总体指数为 {index}（满分 100），依据 {count} {people}的回答得出。",
        ),
        "summary_capped": Text(
            "The scores alone would place it at level {before}; the level is held at {after} "
            "by rule {rule} (the findings say why).",
            "仅看分数可达第 {before} 级；依规则 {rule}，总体等级被限定为第 {after} 级（原因见诊断发现）。",
        ),
        "summary_range": Text(
            "The strongest dimension is {best} ({best_index}); the weakest is {worst} ({worst_index}).",
            "得分最高的维度是{best}（{best_index}），最低的是{worst}（{worst_index}）。",
        ),
        "themes": Text("What matters most", "最需要关注的问题"),
        "no_themes": Text(
            "The rules raised no risks or opportunities for this organisation.",
            "规则未识别出需要关注的风险或改进机会。",
        ),
        "respondent_one": Text("respondent", "位答卷人"),
        "respondent_many": Text("respondents", "位答卷人"),
        "top_strength": Text("Strength to build on", "可依托的优势"),
        "relative_strength": Text(
            "{dim} is the strongest dimension: level {n} ({name}), index {index}, "
            "{above} points above the {reference_l} baseline.",
            "{dim}是表现最好的维度：第 {n} 级（{name}），指数 {index}，比{reference}基准高 {above} 分。",
        ),
        "relative_strength_below": Text(
            "{dim} scores highest (level {n}, {name}, index {index}), yet still {above} points "
            "below the {reference_l} baseline: there is no strength to build on yet.",
            "{dim}得分最高（第 {n} 级“{name}”，指数 {index}），但仍比{reference}基准低 {above} 分，"
            "目前尚无可依托的优势。",
        ),
        "roadmap_teaser": Text(
            "The roadmap (section {n}) plans {actions} actions over {months} months in {phases} "
            "phases.",
            "改进路线图（第 {n} 节）分 {phases} 个阶段、在 {months} 个月内安排了 {actions} 项行动。",
        ),
        # profile
        "profile_intro": Text(
            "Each axis runs from 0 at the centre to 100. The dashed rings mark the index at which "
            "each level begins ({gates}); a dimension is also at most one level above its weakest "
            "critical question.",
            "每条轴从中心的 0 延伸到外圈的 100。虚线圆环表示各等级的起始指数（{gates}）；"
            "此外，维度等级最多比其最弱的关键题目高一级。",
        ),
        "dimension": Text("Dimension", "维度"),
        "index": Text("Index", "指数"),
        "level": Text("Level", "等级"),
        # the framework's comparison profiles (comparison_names fills them in)
        "reference": Text("{reference}", "{reference}"),
        "reference_baseline": Text("{reference} baseline", "{reference}基准"),
        "target": Text("{target}", "{target}"),
        "gap": Text("Gap to target", "距目标"),
        "previous": Text("Previous", "上次评估"),
        "change": Text("Change", "变化"),
        "current": Text("Current", "本次评估"),
        "overall": Text("Overall", "总体"),
        # dimension sections
        "what_level_means": Text("What this level means", "该等级的含义"),
        "answered": Text(
            "{answered} answers scored, {na} not applicable, {unknown} unknown",
            "计分答案 {answered} 个，不适用 {na} 个，不清楚 {unknown} 个",
        ),
        "agreement": Text("Agreement", "一致度"),
        "results": Text("Results", "结果"),
        "results_index": Text(
            "Results index {index} (kept apart: the level comes from the practices)",
            "结果指数 {index}（单独列示：等级只依据做法判定）",
        ),
        "result_mean": Text("{mean} of {top}", "{mean} 分（满分 {top} 分）"),
        "result_mean_plain": Text("{mean}", "{mean} 分"),
        "strengths": Text("Strengths", "优势"),
        "no_strengths": Text(
            "No strength was identified by the rules; the index stands {above} points above the "
            "{reference_l} baseline.",
            "规则未识别出优势；该维度指数比{reference}基准高 {above} 分。",
        ),
        "no_strengths_below": Text(
            "No strength was identified; the index is at or below the {reference_l} baseline.",
            "规则未识别出优势；该维度指数不高于{reference}基准。",
        ),
        "issues": Text("Opportunities and risks", "改进机会与风险"),
        "no_issues": Text(
            "No risk or opportunity was raised for this dimension.",
            "本维度未发现风险或改进机会。",
        ),
        "also_concerns": Text("Also concerns this dimension", "同样涉及本维度"),
        "see_section": Text("see {n}", "见 {n} 节"),
        "evidence_from": Text("What respondents reported", "答卷人提供的依据"),
        "mean_answer": Text("mean answer {v} of {top}", "平均得分 {v}（满分 {top}）"),
        "mean_answer_plain": Text("mean answer {v}", "平均得分 {v}"),
        "evidence": Text("Evidence", "证据"),
        "note": Text("Note", "备注"),
        "actions_called": Text("Actions", "相关行动"),
        "severity": Text("Severity", "严重程度"),
        # perception
        "perception_intro": Text(
            "Indices by respondent role. {highlight}Agreement is 1 minus the mean item standard "
            "deviation divided by 50.",
            "按答卷人角色分列的指数。{highlight}一致度 = 1 − 各题标准差均值 ÷ 50。",
        ),
        "perception_highlight": Text(
            "A spread of {threshold} points or more between roles (bold) means the groups see the "
            "organisation differently. ",
            "角色之间相差 {threshold} 分及以上（加粗）说明各群体对组织的看法明显不同。",
        ),
        "spread": Text("Spread", "极差"),
        # roadmap
        "roadmap_intro": Text(
            "Actions are ordered so that every action follows the actions it requires; within a "
            "phase they are ranked by priority. Numbers in the chart refer to the action lists "
            "below; the figure at the end of each lane is the projected index after the phase.",
            "行动按先后依赖关系排序，每项行动都排在其前置行动之后；同一阶段内按优先级排列。"
            "图中编号对应下文的行动清单，每条泳道末尾的数字是该阶段完成后的预计指数。",
        ),
        "phase": Text("Phase {n}", "第 {n} 阶段"),
        "months": Text("months {a}–{b}", "第 {a}–{b} 个月"),
        "days_of": Text("{used} / {capacity} d", "{used} / {capacity} 人日"),  # chart lanes
        "effort_of": Text(
            "{used} of {capacity} person-days planned", "计划投入 {used} / {capacity} 人日"
        ),
        "now": Text("Now", "当前"),
        "projected": Text("Projected index after this phase", "本阶段完成后的预计指数"),
        "no_actions": Text("No actions in this phase.", "本阶段没有安排行动。"),
        "why": Text("Why", "原因"),
        "effort": Text("Effort", "投入"),
        "effort_duration": Text(
            "{days} person-days over {weeks} weeks", "{days} 人日，历时 {weeks} 周"
        ),
        "effort_value": Text("{days} person-days, weeks {a}–{b}", "{days} 人日，第 {a}–{b} 周"),
        "skipped": Text(
            "Not planned, the practice is already in place: {ids}.",
            "以下行动不再安排，相应做法已经到位：{ids}。",
        ),
        "kpi": Text("KPI", "衡量指标"),
        "requires": Text("after action", "前置行动"),
        "by_role": Text("By role", "按角色"),
        "planned_actions": Text("Planned actions", "计划中的行动"),
        "because_gap": Text("gap to target in {dim}", "{dim}与目标存在差距"),
        "because_prereq": Text("prerequisite of action {nums}", "是第 {nums} 项行动的前提"),
        "deferred": Text(
            "Deferred beyond month 24, for lack of capacity or because the level they build on "
            "is not reached in time: {ids}.",
            "因资源所限或其所依托的等级未能及时达到，推迟到第 24 个月以后：{ids}。",
        ),
        "empty_roadmap": Text(
            "No actions are needed to reach the targets.", "无需行动即可达到目标。"
        ),
        # method
        # method: sentences put together from the result's method summary (report/method_view.py)
        "method_scale": Text(
            "Each answer on a {low}–{high} practice scale is mapped to 0–100 ((value − {low}) ÷ "
            "{span} × 100{reverse}).",
            "{low}–{high} 分的实践量表答案换算为 0–100 分（(分值 − {low}) ÷ {span} × 100{reverse}）。",
        ),
        "method_scales": Text(
            "Each answer is mapped to 0–100 by its scale's range ((value − lowest) ÷ (highest − "
            "lowest) × 100{reverse}){used}.",
            "每个答案按其量表的范围换算为 0–100 分（(分值 − 最低分) ÷ (最高分 − 最低分) × 100{reverse}）{used}。",
        ),
        "method_scales_used": Text("; the scales run {ranges}", "；所用量表为 {ranges}"),
        "method_reverse": Text("; reverse-scored items are flipped", "，反向计分题先行翻转"),
        "method_means": Text(
            "A question's value is the mean over respondents. A dimension index is the weighted "
            "mean of its questions; the overall index is the weighted mean of the dimension indices.",
            "每道题取全部答卷人的平均值；维度指数为该维度各题的加权平均，总体指数为各维度指数的加权平均。",
        ),
        "method_na": Text(
            "Answers marked not applicable (N/A) or unknown are left out of the scores and the "
            "remaining weights are re-normalised, so they never pull a score down; they are "
            "counted and shown per dimension.",
            "标为“不适用”或“不清楚”的答案不计入分数，其余题目的权重重新归一，因此不会拉低得分；"
            "这类答案会被计数并在各维度中列出。",
        ),
        "method_roles": Text(
            "Questions may be asked of some respondent roles only, and each respondent answers only "
            "their role's questions. Roles are compared (the per-role indices and the leader/staff "
            "perception gap) only on the questions both were asked. Respondents are not told which "
            "questions are critical; the critical questions limit the levels as stated above.",
            "部分问题只向特定角色的答卷人提出，每位答卷人只回答其角色对应的问题。角色之间的比较"
            "（各角色指数以及领导层与员工之间的认知落差）只基于双方都被问到的问题。"
            "答卷人不会被告知哪些是关键题目；关键题目按上文所述限制等级。",
        ),
        "method_levels": Text(
            "Levels are decided by the rule pack, not by arithmetic alone: a dimension reaches "
            "the highest level whose gate is met with no gap below it (ISO 9004 style).",
            "等级由规则包判定，而不仅是算术结果：每个维度取其门槛已达到、且下方各级均无缺口的最高等级（参照 ISO 9004）。",
        ),
        "method_gate": Text("A gate needs the index threshold.", "达到某一等级须满足指数门槛。"),
        "method_gate_critical": Text(
            "A gate needs the index threshold, and a dimension is at most one level above its "
            "weakest critical question.",
            "达到某一等级须满足指数门槛，且维度等级最多比其最弱的关键题目高一级。",
        ),
        "method_overall": Text(
            "The overall level (1 to {top}) follows the overall index.",
            "总体等级（1 至 {top} 级）依据总体指数确定。",
        ),
        "method_overall_capped": Text(
            "The overall level (1 to {top}) follows the overall index and is capped: {caps}.",
            "总体等级（1 至 {top} 级）依据总体指数确定，并受以下限制：{caps}。",
        ),
        "method_overall_generic": Text(
            "The overall level follows the overall index and may be capped by the pack's rules "
            "(the findings and the rule trace say which).",
            "总体等级依据总体指数确定，并可能受规则包中规则的限制（见诊断发现和规则追踪）。",
        ),
        "cap_item": Text("at most {what}", "不高于{what}"),
        "cap_last": Text("and at most {what}", "也不高于{what}"),
        "cap_separator": Text(", ", "，"),
        "cap_weakest": Text("the weakest dimension{plus}", "最弱维度等级{plus}"),
        "cap_median": Text("the median dimension level{plus}", "各维度等级的中位数{plus}"),
        "cap_dimension": Text("the {dimension} level{plus}", "{dimension}维度等级{plus}"),
        "cap_fixed": Text("level {n}", "第 {n} 级"),
        "cap_rule": Text("the limit of rule “{title}”", "规则“{title}”所定的上限"),
        "cap_plus": Text(" plus {n}", "加{n}"),
        "method_evidence": Text(
            "Where the questionnaire asks for evidence, ratings above {mid} without dated evidence "
            "count as {mid}.",
            "在要求提供证据的问卷上，高于 {mid} 分但没有注明日期的证据的评分按 {mid} 分计。",
        ),
        "method_roadmap": Text(
            "Roadmap actions come from the findings and from gaps to target; priority = (gap + "
            "10 × severity) × impact ÷ effort. Actions whose practice is already in place are not "
            "planned. The plan is made in weeks: an action starts when the actions it requires "
            "have finished and belongs to the phase in which it ends; in an organisation at "
            "level 1 ({lowest}) the foundation actions come first.",
            "路线图中的行动来自诊断发现和与目标之间的差距；优先级 = (差距 + 10 × 严重程度) × 影响 ÷ 投入。"
            "相应做法已经到位的行动不再安排。计划按周编排：一项行动在其前置行动全部完成后才开始，"
            "并归入其完成时所在的阶段；处于第 1 级（{lowest}）的组织先安排奠基性行动。",
        ),
        "method_capacity": Text(
            "Effort and capacity follow the organisation's size ({size} people{assumed}): each "
            "action's effort is the catalogue's estimate for 300 people × (size ÷ 300)^0.7, "
            "because part of every action is fixed and only the rest grows with the people it "
            "touches; the capacity is 2% of working time, {days} person-days a month. An action "
            "lifts its dimension by one level at most, and a level's practices must run before "
            "the next builds on them: 26 weeks before level 3, 39 before level 4 and 52 before "
            "level 5 (two, three and four quarterly reviews).",
            "投入和能力随组织规模（{size} 人{assumed}）调整：每项行动的投入 = 行动库按 300 人估算的人日"
            " × (人数 ÷ 300)^0.7，因为每项行动都有一部分固定投入，只有其余部分随涉及的人数增长；"
            "改进工作的能力为工作时间的 2%，即每月 {days} 人日。一项行动最多使其维度提升一个等级；"
            "每个等级的做法须先运行一段时间，才能在其上建设下一等级：升到 3 级前须运行 26 周，"
            "升到 4 级前 39 周，升到 5 级前 52 周（即经过两次、三次和四次季度评审）。",
        ),
        "size_assumed": Text(
            ", assumed: the answers do not give a headcount", "，答卷未给出人数，按此假定"
        ),
        "versions": Text("Versions", "版本信息"),
        "generated": Text("Report generated", "报告生成日期"),
        # trace
        "trace_intro": Text(
            "Every rule of the pack as evaluated for this organisation, with the values it saw "
            "(actual value in brackets). A rule that fired shows the conditions that held; a rule "
            "that did not fire shows the conditions that failed. Many idle instances of one rule "
            "are counted in one row; the full trace is in the JSON result and the workbook.",
            "规则包中每条规则针对本组织的判定结果及其所依据的数值（括号内为实际值）。已触发的规则列出成立的条件，"
            "未触发的规则列出未满足的条件；同一规则的大量未触发实例合并为一行计数，完整追踪见 JSON 结果和工作簿。",
        ),
        "idle_instances": Text("{n} instances, none fired", "{n} 个实例，均未触发"),
        "rule": Text("Rule", "规则"),
        "fired": Text("Fired", "触发"),
        "conditions": Text("Deciding conditions (actual value)", "决定性条件（实际值）"),
        "yes": Text("yes", "是"),
        "no": Text("no", "否"),
        "legend_previous": Text("Previous assessment", "上次评估"),
        "capacity": Text("Effort", "投入"),
        "actions_word": Text("actions", "项行动"),
        "radar_alt": Text(
            "Radar chart of the maturity profile: each dimension's index (0 to 100) against the "
            "{reference_l} baseline and the {target_l}. {items}.",
            "成熟度概况雷达图：各维度指数（0至100）与{reference}基线及{target}的对比。{items}。",
        ),
        "radar_item": Text(
            "{title} {index} ({reference_l} {reference_value}, {target_l} {target_value})",
            "{title} {index}（{reference} {reference_value}，{target} {target_value}）",
        ),
        "timeline_alt": Text(
            "Timeline of the roadmap, one bar per action in its phase. {items}.",
            "路线图时间线，每项行动在其阶段中占一条。{items}。",
        ),
        "timeline_item": Text("{phase}: actions {numbers}", "{phase}：行动 {numbers}"),
        "item_separator": Text("; ", "；"),
        "page": Text("Page", "第"),
        "page_of": Text("of", "页，共"),
        "page_end": Text("", "页"),
        "toc_hint": Text(
            "Right-click and choose Update Field (or press F9) to fill in the table of contents.",
            "右键单击并选择“更新域”（或按 F9）以生成目录。",
        ),
    }
)


def label(key: str, lang: str, **values: object) -> str:
    """A report label in `lang` with its {placeholders} filled."""
    text = LABELS[key].get(lang)
    return text.format(**values) if values else text
