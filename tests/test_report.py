"""The HTML report: complete, escaped, bilingual; and the view helpers behind it."""

from __future__ import annotations

import base64
import copy
import html
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from assessment.content.library import Library
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.io.source import Document
from assessment.render.report import html as report_html
from assessment.render.report.html import environment, render_html
from assessment.render.report.plan_view import because_text, condition_text, trace_rows
from assessment.render.report.view import dimension_views, format_date, perception_rows

TEMPLATES = Path(report_html.__file__).parent / "templates"
ORG = "<script>alert('org')</script> Acme & Sons"
EVIDENCE = '<img src="x" onerror="alert(1)"> audit log 7'
NOTE = "<b>note</b> from the floor"


def answers_doc(library: Library) -> dict[str, Any]:
    """Leader and staff answers that differ a lot, with hostile evidence on one question."""
    q = library.questionnaires["tqm-audit"]
    leader = {x.id: 4 for x in q.questions}
    staff = {x.id: 2 if x.dimension in ("customer", "process") else 1 for x in q.questions}
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
def results(library: Library) -> dict[str, dict[str, Any]]:
    """The result in English and Chinese."""
    answers = parse_answers(Document("report", answers_doc(library)), library)
    return {
        lang: assess(answers, library, use_engine=False).to_document(lang) for lang in ("en", "zh")
    }


@pytest.fixture(scope="module")
def pages(results: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The rendered HTML in both languages."""
    return {lang: render_html(results[lang], lang) for lang in ("en", "zh")}


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
    assert "全面质量管理成熟度评估报告</title>" in pages["zh"]


def test_css_and_charts_are_inline(pages: dict[str, str]) -> None:
    document = pages["en"]
    assert "<link" not in document and "<img" not in document and "<script" not in document
    assert document.count("<svg") == 2 and "@page" in document


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_every_dimension_finding_and_action(
    lang: str, results: dict[str, dict[str, Any]], pages: dict[str, str]
) -> None:
    result, text = results[lang], text_of(pages[lang])
    for dim in result["dimensions"].values():
        assert dim["title"] in text and dim["level_name"] in text
    for finding in result["findings"]:
        assert finding["title"] in text
    for phase in result["roadmap"]:
        for action in phase["actions"]:
            assert action["title"] in text and action["kpi"].replace(">=", "≥") in text


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


def test_for_pdf_loads_the_font_file(results: dict[str, dict[str, Any]]) -> None:
    font = report_html.cjk_font_file()
    document = render_html(results["zh"], "zh", for_pdf=True)
    if font is not None:
        assert f'url("{font.as_uri()}")' in document
    assert 'local("WenQuanYi Micro Hei")' in render_html(results["zh"], "zh")


def test_single_respondent_has_no_perception_section(
    results: dict[str, dict[str, Any]],
) -> None:
    single = copy.deepcopy(results["en"])
    single["respondents"] = {"count": 1, "by_role": {"leader": 1}}
    assert perception_rows(single) == ([], [])
    assert "Perception by role" not in render_html(single, "en")


def test_perception_rows_flag_large_spreads(results: dict[str, dict[str, Any]]) -> None:
    roles, rows = perception_rows(results["en"])
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
    assert format_date(raw, lang) == shown


def test_format_date_defaults_to_today() -> None:
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", format_date("", "zh"))


def test_because_in_words(results: dict[str, dict[str, Any]]) -> None:
    result = results["en"]
    rule = result["findings"][0]["rule"]
    numbers = {"x.first": 1, "x.second": 2}
    words = because_text([rule, "gap.customer", "prerequisite:x.second"], numbers, result, "en")
    assert words[0] == result["findings"][0]["title"]
    assert words[1] == "gap to target in " + result["dimensions"]["customer"]["title"]
    assert words[2] == "prerequisite of action 2"


def test_condition_text() -> None:
    cond = {"fact": "index.customer", "op": ">=", "threshold": 20, "actual": 73.75, "result": True}
    assert condition_text(cond) == "index.customer ≥ 20 (73.8)"
    ref = {"fact": "a", "op": ">", "ref": "b", "threshold": 3.0, "actual": 2, "result": False}
    assert condition_text(ref | {"negated": True}) == "not a > b [3] (2)"


def test_trace_rows_group_many_idle_instances() -> None:
    steps = [{"rule": f"r.each[q{i}]", "fired": False,
              "conditions": [{"fact": "f", "op": ">=", "threshold": 1, "actual": 0, "result": False}]}
             for i in range(10)]  # fmt: skip
    steps.append({"rule": "r.each[q10]", "fired": True, "conditions": []})
    rows = trace_rows({"trace": steps}, "en")
    assert [r.rule for r in rows] == ["r.each[q10]", "r.each[…]"]
    assert rows[1].conditions == "10 instances, none fired"


def test_missing_scores_and_empty_roadmap_still_render(results: dict[str, dict[str, Any]]) -> None:
    odd = copy.deepcopy(results["en"])
    odd["dimensions"]["learning"] |= {
        "index": None,
        "gaps": {"above_traditional": None, "to_target": None},
    }
    odd["roadmap"], odd["findings"], odd["trace"], odd["date"] = [], [], [], ""
    odd.pop("plan", None)
    text = text_of(render_html(odd, "en"))
    assert "No actions are needed to reach the targets." in text
    assert "The rules raised no risks or opportunities" in text


def test_pdf_document_is_lean(results: dict[str, dict[str, Any]]) -> None:
    document = render_html(results["en"], "en", for_pdf=True)
    assert "@page" not in document and "@font-face" in document  # report.css goes separately
    assert "<svg" not in document and document.count('src="data:image/svg+xml;base64,') == 2
    assert not re.search(r"\n\s*<(div|p|tr|td|section)\b", document)


def test_pdf_charts_are_the_escaped_svg(results: dict[str, dict[str, Any]]) -> None:
    hostile = copy.deepcopy(results["en"])
    hostile["dimensions"]["customer"]["title"] = "<script>x</script>"
    document = render_html(hostile, "en", for_pdf=True)
    charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', document)
    radar = base64.b64decode(charts[0]).decode()
    assert radar.startswith("<svg") and "&lt;script&gt;" in radar and "<script>" not in radar


def test_planned_actions_are_grouped_by_phase(results: dict[str, dict[str, Any]]) -> None:
    result = results["en"]
    dims = dimension_views(result, [], "en")
    for dim in dims:
        numbers = [n for _, actions in dim.planned for n, _ in actions]
        assert numbers == sorted(numbers)
        mine = [a for p in result["roadmap"] for a in p["actions"] if a["dimension"] == dim.id]
        assert len(numbers) == len(mine)
        assert all(actions for _, actions in dim.planned)


def test_previous_scores_show_beside_the_index(results: dict[str, dict[str, Any]]) -> None:
    again = copy.deepcopy(results["en"])
    for dim in again["dimensions"].values():
        dim["previous"] = 10.0
    document = render_html(again, "en")
    band = document.split('class="dim-band"')[1].split("</div>\n    </div>")[0]
    assert "Index\tPrevious\tTraditional" in html.unescape(band)
    assert '<span class="fig">10 <span class="muted">(+' in band
