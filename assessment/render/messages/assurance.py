"""The words of the report's "Evidence and agreement" section (render/report/assurance.py)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ...content.model import Text

LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "assurance": Text("Evidence and agreement", "证据与一致性"),
        "verified": Text("Verified level", "核实等级"),
        "claimed": Text("Claimed level", "自报等级"),
        "level": Text("Level", "等级"),
        "index_paren": Text("(index)", "（指数）"),
        "respondents": Text("Respondents", "答卷人"),
        "cronbach_alpha": Text("Cronbach's α", "克朗巴赫 α 系数"),
        "rwg_j": Text("rwg(j)", "rwg(j)"),
        "level_index": Text("{level} ({index})", "{level}（{index}）"),
        "total": Text("All", "合计"),
        "unverified": Text(
            "{n} ratings above 3 had no dated evidence and were counted as 3.",
            "共有 {n} 个高于 3 分的评分没有注明日期的证据，已按 3 分计。",
        ),
        "overall_claimed": Text(
            "Overall: claimed level {claimed} (index {claimed_index}), verified level {level} "
            "(index {index}).",
            "总体：自报等级为第 {claimed} 级（指数 {claimed_index}），核实等级为第 {level} 级"
            "（指数 {index}）。",
        ),
        "read_claimed": Text(
            "Claimed levels take the ratings as given; verified levels count every rating above 3 "
            "without dated evidence as 3. Where the verified level is lower, evidence is missing.",
            "自报等级按答卷人给出的评分计算；核实等级将所有没有注明日期证据的 3 分以上评分按 3 分计。"
            "核实等级低于自报等级之处，说明缺少证据。",
        ),
        "read_alpha": Text(
            "Cronbach's α is the internal consistency of a dimension's items across respondents: "
            "0.7 or more is acceptable; below 0.7 the items do not measure one thing consistently "
            "for this group, so read the dimension's index with care.",
            "克朗巴赫 α 系数反映同一维度各条目在答卷人之间的内部一致性：达到 0.7 及以上为可接受；"
            "低于 0.7，说明这些条目对本组答卷人未能一致地测量同一内容，解读该维度指数时应审慎。",
        ),
        "read_rwg": Text(
            "rwg(j) is the agreement among respondents on a dimension's items, against random "
            "answering: 0.7 or more means they agree enough for one score to stand for the group; "
            "below 0.7 their views diverge and the items to discuss should be settled first.",
            "rwg(j) 以随机作答为参照，反映答卷人在同一维度各条目上的组内一致程度：达到 0.7 及以上，"
            "说明意见足够一致，可用一个分数代表整个群体；低于 0.7，说明意见分歧较大，应先讨论待议条目。",
        ),
        "read_null": Text(
            "A dash means the statistic cannot be computed from these answers; the reasons follow.",
            "“—”表示依据现有答卷无法计算该统计量，原因如下。",
        ),
        "not_computed": Text("{stat}, {dims}: {reason}.", "{stat}（{dims}）：{reason}。"),
        "all_dimensions": Text("all dimensions", "全部维度"),
        "consensus": Text("Items to discuss before agreeing a score", "确定分数前需讨论的条目"),
        "no_consensus": Text(
            "No item's answers spread beyond the tolerance.",
            "没有条目的答案分歧超出容许范围。",
        ),
    }
)
