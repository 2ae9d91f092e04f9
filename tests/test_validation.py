"""assessment.io.schema: every JSON Schema violation, located at file:line:col with a $.path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from assessment.io.files import load_file
from assessment.io.schema import (
    SCHEMAS,
    is_plainly_valid,
    load_schema,
    schema_problems,
    validator,
)
from assessment.io.source import Document
from assessment.io.yaml_reader import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def problems(text: str, schema: str, name: str = "doc.yaml") -> list[str]:
    return [str(p) for p in schema_problems(parse_yaml(text, name), schema)]


QUESTIONNAIRE = """\
id: mini
version: 1
title: {en: Mini, zh: 迷你}
scales:
  five:
    - {value: 1, label: {en: one, zh: 一}}
    - {value: 5, label: {en: five, zh: 五}}
dimensions:
  - id: customer
    title: {en: Customer, zh: 顾客}
    questions:
      - id: customer.first
        text: {en: First, zh: 第一}
        scale: five
"""

PACK = """\
id: mini
version: "0.1.0"
title: {en: Mini, zh: 迷你}
questionnaires: [mini]
rules:
  - id: customer.level_2
    title: {en: Two, zh: 二}
    when: {fact: index.customer, op: ">=", value: 20}
    then: {level: {dimension: customer, value: 2}}
framework: tqm
"""


@pytest.mark.parametrize(
    ("name", "schema"),
    [(name, name) for name in SCHEMAS],
    ids=list(SCHEMAS),
)
def test_every_bundled_schema_is_a_valid_2020_12_schema(name: str, schema: str) -> None:
    Draft202012Validator.check_schema(load_schema(schema))
    assert validator(name).schema is load_schema(schema)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (DATA / "content" / "questionnaires" / "mini.yaml", "questionnaire"),
        (DATA / "content" / "rules" / "mini" / "pack.yaml", "pack"),
        (DATA / "content" / "rules" / "mini" / "actions.yaml", "actions"),
        (DATA / "content" / "rules" / "mini" / "baselines.yaml", "baselines"),
        (DATA / "answers" / "mini-good.yaml", "answers"),
        (DATA / "answers" / "mini-respondents.yaml", "answers"),
        (ROOT / "rules" / "tqm" / "tests.yaml", "packtests"),
    ],
    ids=["questionnaire", "pack", "actions", "baselines", "answers", "responses", "pack-tests"],
)
def test_valid_content_has_no_schema_problems(path: Path, schema: str) -> None:
    assert schema_problems(load_file(path), schema) == []


def test_a_schema_error_is_located_at_file_line_col_with_its_path() -> None:
    text = QUESTIONNAIRE.replace("version: 1", "version: 0")
    assert problems(text, "questionnaire") == [
        "doc.yaml:2:10: $.version: 0 is less than the minimum of 1"
    ]


def test_a_nested_schema_error_names_the_full_path() -> None:
    text = QUESTIONNAIRE.replace("scale: five", "scale: [five]")
    assert problems(text, "questionnaire") == [
        "doc.yaml:14:9: $.dimensions[0].questions[0].scale: ['five'] is not of type 'string'"
    ]


def test_a_missing_required_field_is_reported_at_its_parent() -> None:
    text = QUESTIONNAIRE.replace("title: {en: Customer, zh: 顾客}", "title: {en: Customer}")
    assert problems(text, "questionnaire") == [
        "doc.yaml:10:5: $.dimensions[0].title: 'zh' is a required property"
    ]


def test_every_schema_error_is_reported_not_only_the_first() -> None:
    text = (
        QUESTIONNAIRE.replace("version: 1", "version: 0")
        .replace("title: {en: Mini, zh: 迷你}", "title: {en: Mini}")
        .replace(
            "- {value: 5, label: {en: five, zh: 五}}", "- {value: high, label: {en: five, zh: 五}}"
        )
        .replace("  - id: customer\n", "  - id: Quality\n")
        .replace("scale: five", "scale: 5")
    )
    found = problems(text, "questionnaire")
    assert sorted(found) == sorted(
        [
            "doc.yaml:2:10: $.version: 0 is less than the minimum of 1",
            "doc.yaml:3:1: $.title: 'zh' is a required property",
            "doc.yaml:7:15: $.scales.five[1].value: 'high' is not of type 'number'",
            "doc.yaml:9:9: $.dimensions[0].id: 'Quality' does not match '^[a-z][a-z0-9_]*$'",
            "doc.yaml:14:16: $.dimensions[0].questions[0].scale: 5 is not of type 'string'",
        ]
    )


def test_errors_in_several_list_items_are_each_reported() -> None:
    text = """\
questionnaire: mini
responses:
  - respondent: {role: [boss]}
    answers: {customer.first: 3}
  - respondent: {role: [chief]}
    answers: {customer.first: 3}
"""
    assert problems(text, "answers") == [
        "doc.yaml:3:18: $.responses[0].respondent.role: ['boss'] is not of type 'string'",
        "doc.yaml:5:18: $.responses[1].respondent.role: ['chief'] is not of type 'string'",
    ]


# --- did you mean ----------------------------------------------------------------------------


def test_a_misspelt_top_level_field_is_named_with_a_suggestion() -> None:
    text = QUESTIONNAIRE.replace("title: {en: Mini", "titel: {en: Mini")
    assert problems(text, "questionnaire") == [
        "doc.yaml:1:1: $: 'title' is a required property",
        "doc.yaml:3:1: $.titel: unexpected field 'titel' (did you mean 'title'?)",
    ]


def test_a_misspelt_nested_field_is_named_with_a_suggestion() -> None:
    text = QUESTIONNAIRE + "        critcal: true\n"
    (found,) = schema_problems(parse_yaml(text, "doc.yaml"), "questionnaire")
    assert (found.file, found.line) == ("doc.yaml", 15)
    assert found.pointer == "$.dimensions[0].questions[0].critcal"
    assert found.message == "unexpected field 'critcal' (did you mean 'critical'?)"


def test_an_unexpected_field_without_a_close_match_has_no_suggestion() -> None:
    text = "questionnaire: mini\nanswers: {}\ncolour: blue\n"
    assert problems(text, "answers") == ["doc.yaml:3:9: $.colour: unexpected field 'colour'"]


@pytest.mark.parametrize(
    ("text", "schema", "expected"),
    [
        (
            QUESTIONNAIRE + "        evidence: requird\n",
            "questionnaire",
            "doc.yaml:15:19: $.dimensions[0].questions[0].evidence: 'requird' is not one of "
            "['none', 'optional', 'required'] (did you mean 'required'?)",
        ),
        (
            PACK.replace(
                "then: {level: {dimension: customer, value: 2}}",
                "then: {finding: {kind: risky, severity: high, "
                "title: {en: T, zh: T}, detail: {en: D, zh: D}}}",
            ),
            "pack",
            "doc.yaml:9:28: $.rules[0].then.finding.kind: 'risky' is not one of ['strength', "
            "'opportunity', 'risk', 'inconsistency', 'perception_gap', 'confidence'] "
            "(did you mean 'risk'?)",
        ),
    ],
    ids=["evidence-setting", "finding-kind"],
)
def test_a_misspelt_enum_value_is_named_with_a_suggestion(
    text: str, schema: str, expected: str
) -> None:
    assert problems(text, schema) == [expected]


def test_a_wrong_enum_value_without_a_close_match_has_no_suggestion() -> None:
    text = QUESTIONNAIRE + "        evidence: always\n"
    assert problems(text, "questionnaire") == [
        "doc.yaml:15:19: $.dimensions[0].questions[0].evidence: 'always' is not one of "
        "['none', 'optional', 'required']"
    ]


# --- alternatives (oneOf / anyOf): the branch the author meant -------------------------------


def test_a_misspelt_operator_in_a_condition_is_reported_at_the_operator() -> None:
    text = PACK.replace('op: ">="', 'op: "=>"')
    assert problems(text, "pack") == [
        "doc.yaml:8:38: $.rules[0].when.op: '=>' is not one of "
        "['==', '!=', '<', '<=', '>', '>=', 'present', 'absent'] (did you mean '>'?)"
    ]


def test_a_misspelt_field_in_a_nested_condition_is_named_with_a_suggestion() -> None:
    text = PACK.replace(
        'when: {fact: index.customer, op: ">=", value: 20}',
        'when: {all: [{fact: index.customer, op: ">=", valeu: 20}]}',
    )
    found = schema_problems(parse_yaml(text, "doc.yaml"), "pack")
    assert [(p.line, p.pointer, p.message) for p in found] == [
        (8, "$.rules[0].when.all[0].valeu", "unexpected field 'valeu' (did you mean 'value'?)")
    ]


def test_a_misspelt_field_of_an_answer_with_evidence_is_named_with_a_suggestion() -> None:
    text = 'questionnaire: mini\nanswers:\n  customer.first: {value: 3, evidnce: "map v2"}\n'
    found = schema_problems(parse_yaml(text, "doc.yaml"), "answers")
    assert [(p.line, p.pointer, p.message) for p in found] == [
        (
            3,
            "$.answers.customer.first.evidnce",
            "unexpected field 'evidnce' (did you mean 'evidence'?)",
        )
    ]


# --- the compiled fast path never accepts what jsonschema rejects ---------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["na", "unknown", "tqm-quick", "tqm-quick\n", "staff", "boss", "", "é\x00"]),
    st.text(max_size=12),
)
_KEYS = st.sampled_from(
    ["questionnaire", "answers", "responses", "respondent", "role", "id", "value", "evidence",
     "note", "target", "previous", "customer", "cf.voice", "organisation", "date", "x"]
)  # fmt: skip
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(_KEYS, _DOCS, max_size=6), schema=st.sampled_from(["answers", "result"])
)
def test_the_fast_validator_never_accepts_what_jsonschema_rejects(data: dict, schema: str) -> None:
    if is_plainly_valid(data, schema):
        assert not list(validator(schema).iter_errors(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"questionnaire": "tqm-quick", "date": date(2026, 1, 1), "answers": {}}, ["$.date"], id="a-python-date"),
        pytest.param({"questionnaire": "tqm-quick", "answers": {"q": float("nan")}}, [], id="nan"),
        pytest.param({"questionnaire": "tqm-quick\n", "answers": {}}, [], id="final-newline"),
    ],
)  # fmt: skip
def test_values_the_fast_validator_cannot_judge_go_to_jsonschema(
    data: dict, expected: list[str]
) -> None:
    assert not is_plainly_valid(data, "answers")
    # jsonschema decides on the slow path: located problems, or none (then later checks decide)
    found = schema_problems(Document("a.yaml", data), "answers")
    assert [p.pointer for p in found] == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param(QUESTIONNAIRE.replace("version: 1\n", ""), "schema.required", id="required"),
        pytest.param(QUESTIONNAIRE.replace("version: 1", "version: one"), "schema.type", id="type"),
        pytest.param(
            QUESTIONNAIRE.replace("id: mini", "id: Mini!"), "schema.pattern", id="pattern"
        ),
        pytest.param(QUESTIONNAIRE.replace("version: 1", "version: 0"), "schema.range", id="range"),
        pytest.param(QUESTIONNAIRE + "extra: 1\n", "schema.unexpected_field", id="field"),
        pytest.param(
            QUESTIONNAIRE.replace("{en: Mini, zh: 迷你}", "{en: '', zh: 迷你}"),
            "schema.length",
            id="length",
        ),
    ],
)
def test_each_kind_of_schema_violation_has_its_own_code(text: str, code: str) -> None:
    assert [p.code for p in schema_problems(parse_yaml(text), "questionnaire")] == [code]


def test_a_value_outside_an_enum_has_the_code_schema_enum() -> None:
    text = PACK.replace('op: ">="', 'op: "=>"')
    assert [p.code for p in schema_problems(parse_yaml(text), "pack")] == ["schema.enum"]
