"""The method appendix in words, written from the result's method summary (engine/method.py): the
scale, the caps and the limits the pack actually applies, not those of the bundled pack. A result
read back from a document without the summary gets a shorter, generic text."""

from __future__ import annotations

from ...engine.method import CapRule, Method
from ...engine.result import Result
from ...numbers import decimal as fmt
from ..messages import comparison_names, label

# "plus one" reads better than "plus 1" in the sentence on caps; other numbers stay digits.
NUMBER_WORDS = {"en": {1: "one", 2: "two", 3: "three"}, "zh": {1: "一", 2: "二", 3: "三"}}


def method_paragraphs(result: Result, lang: str) -> list[str]:
    """The appendix's paragraphs on scoring, N/A, levels, roles and the roadmap, in order."""
    method = result.method
    names = comparison_names(result.framework, lang)
    return [
        _scoring(method, lang),
        label("method_na", lang),
        _levels(method, result, lang),
        label("method_roles", lang),
        label("method_roadmap", lang, **names),
    ]


def _joined(parts: list[str], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def _scoring(method: Method | None, lang: str) -> str:
    reverse = label("method_reverse", lang) if method is None or method.reverse else ""
    if method is not None and len(method.scales) == 1:
        low, high = method.scales[0]
        scale = label("method_scale", lang, low=fmt(low), high=fmt(high), span=fmt(high - low),
                      reverse=reverse)  # fmt: skip
    else:
        ranges = ", ".join(f"{fmt(lo)}–{fmt(hi)}" for lo, hi in method.scales) if method else ""
        used = label("method_scales_used", lang, ranges=ranges) if ranges else ""
        scale = label("method_scales", lang, reverse=reverse, used=used)
    return _joined([scale, label("method_means", lang)], lang)


def _levels(method: Method | None, result: Result, lang: str) -> str:
    first = label("method_levels", lang)
    if method is None:
        return _joined([first, label("method_overall_generic", lang)], lang)
    gate = label("method_gate_critical" if method.critical else "method_gate", lang)
    top = result.framework.top_level
    caps = [cap_phrase(c, result, lang) for c in method.caps]
    if caps:
        overall = label("method_overall_capped", lang, top=top, caps=_cap_list(caps, lang))
    else:
        overall = label("method_overall", lang, top=top)
    evidence = ""
    if method.evidence and len(method.scales) == 1:
        low, high = method.scales[0]
        evidence = label("method_evidence", lang, mid=fmt((low + high) / 2))
    return _joined([first, gate, overall, evidence], lang)


def _cap_list(caps: list[str], lang: str) -> str:
    """'at most A, at most B, and at most C' (不高于A，不高于B，也不高于C)."""
    items = [label("cap_item", lang, what=c) for c in caps[:-1]]
    last = label("cap_last" if items else "cap_item", lang, what=caps[-1])
    return label("cap_separator", lang).join([*items, last])


def cap_phrase(cap: CapRule, result: Result, lang: str) -> str:
    """What a cap holds the overall level to, in words: 'the weakest dimension plus one', 'the
    median dimension level', 'the Leadership level plus one', 'level 3', else the rule's title."""
    plus = _plus(cap.plus, lang)
    fact = cap.fact or ""
    if cap.to is not None:
        return label("cap_fixed", lang, n=cap.to)
    if fact == "level.{dimension}":
        return label("cap_weakest", lang, plus=plus)
    if fact == "overall.median_level":
        return label("cap_median", lang, plus=plus)
    dim = fact.removeprefix("level.")
    if fact.startswith("level.") and dim in result.framework.dimension_ids:
        short = result.framework.short_title(dim, lang)
        shown = short if lang == "zh" or short[1:2].isupper() else short[:1].lower() + short[1:]
        return label("cap_dimension", lang, dimension=shown, plus=plus)
    return label("cap_rule", lang, title=cap.title.get(lang))


def _plus(n: float, lang: str) -> str:
    if not n:
        return ""
    word = NUMBER_WORDS[lang].get(int(n)) if float(n).is_integer() else None
    return label("cap_plus", lang, n=word or fmt(n))


def mean_text(key: str, value: float, scales: tuple[tuple[float, float], ...], lang: str) -> str:
    """A mean answer, 'of N' when every item of its kind tops out at N ('mean answer 3.5 of 5'),
    else the number alone (`key`: "mean_answer" or "result_mean")."""
    tops = {high for _, high in scales}
    if len(tops) == 1:
        return label(key, lang, v=fmt(value), mean=fmt(value), top=fmt(tops.pop()))
    return label(f"{key}_plain", lang, v=fmt(value), mean=fmt(value))


def perception_intro(result: Result, lang: str) -> str:
    """The perception section's first paragraph; it names the highlight threshold only when the
    pack sets one (the rule's threshold on the leaders/staff gap)."""
    threshold = perception_threshold(result)
    highlight = (
        "" if threshold is None else label("perception_highlight", lang, threshold=fmt(threshold))
    )
    return label("perception_intro", lang, highlight=highlight)


def perception_threshold(result: Result) -> float | None:
    """The spread between roles the perception table highlights: the pack's leaders/staff gap
    threshold; None (no highlight) when the pack has none or the result does not say."""
    return result.method.perception_threshold if result.method else None
