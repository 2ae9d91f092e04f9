"""SVG charts: valid XML, the right series, escaped labels, presentation attributes only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest
from helpers.answers import role_answers

from assessment.content.library import Library
from assessment.content.model import Action, Text
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.engine.roadmap import Phase, PlannedAction
from assessment.io.source import Document
from assessment.render.report.charts import (
    level_gates,
    number_actions,
    radar_svg,
    roadmap_svg,
    wrap,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(scope="module")
def result(library: Library) -> Result:
    """A two-respondent audit result with a previous assessment."""
    q = library.questionnaires["tqm-audit"]
    leader = role_answers(q, "leader", lambda x: 4 if x.dimension == "customer" else 2)
    staff = role_answers(q, "staff", lambda x: 2 if x.dimension == "customer" else 1)
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
    return assess(answers, library, use_engine=False)


def parse(svg: str) -> ET.Element:
    """The SVG as an element tree (fails on invalid XML)."""
    return ET.fromstring(svg)


def series(root: ET.Element) -> set[str]:
    """The radar series drawn, by their class."""
    classes = (p.get("class", "") for p in root.iter(f"{{{NS['svg']}}}polygon"))
    return {c.split("series-")[1] for c in classes if "series-" in c}


def test_radar_is_valid_svg_with_the_series(result: Result) -> None:
    root = parse(radar_svg(result, "en"))
    assert root.tag == f"{{{NS['svg']}}}svg"
    assert series(root) == {"traditional", "target", "previous", "current"}


def with_dimensions(result: Result, **changes: Any) -> Result:
    """The result with the same changes made to every dimension."""
    dims = {d: replace(v, **changes) for d, v in result.dimensions.items()}
    return replace(result, dimensions=dims)


def test_radar_without_previous_has_three_series(result: Result) -> None:
    plain = with_dimensions(result, previous=None)
    assert series(parse(radar_svg(plain, "en"))) == {"traditional", "target", "current"}


def test_radar_labels_are_escaped(result: Result) -> None:
    hostile = with_dimensions(result, title=Text(HOSTILE, HOSTILE))
    svg = radar_svg(hostile, "en")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    texts = "".join("".join(t.itertext()) for t in parse(svg).iter(f"{{{NS['svg']}}}text"))
    assert "<script>" in texts and "<b>bold</b>" in texts


@pytest.mark.parametrize("chart", [radar_svg, roadmap_svg])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_use_presentation_attributes_only(chart: Any, lang: str, result: Result) -> None:
    root = parse(chart(result, lang))
    assert all("style" not in el.attrib for el in root.iter())
    assert root.get("viewBox") and root.find("svg:title", NS) is not None


def test_radar_in_chinese(result: Result) -> None:
    text = "".join(parse(radar_svg(result, "zh")).itertext())
    assert "关注顾客与顾客满意" in text and "传统管理基准" in text


def test_roadmap_has_one_numbered_chip_per_action(result: Result) -> None:
    root = parse(roadmap_svg(result, "en"))
    numbers = number_actions(result.phases)
    chips = [c for c in root.iter(f"{{{NS['svg']}}}circle") if c.get("class") == "chip"]
    assert len(chips) == len(numbers) > 0
    texts = {t.text for t in root.iter(f"{{{NS['svg']}}}text")}
    assert {str(n) for n in numbers.values()} <= texts
    assert "Phase 1" in texts and "Phase 4" in texts


def test_roadmap_shows_projected_indices(result: Result) -> None:
    texts = {t.text for t in parse(roadmap_svg(result, "en")).iter(f"{{{NS['svg']}}}text")}
    last = result.phases[-1].projected
    shown = {str(round(v, 1)).removesuffix(".0") for v in last.values() if v is not None}
    assert shown <= texts


def phase_of(number: int, *ids: str) -> Phase:
    """A phase planning actions with these ids."""
    text = Text("t", "t")
    actions = tuple(
        PlannedAction(Action(i, "customer", text, text, 1, 2, 1, 1, 1, (), text), 1.0, ())
        for i in ids
    )
    return Phase(number, (0, 3), 60.0, float(len(ids)), actions, {})


def test_number_actions_follows_phases() -> None:
    phases = [phase_of(1, "b", "a"), phase_of(2), phase_of(3, "c")]
    assert number_actions(phases) == {"b": 1, "a": 2, "c": 3}


def test_level_gates_come_from_the_packs_overall_level_rules(result: Result) -> None:
    assert level_gates(result) == (20, 45, 70, 90)
    stored = Result.from_document(result.to_document("en"), result.framework)
    assert level_gates(stored) == (20, 45, 70, 90)  # read back from the trace


def test_without_known_gates_the_radar_draws_no_gate_rings(result: Result) -> None:
    rings = parse(radar_svg(replace(result, gates=()), "en")).iter(f"{{{NS['svg']}}}polygon")
    dashed = [p for p in rings if p.get("stroke-dasharray") == "3 3"]
    assert dashed == []
    with_gates = parse(radar_svg(result, "en")).iter(f"{{{NS['svg']}}}polygon")
    assert len([p for p in with_gates if p.get("stroke-dasharray") == "3 3"]) == 4


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
