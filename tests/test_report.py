"""The HTML report: complete, escaped, bilingual; and the view helpers behind it."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.frameworks import TQM
from helpers.wording import other_result, tqm_words_in
from markupsafe import escape

from assessment.content.library import Library
from assessment.content.model import Text
from assessment.engine.answers import parse_answers
from assessment.engine.evaluation import TraceStep
from assessment.engine.pipeline import assess
from assessment.engine.result import Respondents, Result
from assessment.engine.roadmap import Reason
from assessment.io.source import Document
from assessment.render.report import html as report_html
from assessment.render.report.html import environment, render_html
from assessment.render.report.plan_view import because_text, condition_text, trace_rows
from assessment.render.report.view import dimension_views, perception_rows, report_date
from assessment.render.text import render_result

TEMPLATES = Path(report_html.__file__).parent / "templates"
ORG = "<script>alert('org')</script> Acme & Sons"
EVIDENCE = '<img src="x" onerror="alert(1)"> audit log 7'
NOTE = "<b>note</b> from the floor"


def answers_doc(library: Library) -> dict[str, Any]:
    """Leader and staff answers that differ a lot, with hostile evidence on one question."""
    q = library.questionnaires["tqm-audit"]
    leader = {x.id: 4 for x in q.questions_for("leader")}  # each role answers what it is asked
    staff = {
        x.id: 2 if x.dimension in ("customer", "process") else 1 for x in q.questions_for("staff")
    }
    staff["structure.cross_functional_teams"] = {"value": 1, "evidence": EVIDENCE, "note": NOTE}
    return {
        "questionnaire": "tqm-audit",
        "organisation": ORG,
        "date": "2026-11-29",
        "responses": [
            {"respondent": {"id": "boss", "role": "leader"}, "answers": leader},
            {"respondent": {"id": "s1", "role": "staff"}, "answers": staff},
        ],
    }


@pytest.fixture(scope="module")
def result(library: Library) -> Result:
    """The result (both languages)."""
    answers = parse_answers(Document("report", answers_doc(library)), library)
    return assess(answers, library, use_engine=False)


@pytest.fixture(scope="module")
def pages(result: Result) -> dict[str, str]:
    """The rendered HTML in both languages."""
    return {lang: render_html(result, lang) for lang in ("en", "zh")}


def text_of(document: str) -> str:
    """The visible text of an HTML document, entities decoded, whitespace collapsed."""
    body = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", document, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_environment_autoescapes() -> None:
    assert environment().autoescape is True


def test_templates_never_mark_text_safe() -> None:
    for template in TEMPLATES.glob("*.html"):
        assert not re.search(r"\|\s*safe\b", template.read_text()), template.name


def test_hostile_organisation_is_escaped(pages: dict[str, str]) -> None:
    for document in pages.values():
        assert "<script>alert" not in document
        assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt; Acme &amp; Sons" in document


def test_hostile_evidence_and_notes_are_escaped(pages: dict[str, str]) -> None:
    document = pages["en"]
    assert "<img" not in document and "<b>note</b>" not in document
    assert str(escape(EVIDENCE)) in document and str(escape(NOTE)) in document


def test_document_head(pages: dict[str, str]) -> None:
    assert '<html lang="en">' in pages["en"] and '<html lang="zh-CN">' in pages["zh"]
    assert '<meta name="author" content="&lt;script&gt;' in pages["en"]
    assert re.search(r"<title>&lt;script&gt;.*TQM maturity assessment</title>", pages["en"])
    assert "全面质量管理成熟度评估</title>" in pages["zh"]


def test_css_and_charts_are_inline(pages: dict[str, str]) -> None:
    document = pages["en"]
    assert "<link" not in document and "<img" not in document and "<script" not in document
    assert document.count("<svg") == 2 and "@page" in document


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_every_dimension_finding_and_action(
    lang: str, result: Result, pages: dict[str, str]
) -> None:
    text = text_of(pages[lang])
    for dim in result.dimensions.values():
        assert dim.title.get(lang) in text and TQM.level_name(dim.level, lang) in text
    for finding in result.findings:
        assert finding.title.get(lang) in text
    for phase in result.phases:
        for planned in phase.actions:
            action = planned.action
            assert action.title.get(lang) in text
            assert action.kpi.get(lang).replace(">=", "≥").replace("<=", "≤") in text


def test_chinese_report_is_chinese(pages: dict[str, str]) -> None:
    text = text_of(pages["zh"])
    for label in (
        "执行摘要",
        "成熟度概况",
        "分维度评估",
        "改进路线图",
        "附录 A：评估方法",
        "2026年11月29日",
    ):
        assert label in text
    assert "Executive summary" not in text and "Level" not in text


def test_english_report_sections(pages: dict[str, str]) -> None:
    text = text_of(pages["en"])
    for label in ("Contents", "Executive summary", "What matters most", "Maturity profile",
                  "Perception by role", "Improvement roadmap", "Appendix B: Rule trace",
                  "29 November 2026"):  # fmt: skip
        assert label in text


def test_for_pdf_loads_the_font_file(result: Result) -> None:
    font = report_html.cjk_font_file()
    document = render_html(result, "zh", for_pdf=True)
    if font is not None:
        assert f'url("{font.as_uri()}")' in document
    assert 'local("WenQuanYi Micro Hei")' in render_html(result, "zh")


def test_single_respondent_has_no_perception_section(result: Result) -> None:
    single = replace(result, respondents=Respondents(1, {"leader": 1}))
    assert perception_rows(single, "en") == ([], [])
    assert "Perception by role" not in render_html(single, "en")


def test_perception_rows_flag_large_spreads(result: Result) -> None:
    roles, rows = perception_rows(result, "en")
    assert roles == ["leader", "staff"]
    assert any(r.flagged for r in rows)


def test_summary_names_three_themes_and_a_strength(pages: dict[str, str]) -> None:
    section = pages["en"].split('class="summary"')[1].split("</section>")[0]
    assert 1 <= section.count('class="theme ') <= 3
    assert "Strength to build on" in section


@pytest.mark.parametrize(
    ("raw", "lang", "shown"),
    [
        ("2026-11-29", "en", "29 November 2026"),
        ("2026-11-29", "zh", "2026年11月29日"),
        ("2026-03-05T10:00:00", "zh", "2026年3月5日"),
        ("spring 2026", "en", "spring 2026"),
    ],
)
def test_format_date(raw: str, lang: str, shown: str) -> None:
    assert report_date(raw, lang) == shown


def test_format_date_defaults_to_today() -> None:
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", report_date("", "zh"))


def test_because_in_words(result: Result) -> None:
    rule = result.findings[0].rule
    numbers = {"x.first": 1, "x.second": 2}
    reasons = [
        Reason("finding", rule),
        Reason("gap", "customer"),
        Reason("prerequisite", "x.second"),
    ]
    words = because_text(reasons, numbers, result, "en")
    assert words[0] == result.findings[0].title.en
    assert words[1] == "gap to target in " + result.dimensions["customer"].title.en
    assert words[2] == "prerequisite of action 2"


def test_condition_text() -> None:
    cond = {"fact": "index.customer", "op": ">=", "threshold": 20, "actual": 73.75, "result": True}
    assert condition_text(cond) == "index.customer ≥ 20 (73.8)"
    ref = {"fact": "a", "op": ">", "ref": "b", "threshold": 3.0, "actual": 2, "result": False}
    assert condition_text(ref | {"negated": True}) == "not a > b [3] (2)"


def test_trace_rows_group_many_idle_instances() -> None:
    failed = {"fact": "f", "op": ">=", "threshold": 1, "actual": 0, "result": False}
    steps = [TraceStep(f"r.each[q{i}]", 1, False, [failed], {}) for i in range(10)]
    steps.append(TraceStep("r.each[q10]", 1, True, [], {}))
    rows = trace_rows(steps, "en")
    assert [r.rule for r in rows] == ["r.each[q10]", "r.each[…]"]
    assert rows[1].conditions == "10 instances, none fired"


def test_missing_scores_and_empty_roadmap_still_render(result: Result) -> None:
    learning = replace(
        result.dimensions["learning"], index=None, above_traditional=None, to_target=None
    )
    dims = {**result.dimensions, "learning": learning}
    odd = replace(result, dimensions=dims, roadmap=None, findings=(), trace=(), date="")
    text = text_of(render_html(odd, "en"))
    assert "No actions are needed to reach the targets." in text
    assert "The rules raised no risks or opportunities" in text


def test_pdf_document_is_lean(result: Result) -> None:
    document = render_html(result, "en", for_pdf=True)
    assert "@page" not in document and "@font-face" in document  # report.css goes separately
    assert "<svg" not in document and document.count('src="data:image/svg+xml;base64,') == 2
    assert not re.search(r"\n\s*<(div|p|tr|td|section)\b", document)


def test_pdf_charts_are_the_escaped_svg(result: Result) -> None:
    script = Text("<script>x</script>", "<script>x</script>")
    customer = replace(result.dimensions["customer"], title=script)
    hostile = replace(result, dimensions={**result.dimensions, "customer": customer})
    document = render_html(hostile, "en", for_pdf=True)
    charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', document)
    radar = base64.b64decode(charts[0]).decode()
    assert radar.startswith("<svg") and "&lt;script&gt;" in radar and "<script>" not in radar


def test_planned_actions_are_grouped_by_phase(result: Result) -> None:
    dims = dimension_views(result, [], "en")
    for dim in dims:
        numbers = [n for _, actions in dim.planned for n, _ in actions]
        assert numbers == sorted(numbers)
        mine = [a for p in result.phases for a in p.actions if a.action.dimension == dim.id]
        assert len(numbers) == len(mine)
        assert all(actions for _, actions in dim.planned)


def test_previous_scores_show_beside_the_index(result: Result) -> None:
    dims = {d: replace(v, previous=10.0) for d, v in result.dimensions.items()}
    again = replace(result, dimensions=dims)
    document = render_html(again, "en")
    band = document.split('class="dim-band"')[1].split("</div>\n    </div>")[0]
    assert "Index\tPrevious\tTraditional" in html.unescape(band)
    assert '<span class="fig">10 <span class="muted">(+' in band


def test_results_are_shown_apart_in_each_dimension(pages: dict[str, str], result: Result) -> None:
    # result items are asked of leaders, managers and auditors (version 2), so here only the
    # leader answers them: a 4 without evidence counts as 3, index 50, beside the claimed 4
    process = result.dimensions["process"]
    assert process.results is not None and process.results.index == 50.0
    english, chinese = text_of(pages["en"]), text_of(pages["zh"])
    assert english.count("(kept apart: the level comes from the practices)") == 6
    assert english.count("Results index 50 (kept apart") == 6
    assert "What do the on-time delivery results show? 3 of 5" in english
    assert chinese.count("（单独列示：等级只依据做法判定）") == 6
    assert "准时交付结果呈现怎样的水平和趋势？ 3 分（满分 5 分）" in chinese


def test_the_text_report_lists_results_after_the_levels(result: Result) -> None:
    text = render_result(result, "en")
    levels, results = text.index("Overall"), text.index("Results (scored apart")
    assert levels < results < text.index("Findings")
    assert re.search(r"What do the staff-turnover results show\? +3/5\n", text)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["(300 people, assumed", "126 person-days a month", "one level at most", "weeks"]),
        (
            "zh",
            ["（300 人，答卷未给出人数", "每月 126 人日", "最多使其维度提升一个等级", "按周编排"],
        ),
    ],
)
def test_the_method_states_how_size_sets_effort_and_capacity(
    pages: dict[str, str], lang: str, words: list[str]
) -> None:
    text = text_of(pages[lang])
    for word in words:
        assert word in text


def test_each_action_shows_its_weeks_and_scaled_effort(
    library: Library, pages: dict[str, str]
) -> None:
    doc = answers_doc(library) | {"organisation_size": 30}
    small = assess(parse_answers(Document("report", doc), library), library, langs=("en",))
    text = text_of(render_html(small, "en"))
    assert "(30 people)" in text and "12.6 person-days a month" in text
    for phase in small.phases:
        for planned in phase.actions:
            start, end = planned.weeks
            assert f"person-days, weeks {start}–{end}" in text


def test_actions_already_in_place_are_named(library: Library) -> None:
    q = library.questionnaires["tqm-audit"]
    values = {x.id: 4 if x.dimension == "leadership" else 2 for x in q.questions}
    answers = {k: {"value": v, "evidence": "board minutes, 2026-09"} for k, v in values.items()}
    doc = {"questionnaire": "tqm-audit", "organisation": "In place", "answers": answers}
    result = assess(parse_answers(Document("r", doc), library), library, langs=("zh",))
    assert result.roadmap and result.roadmap.skipped
    text = text_of(render_html(result, "zh"))
    assert "以下行动不再安排，相应做法已经到位：" in text
    assert "leadership.quality_council" in text


# --- What the framework and the pack declare, not the bundled wording ---------------------------


def visible_words(document: str) -> str:
    """The report's text, attributes (alternative texts) and chart labels, without what is no
    wording: CSS, class names, the generator and the result contract's name."""
    cleaned = re.sub(r"<style.*?</style>|class=\"[^\"]*\"|<meta name=\"generator\"[^>]*>", " ",
                     document, flags=re.S)  # fmt: skip
    return html.unescape(cleaned.replace("tqm-result/1", ""))


@pytest.mark.parametrize(
    ("lang", "names"),
    [("en", ("Sector median", "Benchmark", "Stage 1")), ("zh", ("行业中位数", "标杆", "第1阶段"))],
)
def test_another_framework_s_report_has_none_of_the_bundled_wording(
    mini: Library, lang: str, names: tuple[str, ...]
) -> None:
    result = other_result(mini)
    page = visible_words(render_html(result, lang))
    assert tqm_words_in(page) == []
    assert all(name in page for name in names)
    assert tqm_words_in(render_result(result, lang)) == []
    assert names[0].lower() in render_result(result, lang).lower()


def test_comparison_names_read_inside_sentences(mini: Library) -> None:
    page = visible_words(render_html(other_result(mini), "en"))
    assert "Sector median baseline" in page  # the chart's legend, as declared
    assert "against the sector median baseline and the benchmark" in page  # the chart in words
    assert "vs sector median" in render_result(other_result(mini), "en")


def method_section(document: str) -> str:
    return text_of(document.split('class="appendix method"')[1].split("<h2>")[0])


def test_the_method_states_the_pack_s_scale_and_caps(result: Result) -> None:
    english, chinese = (method_section(render_html(result, lang)) for lang in ("en", "zh"))
    assert result.method is not None and result.method.reverse  # the audit has reverse items
    assert (
        "Each answer on a 1–5 practice scale is mapped to 0–100 ((value − 1) ÷ 4 × 100; "
        "reverse-scored items are flipped)" in english
    )
    assert "at most the leadership level plus one" in english
    assert "at most the weakest dimension plus one" in english
    assert "and at most the median dimension level" in english
    assert "ratings above 3 without dated evidence count as 3" in english
    assert "不高于最弱维度等级加一" in chinese and "也不高于各维度等级的中位数" in chinese
    assert "1 to 5" in english and "leadership.cornerstone" in [c.rule for c in result.method.caps]


def test_the_method_follows_another_scale_without_caps(result: Result) -> None:
    assert result.method is not None
    method = replace(result.method, scales=((0.0, 10.0),), caps=(), reverse=True, evidence=False)
    english = method_section(render_html(replace(result, method=method), "en"))
    assert "0–10 practice scale" in english
    assert "((value − 0) ÷ 10 × 100; reverse-scored items are flipped)" in english
    assert "The overall level (1 to 5) follows the overall index." in english
    assert "capped" not in english and "1–5" not in english and "evidence" not in english


def test_a_result_without_a_method_summary_gets_a_generic_method(result: Result) -> None:
    english = method_section(render_html(replace(result, method=None), "en"))
    assert "may be capped by the pack's rules" in english
    assert "1–5" not in english and "leadership" not in english


def test_the_perception_highlight_is_the_pack_s_threshold(result: Result) -> None:
    assert result.method is not None and result.method.perception_threshold == 20
    assert "A spread of 20 points or more" in render_html(result, "en")
    higher = replace(result, method=replace(result.method, perception_threshold=99.0))
    assert not any(r.flagged for r in perception_rows(higher, "en")[1])
    assert "A spread of 99 points or more" in render_html(higher, "en")


def test_no_perception_threshold_in_the_pack_means_no_highlight(mini: Library) -> None:
    result = other_result(mini)
    assert result.method is not None and result.method.perception_threshold is None
    roles, rows = perception_rows(result, "en")
    assert roles and rows and not any(r.flagged for r in rows)
    page = render_html(result, "en")
    assert "A spread of" not in page and 'class="flagged"' not in page
