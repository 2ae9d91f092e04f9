"""SVG charts: valid XML, the right series, escaped labels, presentation attributes only."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from assessment.content.library import Library
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.io.source import Document
from assessment.render.report.charts import (
    DEFAULT_GATES,
    level_gates,
    number_actions,
    radar_svg,
    roadmap_svg,
    wrap,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(scope="module")
def result(library: Library) -> dict[str, Any]:
    """A two-respondent audit result with a previous assessment."""
    q = library.questionnaires["tqm-audit"]
    leader = {x.id: 4 if x.dimension == "customer" else 2 for x in q.questions}
    staff = {x.id: 2 if x.dimension == "customer" else 1 for x in q.questions}
    doc = {
        "questionnaire": "tqm-audit",
        "organisation": "Chart Co",
        "previous": {d.id: 10 for d in q.dimensions},
        "responses": [
            {"respondent": {"id": "a", "role": "leader"}, "answers": leader},
            {"respondent": {"id": "b", "role": "staff"}, "answers": staff},
        ],
    }
    answers = parse_answers(Document("charts", doc), library)
    return assess(answers, library, use_engine=False).to_document("en")


def parse(svg: str) -> ET.Element:
    """The SVG as an element tree (fails on invalid XML)."""
    return ET.fromstring(svg)


def series(root: ET.Element) -> set[str]:
    """The radar series drawn, by their class."""
    classes = (p.get("class", "") for p in root.iter(f"{{{NS['svg']}}}polygon"))
    return {c.split("series-")[1] for c in classes if "series-" in c}


def test_radar_is_valid_svg_with_the_series(result: dict[str, Any]) -> None:
    root = parse(radar_svg(result, "en"))
    assert root.tag == f"{{{NS['svg']}}}svg"
    assert series(root) == {"traditional", "target", "previous", "current"}


def test_radar_without_previous_has_three_series(result: dict[str, Any]) -> None:
    plain = copy.deepcopy(result)
    for dim in plain["dimensions"].values():
        dim.pop("previous", None)
    assert series(parse(radar_svg(plain, "en"))) == {"traditional", "target", "current"}


def test_radar_labels_are_escaped(result: dict[str, Any]) -> None:
    hostile = copy.deepcopy(result)
    hostile["dimensions"]["customer"]["title"] = HOSTILE
    svg = radar_svg(hostile, "en")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    texts = "".join("".join(t.itertext()) for t in parse(svg).iter(f"{{{NS['svg']}}}text"))
    assert "<script>" in texts and "<b>bold</b>" in texts


@pytest.mark.parametrize("chart", [radar_svg, roadmap_svg])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_use_presentation_attributes_only(
    chart: Any, lang: str, result: dict[str, Any]
) -> None:
    root = parse(chart(result, lang))
    assert all("style" not in el.attrib for el in root.iter())
    assert root.get("viewBox") and root.find("svg:title", NS) is not None


def test_radar_in_chinese(result: dict[str, Any], library: Library) -> None:
    zh = assess_zh(result, library)
    text = "".join(parse(radar_svg(zh, "zh")).itertext())
    assert "关注顾客与顾客满意" in text and "传统管理基准" in text


def assess_zh(result: dict[str, Any], library: Library) -> dict[str, Any]:
    """The same result with Chinese texts (titles only matter here)."""
    zh = copy.deepcopy(result)
    for dim in library.questionnaires["tqm-audit"].dimensions:
        zh["dimensions"][dim.id]["title"] = dim.title.zh
    return zh


def test_roadmap_has_one_numbered_chip_per_action(result: dict[str, Any]) -> None:
    root = parse(roadmap_svg(result, "en"))
    numbers = number_actions(result["roadmap"])
    chips = [c for c in root.iter(f"{{{NS['svg']}}}circle") if c.get("class") == "chip"]
    assert len(chips) == len(numbers) > 0
    texts = {t.text for t in root.iter(f"{{{NS['svg']}}}text")}
    assert {str(n) for n in numbers.values()} <= texts
    assert "Phase 1" in texts and "Phase 4" in texts


def test_roadmap_shows_projected_indices(result: dict[str, Any]) -> None:
    texts = {t.text for t in parse(roadmap_svg(result, "en")).iter(f"{{{NS['svg']}}}text")}
    last = result["roadmap"][-1]["projected"]
    shown = {str(round(v, 1)).removesuffix(".0") for v in last.values() if v is not None}
    assert shown <= texts


def test_number_actions_follows_phases() -> None:
    roadmap = [{"actions": [{"id": "b"}, {"id": "a"}]}, {"actions": []}, {"actions": [{"id": "c"}]}]
    assert number_actions(roadmap) == {"b": 1, "a": 2, "c": 3}


def test_level_gates_come_from_the_trace(result: dict[str, Any]) -> None:
    assert level_gates(result) == (20, 45, 70, 90)
    assert level_gates({"trace": []}) == DEFAULT_GATES


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Customer focus and satisfaction", 16, ["Customer focus", "and satisfaction"]),
        ("组织学习与持续改进", 10, ["组织学习与", "持续改进"]),
        ("one two three four five six", 3, ["one", "two", "three…"]),
        ("short", 20, ["short"]),
    ],
)
def test_wrap(text: str, width: int, expected: list[str]) -> None:
    assert wrap(text, width) == expected
