"""assessment.content.library: questionnaires and rule packs, every problem at path:line:col: $.pointer.

Each test copies the tiny test content (tests/data/content), breaks one file by a textual edit and
checks the exact problem the loader reports.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment.content.library import Library, load_library
from assessment.io.yaml_reader import parse_yaml
from assessment.problems import Problem, ProblemsFound

DATA = Path(__file__).resolve().parent / "data"
QUESTIONNAIRE = "questionnaires/mini.yaml"
PACK = "rules/mini/pack.yaml"
ACTIONS = "rules/mini/actions.yaml"
BASELINES = "rules/mini/baselines.yaml"


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A private copy of the tiny test content, to break."""
    root = tmp_path / "content"
    shutil.copytree(DATA / "content", root)
    return root


def edit(root: Path, name: str, old: str, new: str) -> str:
    """Replace the first `old` in the file by `new`; the file's new text."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def locate(text: str, needle: str, nth: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle (plus offset characters)."""
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    start += offset
    line = text.count("\n", 0, start) + 1
    col = start - text.rfind("\n", 0, start)
    return line, col


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(ProblemsFound) as caught:
        load_library(root)
    return caught.value.problems


def shown(root: Path) -> list[str]:
    return [str(p) for p in problems_of(root)]


def rule_index(text: str, rule_id: str, nth: int = 1) -> int:
    ids = [rule["id"] for rule in parse_yaml(text).data["rules"]]
    return [i for i, r in enumerate(ids) if r == rule_id][nth - 1]


def test_the_test_content_loads(mini: Library) -> None:
    assert set(mini.questionnaires) == {"mini"}
    assert set(mini.packs) == {"mini"}
    assert mini.pack_for("mini").id == "mini"


# --- questionnaires --------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One textual edit of the questionnaire and the problem expected where `needle` lands."""

    old: str
    new: str
    needle: str
    pointer: str
    message: str
    code: str
    nth: int = 1
    offset: int = 0


QUESTIONNAIRE_BREAKS = {
    "id-not-the-file-stem": Break(
        "id: mini", "id: maxi", "maxi", "$.id", "id 'maxi' must equal the file name 'mini'",
        "content.id_mismatch",
    ),
    "dimension-twice-at-its-second-id": Break(
        "  - id: leadership\n", "  - id: customer\n", "  - id: customer\n",
        "$.dimensions[1].id", "dimension 'customer' appears twice", "content.duplicate_id", nth=2, offset=len("  - id: "),
    ),
    "question-twice-at-its-second-id": Break(
        "id: leadership.second", "id: leadership.first", "id: leadership.first",
        "$.dimensions[1].questions[1].id", "question id 'leadership.first' appears twice",
        "content.duplicate_id", nth=2, offset=len("id: "),
    ),
    "question-id-not-under-its-dimension": Break(
        "id: leadership.second", "id: process.extra", "process.extra",
        "$.dimensions[1].questions[1].id", "question id 'process.extra' must start with 'leadership.'", "content.id_prefix",
    ),
    "unknown-scale-with-a-suggestion": Break(
        "scale: five\n        weight: 2\n        allow_na", "scale: fiv\n        weight: 2\n        allow_na",
        "scale: fiv\n", "$.dimensions[0].questions[1].scale",
        "unknown scale 'fiv' (did you mean 'five'?)", "unknown.scale", offset=len("scale: "),
    ),
    "anchor-not-on-the-scale": Break(
        '5: {en: "Always"', '7: {en: "Always"', '7: {en: "Always"',
        "$.dimensions[0].questions[0].anchors[7]", "anchor 7 is not a value of scale 'five'",
        "content.anchor",
    ),
    "text-without-chinese": Break(
        'text: {en: "First customer question", zh: "第一个customer问题"}',
        'text: {en: "First customer question"}', 'text: {en: "First customer question"}',
        "$.dimensions[0].questions[0].text", "'zh' is a required property",
        "schema.required",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", QUESTIONNAIRE_BREAKS.values(), ids=QUESTIONNAIRE_BREAKS.keys())
def test_a_broken_questionnaire_is_reported_at_file_line_col(content: Path, case: Break) -> None:
    text = edit(content, QUESTIONNAIRE, case.old, case.new)
    line, col = locate(text, case.needle, nth=case.nth, offset=case.offset)
    expected = f"{content / QUESTIONNAIRE}:{line}:{col}: {case.pointer}: {case.message}"
    assert (expected, case.code) in {(str(p), p.code) for p in problems_of(content)}


def test_all_problems_of_a_questionnaire_are_reported_together(content: Path) -> None:
    edit(content, QUESTIONNAIRE, "id: mini", "id: maxi")
    edit(content, QUESTIONNAIRE, "  - id: leadership\n", "  - id: customer\n")
    edit(content, QUESTIONNAIRE, "scale: five\n        weight: 2", "scale: fiv\n        weight: 2")
    edit(content, QUESTIONNAIRE, '5: {en: "Always"', '7: {en: "Always"')
    messages = {p.message for p in problems_of(content) if p.file.endswith("mini.yaml")}
    assert {
        "id 'maxi' must equal the file name 'mini'",
        "dimension 'customer' appears twice",
        "unknown scale 'fiv' (did you mean 'five'?)",
        "anchor 7 is not a value of scale 'five'",
    } <= messages


def test_all_schema_problems_of_a_questionnaire_are_reported_together(content: Path) -> None:
    edit(content, QUESTIONNAIRE, "version: 1", "version: 0")
    edit(content, QUESTIONNAIRE, 'zh: "第一个customer问题"', 'zh: ""')
    edit(content, QUESTIONNAIRE, "weight: 2", "weight: -2")
    pointers = {p.pointer for p in problems_of(content) if p.file.endswith("mini.yaml")}
    assert pointers == {
        "$.version",
        "$.dimensions[0].questions[0].text.zh",
        "$.dimensions[0].questions[1].weight",
    }


# --- rule packs ------------------------------------------------------------------------------


def test_a_pack_naming_an_unknown_questionnaire_gets_a_suggestion(content: Path) -> None:
    text = edit(content, PACK, "questionnaires: [mini]", "questionnaires: [mino]")
    line, col = locate(text, "mino")
    assert (
        f"{content / PACK}:{line}:{col}: $.questionnaires[0]: "
        "unknown questionnaire 'mino' (did you mean 'mini'?)" in shown(content)
    )


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ("ovrall.index", "unknown fact 'ovrall.index' (did you mean 'overall'?)"),
        ("score.customer", "unknown fact 'score.customer'"),
    ],
    ids=["misspelt", "no-close-match"],
)
def test_an_unknown_fact_family_is_refused(content: Path, fact: str, message: str) -> None:
    text = edit(content, PACK, "{fact: overall.index,", f"{{fact: {fact},")
    index = rule_index(text, "maturity.overall_2")
    line, col = locate(text, fact)
    assert shown(content) == [
        f"{content / PACK}:{line}:{col}: $.rules[{index}].when.fact: {message}"
    ]


def test_an_unknown_question_in_an_answer_fact_gets_a_suggestion(content: Path) -> None:
    text = edit(content, PACK, "fact: answer.customer.first,", "fact: answer.customer.frist,")
    index = rule_index(text, "customer.weak_first")
    line, col = locate(text, "answer.customer.frist")
    assert shown(content) == [
        f"{content / PACK}:{line}:{col}: $.rules[{index}].when.any[0].fact: "
        "unknown question 'customer.frist' (did you mean 'customer.first'?)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "rule", "pointer", "needle"),
    [
        (
            "dimensions: [leadership]",
            "dimensions: [leadershp]",
            "leadership.cornerstone",
            "then.finding.dimensions[0]",
            "leadershp]",
        ),
        (
            "then: {overall_level: 2}",
            "then: {level: {dimension: leadershp, value: 2}}",
            "maturity.overall_2",
            "then.level.dimension",
            "leadershp,",
        ),
    ],
    ids=["finding-dimensions", "level-dimension"],
)
def test_an_unknown_dimension_gets_a_suggestion(
    content: Path, old: str, new: str, rule: str, pointer: str, needle: str
) -> None:
    text = edit(content, PACK, old, new)
    line, col = locate(text, needle)
    assert shown(content) == [
        f"{content / PACK}:{line}:{col}: $.rules[{rule_index(text, rule)}].{pointer}: "
        "unknown dimension 'leadershp' (did you mean 'leadership'?)"
    ]


@pytest.mark.parametrize(
    ("rule", "old", "new"),
    [
        (
            "leadership.cornerstone",
            'detail: {en: "Uncapped {overall.uncapped_level}."',
            'detail: {en: "Uncapped {overall.uncapped_level} on {question}."',
        ),
        (
            "perception.leader_staff_gap",
            'detail: {en: "{dimension}: {role.leader.{dimension}}',
            'detail: {en: "{question}: {role.leader.{dimension}}',
        ),
    ],
    ids=["no-for-each", "for-each-dimension"],
)
def test_a_question_placeholder_needs_for_each_question(
    content: Path, rule: str, old: str, new: str
) -> None:
    text = edit(content, PACK, old, new)
    index = rule_index(text, rule)
    line, col = locate(text, new, offset=len("detail: {en: "))
    pointer = f"$.rules[{index}].then.finding.detail.en"
    found = [p for p in problems_of(content) if p.pointer == pointer]
    assert len(found) == 1, f"no problem at {pointer}"
    assert (found[0].file, found[0].line, found[0].col) == (str(content / PACK), line, col)
    assert "{question}" in found[0].message
    assert "for_each: question" in found[0].message


def test_an_unknown_action_called_for_gets_a_suggestion(content: Path) -> None:
    text = edit(content, PACK, "actions: [leadership.council]", "actions: [leadership.councl]")
    index = rule_index(text, "leadership.cornerstone")
    line, col = locate(text, "leadership.councl")
    assert shown(content) == [
        f"{content / PACK}:{line}:{col}: $.rules[{index}].then.actions[0]: "
        "unknown action 'leadership.councl' (did you mean 'leadership.council'?)"
    ]


def test_a_rule_id_appearing_twice_is_reported_at_its_second_id(content: Path) -> None:
    text = edit(content, PACK, "- id: maturity.overall_3", "- id: maturity.overall_2")
    index = rule_index(text, "maturity.overall_2", nth=2)
    line, col = locate(text, "- id: maturity.overall_2", nth=2, offset=len("- id: "))
    assert shown(content) == [
        f"{content / PACK}:{line}:{col}: $.rules[{index}].id: "
        "rule id 'maturity.overall_2' appears twice"
    ]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("{fact: overall.index,", "{fact: ovrall.index,", "unknown.fact"),
        ("{fact: overall.index,", "{fact: respondents.many,", "unknown.fact"),
        ("{fact: overall.index,", "{fact: count.customer.lots.2,", "unknown.fact"),
        ("{fact: overall.index,", "{fact: role.boss.customer,", "unknown.role"),
        ("{fact: overall.index,", "{fact: role.leader.custom,", "unknown.dimension"),
        ("fact: answer.customer.first,", "fact: answer.customer.frist,", "unknown.question"),
        ("dimensions: [leadership]", "dimensions: [leadershp]", "unknown.dimension"),
        ("evidence: [leadership.first]", "evidence: [leadership.frist]", "unknown.question"),
        ("actions: [leadership.council]", "actions: [leadership.councl]", "unknown.action"),
        ("questionnaires: [mini]", "questionnaires: [mini, mino]", "unknown.questionnaire"),
        ("- id: maturity.overall_3", "- id: maturity.overall_2", "content.duplicate_id"),
        ('detail: {en: "Uncapped {overall', 'detail: {en: "{question} {overall', "content.placeholder"),
        ('title: {en: "overall 2"', 'title: {en: "overall {dimension}"', "content.placeholder"),
    ],
    ids=[
        "fact-family", "respondents-fact", "count-fact", "role", "role-dimension", "answer-fact",
        "finding-dimension", "evidence", "action", "questionnaire", "rule-twice",
        "question-placeholder", "dimension-placeholder",
    ],
)  # fmt: skip
def test_each_kind_of_pack_problem_has_its_own_code(
    content: Path, old: str, new: str, code: str
) -> None:
    edit(content, PACK, old, new)
    assert [p.code for p in problems_of(content)] == [code]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("requires: [leadership.council]", "requires: [leadership.councl]", "unknown.action"),
        ("lifts: {from: 1, to: 3}", "lifts: {from: 3, to: 3}", "content.lift_order"),
        ("  - id: customer.listen", "  - id: leadership.listen", "content.id_prefix"),
        ("  - id: customer.listen", "  - id: leadership.council", "content.duplicate_id"),
    ],
    ids=["prerequisite", "lifts", "prefix", "twice"],
)
def test_each_kind_of_action_problem_has_its_own_code(
    content: Path, old: str, new: str, code: str
) -> None:
    edit(content, ACTIONS, old, new)
    assert code in {p.code for p in problems_of(content)}


def test_a_broken_questionnaire_is_not_echoed_as_unknown_questions_of_its_pack(
    content: Path,
) -> None:
    edit(content, QUESTIONNAIRE, "version: 1", "version: 0")  # the questionnaire fails to load
    found = problems_of(content)
    assert [(Path(p.file).name, p.code) for p in found] == [("mini.yaml", "schema.range")]


def test_all_problems_of_a_pack_are_reported_together(content: Path) -> None:
    edit(content, PACK, "{fact: overall.index,", "{fact: ovrall.index,")
    edit(content, PACK, "actions: [leadership.council]", "actions: [leadership.councl]")
    edit(content, PACK, "dimensions: [leadership]", "dimensions: [leadershp]")
    edit(content, PACK, "- id: maturity.overall_3", "- id: maturity.overall_2")
    messages = [p.message for p in problems_of(content)]
    assert sorted(messages) == sorted(
        [
            "unknown fact 'ovrall.index' (did you mean 'overall'?)",
            "unknown action 'leadership.councl' (did you mean 'leadership.council'?)",
            "unknown dimension 'leadershp' (did you mean 'leadership'?)",
            "rule id 'maturity.overall_2' appears twice",
        ]
    )


# --- action catalogues -----------------------------------------------------------------------


def test_an_unknown_prerequisite_gets_a_suggestion(content: Path) -> None:
    text = edit(content, ACTIONS, "requires: [leadership.council]", "requires: [leadership.councl]")
    line, col = locate(text, "leadership.councl")
    assert shown(content) == [
        f"{content / ACTIONS}:{line}:{col}: $.actions[1].requires[0]: "
        "unknown action 'leadership.councl' (did you mean 'leadership.council'?)"
    ]


@pytest.mark.parametrize(
    ("requires", "cycles"),
    [
        (
            "customer.listen",
            {
                "leadership.council -> customer.listen -> leadership.council",
                "customer.listen -> leadership.council -> customer.listen",
            },
        ),
        ("leadership.council", {"leadership.council -> leadership.council"}),
    ],
    ids=["two-actions", "self"],
)
def test_a_prerequisite_cycle_is_named_whole(
    content: Path, requires: str, cycles: set[str]
) -> None:
    text = edit(
        content,
        ACTIONS,
        '    kpi: {en: "Meets monthly"',
        f'    requires: [{requires}]\n    kpi: {{en: "Meets monthly"',
    )
    (problem,) = problems_of(content)
    assert problem.message.removeprefix("prerequisite cycle: ") in cycles
    assert problem.message.startswith("prerequisite cycle: ")
    index = {"$.actions[0].requires": 0, "$.actions[1].requires": 1}[problem.pointer]
    line, col = parse_yaml(text).where(f"/actions/{index}/requires")
    assert str(problem) == f"{content / ACTIONS}:{line}:{col}: {problem.pointer}: {problem.message}"


@pytest.mark.parametrize("lifts", ["{from: 3, to: 3}", "{from: 4, to: 3}"], ids=["equal", "above"])
def test_lifts_from_must_be_below_lifts_to(content: Path, lifts: str) -> None:
    text = edit(content, ACTIONS, "lifts: {from: 1, to: 3}", f"lifts: {lifts}")
    line, col = locate(text, f"lifts: {lifts}")
    assert shown(content) == [
        f"{content / ACTIONS}:{line}:{col}: $.actions[0].lifts: lifts.from must be below lifts.to"
    ]


def test_an_action_id_must_start_with_its_dimension(content: Path) -> None:
    text = edit(content, ACTIONS, "dimension: customer\n", "dimension: process\n")
    line, col = locate(text, "- id: customer.listen", offset=len("- id: "))
    assert shown(content) == [
        f"{content / ACTIONS}:{line}:{col}: $.actions[1].id: action id must start with 'process.'"
    ]


def test_an_action_id_appearing_twice_is_reported(content: Path) -> None:
    text = edit(
        content,
        ACTIONS,
        "- id: customer.listen\n    dimension: customer",
        "- id: leadership.council\n    dimension: leadership",
    )
    line, col = locate(text, "- id: leadership.council", nth=2, offset=len("- id: "))
    assert (
        f"{content / ACTIONS}:{line}:{col}: $.actions[1].id: "
        "action id 'leadership.council' appears twice" in shown(content)
    )


def test_all_problems_of_an_action_catalogue_are_reported_together(content: Path) -> None:
    edit(content, ACTIONS, "lifts: {from: 1, to: 3}", "lifts: {from: 3, to: 3}")
    edit(content, ACTIONS, "requires: [leadership.council]", "requires: [leadership.councl]")
    edit(content, ACTIONS, "dimension: customer\n", "dimension: process\n")
    assert [p.pointer for p in problems_of(content)] == [
        "$.actions[0].lifts",
        "$.actions[1].id",
        "$.actions[1].requires[0]",
    ]


def test_problems_of_several_files_are_reported_together(content: Path) -> None:
    edit(content, QUESTIONNAIRE, "version: 1", "version: 0")
    edit(content, ACTIONS, "lifts: {from: 1, to: 3}", "lifts: {from: 3, to: 3}")
    edit(content, PACK, "- id: maturity.overall_3", "- id: maturity.overall_2")
    found = {(Path(p.file).name, p.message) for p in problems_of(content)}
    assert {
        ("mini.yaml", "0 is less than the minimum of 1"),
        ("actions.yaml", "lifts.from must be below lifts.to"),
        ("pack.yaml", "rule id 'maturity.overall_2' appears twice"),
    } <= found


# --- the loader only ever reports problems ---------------------------------------------------


@pytest.mark.parametrize("name", [QUESTIONNAIRE, PACK, ACTIONS, BASELINES])
@pytest.mark.parametrize(
    "garbage",
    [b"", b"- 1\n- 2\n", b"just words\n", b"a: [\n", b"\xff\xfe\x00\x01", b"a: !!binary aGk=\n"],
    ids=["empty", "list", "scalar", "broken-yaml", "not-utf8", "binary"],
)
def test_garbage_content_is_reported_as_problems(content: Path, name: str, garbage: bytes) -> None:
    (content / name).write_bytes(garbage)
    found = problems_of(content)
    assert any(p.file == str(content / name) for p in found)


@pytest.mark.parametrize("name", [ACTIONS, BASELINES])
def test_a_missing_pack_file_is_reported_as_a_problem(content: Path, name: str) -> None:
    (content / name).unlink()
    found = [str(p) for p in problems_of(content)]
    assert any(s.startswith(f"{content / name}: $: cannot read file") for s in found)


@pytest.mark.parametrize("name", [QUESTIONNAIRE, PACK, ACTIONS, BASELINES])
@pytest.mark.parametrize("share", [0.25, 0.5, 0.75], ids=["quarter", "half", "three-quarters"])
def test_truncated_content_is_reported_as_problems(content: Path, name: str, share: float) -> None:
    path = content / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: int(len(lines) * share)]), encoding="utf-8")
    try:
        load_library(content)
    except ProblemsFound as exc:
        assert all(str(p) for p in exc.problems)


def test_a_folder_without_questionnaires_is_a_problem(tmp_path: Path) -> None:
    assert [str(p) for p in problems_of(tmp_path)] == [f"{tmp_path}: $: no questionnaires found"]
