"""assessment.io.strict_json: JSON bodies parsed fast, refused like YAML, located only when needed."""

from __future__ import annotations

import json

import pytest

from assessment.io import plain_yaml
from assessment.io.source import MAX_NODES
from assessment.io.strict_json import parse_json
from assessment.io.yaml_reader import parse_yaml
from assessment.problems import Problem, ProblemsFound


def the_problem(text: str) -> Problem:
    with pytest.raises(ProblemsFound) as caught:
        parse_json(text, "body")
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_json_gives_the_same_data_as_the_yaml_reader() -> None:
    text = json.dumps(
        {"questionnaire": "tqm-quick", "answers": {"a": 3, "b": {"value": "na", "note": "é 😀"}},
         "target": {"customer": 72.5}, "big": 10**400, "list": [True, None, -0.5]}
    )  # fmt: skip
    assert parse_json(text).data == parse_yaml(text).data


@pytest.mark.parametrize(
    ("text", "expected", "code"),
    [
        pytest.param('{"a": 1,\n "b": NaN}', "body:2:7: $: not valid JSON: NaN is not a JSON number", "value.not_finite", id="nan"),
        pytest.param('{"a": "NaN -Infinity", "b": -Infinity}', "body:1:29: $: not valid JSON: -Infinity is not a JSON number", "value.not_finite", id="infinity-after-a-string-holding-it"),
        pytest.param('{"a": [1, 2e999]}', "body:1:11: $: numbers must be finite (this one is too large for a number)", "value.not_finite", id="float-overflow"),
        pytest.param('{"a": "9", "b": ' + "9" * 5000 + "}", "body:1:17: $: a number with more than 4300 digits cannot be read", "limit.digits", id="5000-digits"),
        pytest.param('{"a": 1,\n "a": 2}', 'body:2:2: $: not valid JSON: found duplicate key "a" with value "2" (original value: "1")', "yaml.duplicate_key", id="duplicate-key"),
        pytest.param("[" * 50 + "]" * 50, "body:1:41: $: nested deeper than 40 levels", "limit.depth", id="deep-nesting"),
        pytest.param('{"a": 1,}', "body:1:9: $: not valid JSON: Expecting property name enclosed in double quotes", "json.syntax", id="trailing-comma"),
        pytest.param("a: 1", "body:1:1: $: not valid JSON: Expecting value", "json.syntax", id="yaml-is-not-json"),
        pytest.param('{"a": 1,\n "b": "x\\ud800"}', "body:2:7: $.b: text with an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape)", "text.surrogate", id="lone-surrogate"),
        pytest.param('{"a": {"\\udc00": 1}}', "body:1:18: $.a['\\udc00']: text with an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape)", "text.surrogate", id="lone-surrogate-in-a-key"),
    ],
)  # fmt: skip
def test_what_json_refuses_is_named_at_its_line_and_column_with_its_code(
    text: str, expected: str, code: str
) -> None:
    problem = the_problem(text)
    assert (str(problem), problem.code) == (expected, code)


def test_a_document_with_too_many_values_is_refused() -> None:
    problem = the_problem(json.dumps(list(range(MAX_NODES + 1))))
    assert str(problem) == f"body:1:1: $: document has more than {MAX_NODES} values"
    assert problem.code == "limit.values"


def test_a_valid_body_is_never_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("positions were computed for a body without problems")

    monkeypatch.setattr(plain_yaml.LazyPositions, "_read_until", refuse)
    doc = parse_json('{"questionnaire": "tqm-quick", "answers": {"a": 1}}')
    assert doc.data["answers"] == {"a": 1}


def test_a_problem_found_later_is_located_from_the_text() -> None:
    doc = parse_json('{"questionnaire": "tqm-quick",\n  "answers": {"a": 1,\n    "b": 7}}', "body")
    assert (
        str(doc.problem("/answers/b", "off the scale", code="answers.off_scale"))
        == "body:3:10: $.answers.b: off the scale"
    )
