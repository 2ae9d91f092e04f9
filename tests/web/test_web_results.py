"""The results page and the downloads, computed from the stored answers by the library."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from assessment.content.model import LEVEL_NAMES
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
        assert LEVEL_NAMES[level].en in page
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
    assert "The scores alone reach level 3" in page and "leadership is the cornerstone" in page


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
    assert result["overall"]["level_name"] == LEVEL_NAMES[3].zh
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
