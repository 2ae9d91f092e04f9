"""The results page and the downloads, computed from the stored answers by the library."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from helpers.frameworks import TQM
from helpers.wording import OTHER, tqm_words_in

from assessment.io.schema import validator

if TYPE_CHECKING:
    from helpers.web import Respondent


def test_incomplete_assessment_redirects_to_review(respondent: Respondent) -> None:
    respondent.submit("customer", {"customer.requirements_in_strategy": 3})
    for path in ("/results", "/download/json", "/download/pdf", "/download/xlsx"):
        response = respondent.client.get(f"/a/{respondent.token}{path}")
        assert response.status_code == 303, path
        assert response.location == f"/a/{respondent.token}/review"
    review = respondent.client.get(f"/a/{respondent.token}/review").get_data(as_text=True)
    assert "Answer every question to see the results" in review


def test_results_page_shows_levels_chart_table_findings_roadmap(respondent: Respondent) -> None:
    respondent.answer_all(2, performance__appraisal_scope=1)
    response = respondent.client.get(f"/a/{respondent.token}/results")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in page and "<polygon" in page
    assert 'style="' not in page  # nothing the CSP would block
    for level in range(1, 6):
        assert TQM.level(level).name.en in page
    assert "Level 2: Awakening" in page
    assert page.count("<tr>") == 7  # header + six dimensions
    assert "Findings" in page and "Improvement roadmap" in page
    assert "Phase 1" in page
    assert f"/a/{respondent.token}/download/pdf" in page


def test_results_explain_the_leadership_cap(respondent: Respondent) -> None:
    # the quick scan's leadership practices at their weakest (close supervision almost always seen)
    weak = {"leadership__leaders_coach": 1, "leadership__quality_in_strategy": 1,
            "leadership__close_supervision": 5}  # fmt: skip
    respondent.answer_all(4, **weak)
    page = _results(respondent)
    assert "Level 2: Awakening" in page
    assert (
        "The scores alone reach level 3" in page
        and "Leadership is holding the whole system back" in page
    )


def test_results_follow_the_latest_answers(respondent: Respondent) -> None:
    respondent.answer_all(1)
    assert "Level 1: Traditional" in _results(respondent)
    respondent.answer_all(5)
    assert "Level 5: Total quality" in _results(respondent)


def _results(respondent: Respondent) -> str:
    return respondent.client.get(f"/a/{respondent.token}/results").get_data(as_text=True)


def test_results_show_evidence_and_notes(new_respondent) -> None:  # type: ignore[no-untyped-def]
    person = new_respondent("tqm-audit")
    person.start()
    person.answer_all(4)
    qid = "performance.appraisal_improvement"
    person.submit("performance", {qid: (1, "appraisal form 2026", "only output counts")})
    page = _results(person)
    assert "appraisal form 2026" in page and "only output counts" in page


def test_json_download_validates_against_the_result_schema(respondent: Respondent) -> None:
    respondent.answer_all(3)
    response = respondent.client.get(f"/a/{respondent.token}/download/json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    result = json.loads(response.data)
    validator("result").validate(result)
    assert result["organisation"] == "Test Co"
    assert result["respondents"]["by_role"] == {"manager": 1}
    assert result["lang"] == "en"


def test_downloads_follow_the_interface_language(respondent: Respondent) -> None:
    respondent.answer_all(3)
    respondent.client.set_cookie("lang", "zh")
    result = json.loads(respondent.client.get(f"/a/{respondent.token}/download/json").data)
    assert result["lang"] == "zh"
    assert result["overall"]["level_name"] == TQM.level(3).name.zh
    assert (
        "zh"
        in respondent.client.get(f"/a/{respondent.token}/download/json").headers[
            "Content-Disposition"
        ]
    )


def test_pdf_download(respondent: Respondent) -> None:
    respondent.answer_all(3)
    response = respondent.client.get(f"/a/{respondent.token}/download/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_xlsx_download_opens_with_openpyxl(respondent: Respondent) -> None:
    from openpyxl import load_workbook

    respondent.answer_all(4)
    response = respondent.client.get(f"/a/{respondent.token}/download/xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 4
    cells = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert "customer.requirements_in_strategy" in cells  # the answers are in it
    respondent.client.set_cookie("lang", "zh")
    chinese = respondent.client.get(f"/a/{respondent.token}/download/xlsx")
    assert load_workbook(io.BytesIO(chinese.data)).sheetnames != workbook.sheetnames


def test_results_lead_with_summary_priorities_and_a_page_menu(respondent: Respondent) -> None:
    respondent.answer_all(2, performance__appraisal_scope=1)
    page = _results(respondent)
    menu, summary = page.index('aria-label="On this page"'), page.index("What matters most")
    assert menu < summary < page.index('id="overall-title"') < page.index('id="findings-title"')
    priorities = page[summary : page.index("</ol>", summary)]
    anchors = re.findall(r'href="#(finding-[^"]+)"', priorities)
    assert 1 <= len(anchors) <= 3
    for anchor in anchors:  # every priority links to its finding further down
        assert f'id="{anchor}"' in page
    assert page.count("<details open>") == 1  # the first roadmap phase open, the others folded
    assert page.count('<li class="phase">') == page.count(
        "<details", page.index('id="roadmap-title"')
    )


def test_results_give_the_chart_in_figures_and_cards_for_phones(respondent: Respondent) -> None:
    respondent.answer_all(3)
    page = _results(respondent)
    alt = re.search(r'class="chart-svg chart-radar" role="img" aria-label="([^"]+)"', page)
    assert alt and "Organisational structure 50 (traditional 5, target 80)" in alt[1]
    assert page.count('<li class="card">') == 6  # a card per dimension (shown on narrow screens)
    assert page.count('class="bar"') == 6  # the phone's bar chart
    assert 'role="region"' not in page  # one landmark per name
    assert "0 N/A" not in page


def test_dont_know_shares_read_as_counts_and_percent(respondent: Respondent) -> None:
    respondent.answer_all(3, customer__requirements_in_strategy="unknown")
    page = _results(respondent)
    # version 2 of the quick scan: three practice items and one result item in customer focus
    assert "1 of 4 answers (25 %) were “don&#39;t know”" in page
    assert "fraction of 1" not in page
    respondent.client.set_cookie("lang", "zh")
    assert "4 个答案中有 1 个为“不清楚”（25%）" in _results(respondent)


def test_download_names_carry_organisation_questionnaire_and_date(
    new_respondent: Callable[..., Respondent],
) -> None:
    person = new_respondent()
    person.start(organisation='Acme "Gear" Co / Nord')
    person.answer_all(3)
    day = dt.date.today().isoformat()
    header = person.client.get(f"/a/{person.token}/download/json").headers["Content-Disposition"]
    assert header == (
        f'attachment; filename="acme-gear-co-nord-tqm-quick-{day}.json"; '
        f"filename*=UTF-8''acme-gear-co-nord-tqm-quick-{day}.json"
    )
    chinese = new_respondent()
    chinese.start(organisation="华夏精工（质量部）")
    chinese.answer_all(3)
    chinese.client.set_cookie("lang", "zh")
    header = chinese.client.get(f"/a/{chinese.token}/download/xlsx").headers["Content-Disposition"]
    name = f"华夏精工-质量部-tqm-quick-{day}-zh.xlsx"
    assert header == (
        f'attachment; filename="tqm-quick-{day}-zh.xlsx"; '
        f"filename*=UTF-8''{urllib.parse.quote(name)}"
    )
    page = chinese.client.get(f"/a/{chinese.token}/results").get_data(as_text=True)
    assert f'download="{name}" data-busy="正在准备报告…"' in page


def comparison_parts(page: str) -> str:
    """The parts of the results page that name the comparison profiles: the chart's label and
    caption, the bar notes, the table's headers, the legend and the dimension figures."""
    patterns = (r'aria-label="[^"]*"', r'<span class="caption-[a-z]+">.*?</span>',
                r'<span class="bar-note">.*?</span>', r"<th[^>]*>.*?</th>",
                r'<p class="hint legend">.*?</p>', r"<dt>.*?</dt>")  # fmt: skip
    return "\n".join(m for p in patterns for m in re.findall(p, page, flags=re.S))


@pytest.mark.parametrize(
    ("lang", "names"),
    [("en", ("Sector median", "sector median", "Benchmark", "benchmark")),
     ("zh", ("行业中位数", "标杆"))],
)  # fmt: skip
def test_results_page_names_the_framework_s_comparison_profiles(
    respondent: Respondent, monkeypatch: pytest.MonkeyPatch, lang: str, names: tuple[str, ...]
) -> None:
    from webapp.views import results

    real = results.assess
    monkeypatch.setattr(results, "assess", lambda *a, **k: replace(real(*a, **k), framework=OTHER))
    respondent.answer_all(2)
    respondent.client.set_cookie("lang", lang)
    page = _results(respondent)
    parts = html.unescape(re.sub(r'class="[^"]*"', "", comparison_parts(page)))  # not wording
    assert tqm_words_in(parts) == [] and all(name in parts for name in names)
    assert ("Level 2: Stage 2" if lang == "en" else "第2阶段") in page
    main = page.split('<main id="main"')[1].split("</main>")[0]  # the site's brand aside
    assert "TQM" not in re.sub(r'<p class="kicker">.*?</p>', "", main)  # the questionnaire's title
