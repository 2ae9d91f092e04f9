"""Random input against the app (Flask test client): hostile documents and forms never cause a 500.

Every category of hostile input of helpers.strategies.CATEGORIES reaches both targets here:

- `POST /api/v1/score` with answers documents as JSON and as YAML: this module's own bodies (alias
  bombs, YAML fragments, deep nesting, JSON that is not JSON...), the random documents of
  helpers.categories (one generator per category, each with its expected outcome), and the hostile cases of tests/data/hostile.yaml
  (the smallest case of every category, as YAML and as JSON, each with its recorded outcome). The answer is always 200 with a result that validates against result.schema.json,
  or 400 with errors that each name their place (a field or question, a line, or the whole body),
  or 413/415 for the request as a whole.
- The answer forms: dimension pages posted with random field names and values (every category in
  the form a form can carry it: as text, repeated fields, nested brackets...), with a valid CSRF
  token, none, a forged one or another session's; and the start form. Never a 500; a rejected
  submit names the question (or field) at fault and leaves the database exactly as it was; an
  accepted one changes exactly the page's answered questions.

Examples per target: EXAMPLES (and test_web_api.py adds 200 random bodies on each database).
"""

from __future__ import annotations

import io
import json
import math
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ROOT
from helpers.categories import any_hostile_input
from helpers.hostile import STYLES, HostileCase, hostile_text, load_cases, points_at_a_change
from helpers.live_server import CSRF
from helpers.outcomes import names_its_place
from helpers.strategies import CATEGORIES, GENERATE_ONLY, note
from helpers.web import sqlite_app
from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from assessment.content.library import load_library
from assessment.io.schema import validator
from assessment.problems import MAX_MESSAGE
from webapp.config import MAX_BODY
from webapp.store import token_hash

LIBRARY = load_library(ROOT)
QUICK = LIBRARY.questionnaires["tqm-quick"]
QUESTIONS = [q.id for q in QUICK.questions]
DIMENSIONS = [d.id for d in QUICK.dimensions]
DIMENSION_OF = {q.id: d.id for d in QUICK.dimensions for q in d.questions}
ERROR_STATUSES = (400, 413, 415)
EXAMPLES = {  # target -> test -> generated examples (at least 500 per target)
    "api": {"json": 200, "yaml": 200, "documents": 250, "bytes": 60},
    "forms": {"dimension pages": 400, "start page": 150},
}
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
RESULT = validator("result")
pytestmark = [
    pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sqlite_app(tmp_path_factory.mktemp("fuzz")) as application:
        yield application


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- values -------------------------------------------------------------------------------------

CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F)
AWKWARD = st.sampled_from(
    ["\u202e", "\ufeff", "\u200b", "\U0001f600", "质", "\x7f", "\\", '"', "'"]
)
TEXT = st.text(
    st.one_of(st.characters(codec="utf-8"), CONTROL, AWKWARD), max_size=40
)  # no surrogates
HUGE_INT = 10**400
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 5, 6, -1, 2.5, 3.0, 1e308, 5e-324, -0.0, HUGE_INT, -HUGE_INT, 2**63]),
)
LONG_TEXT = st.sampled_from([4999, 5000, 5001, 20_000, 100_000]).map(lambda n: "长" * n)
SCALARS = st.one_of(
    st.none(), st.booleans(), NUMBERS, TEXT, st.sampled_from(["na", "unknown", "3"])
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
ANSWER = st.one_of(
    st.integers(min_value=1, max_value=5),
    st.sampled_from(["na", "unknown"]),
    SCALARS,
    st.fixed_dictionaries(
        {"value": st.one_of(st.integers(1, 5), SCALARS)},
        optional={
            "evidence": st.one_of(TEXT, LONG_TEXT, JUNK),
            "note": st.one_of(TEXT, LONG_TEXT, JUNK),
        },
    ),
    JUNK,
)
QUESTION_ID = st.one_of(st.sampled_from(QUESTIONS), TEXT, st.sampled_from(["customer", "x.y"]))
ANSWERS = st.one_of(
    # a complete, valid set with a few answers replaced (the likeliest way to reach scoring)
    st.dictionaries(st.sampled_from(QUESTIONS), ANSWER, max_size=3).map(
        lambda changed: {**dict.fromkeys(QUESTIONS, 3), **changed}
    ),
    st.dictionaries(QUESTION_ID, ANSWER, max_size=20),
    JUNK,
)
INDICES = st.one_of(st.dictionaries(st.one_of(st.sampled_from(DIMENSIONS), TEXT), NUMBERS), JUNK)
RESPONDENT = st.one_of(
    st.fixed_dictionaries(
        {}, optional={"id": TEXT, "role": st.one_of(st.sampled_from(["leader", "staff"]), TEXT)}
    ),
    JUNK,
)
DOCUMENT = st.fixed_dictionaries(
    {
        "questionnaire": st.one_of(
            st.sampled_from(["tqm-quick", "tqm-quick@1", "tqm-quick@2", "tqm-audit", "nope"]),
            SCALARS,
        )
    },
    optional={
        "organisation": st.one_of(TEXT, LONG_TEXT, JUNK),
        "respondent": RESPONDENT,
        "answers": ANSWERS,
        "responses": st.one_of(
            st.lists(
                st.fixed_dictionaries({"answers": ANSWERS}, optional={"respondent": RESPONDENT}),
                max_size=3,
            ),
            JUNK,
        ),
        "target": INDICES,
        "previous": INDICES,
        "date": st.one_of(TEXT, JUNK),
        "unexpected": JUNK,
    },
)
# Documents the API should score: every question answered on its scale (or "don't know"), with
# random text wherever text may go, so that scoring, findings and the roadmap see it too.
SCORE = st.one_of(st.integers(0, 100), st.floats(0, 100))
ON_SCALE = st.one_of(
    st.integers(1, 5),
    st.just("unknown"),
    st.fixed_dictionaries(
        {"value": st.one_of(st.integers(1, 5), st.just("unknown"))},
        optional={"evidence": TEXT, "note": TEXT},
    ),
)
FULL_ANSWERS = st.fixed_dictionaries(dict.fromkeys(QUESTIONS, ON_SCALE))
ROLE = st.sampled_from(["leader", "manager", "staff", "customer", "auditor"])
SCORABLE = st.fixed_dictionaries(
    {"questionnaire": st.sampled_from(["tqm-quick", "tqm-quick@1"])},
    optional={
        "organisation": st.text(st.one_of(st.characters(codec="utf-8"), CONTROL), max_size=200),
        "respondent": st.fixed_dictionaries({}, optional={"id": TEXT, "role": ROLE}),
        "target": st.dictionaries(st.sampled_from(DIMENSIONS), SCORE),
        "previous": st.dictionaries(st.sampled_from(DIMENSIONS), SCORE),
        "date": TEXT,
    },
).flatmap(
    lambda head: st.one_of(
        FULL_ANSWERS.map(lambda answers: {**head, "answers": answers}),
        st.lists(
            st.fixed_dictionaries(
                {"answers": FULL_ANSWERS},
                optional={"respondent": st.fixed_dictionaries({"role": ROLE})},
            ),
            min_size=1,
            max_size=3,
        ).map(
            lambda responses: (
                {k: v for k, v in head.items() if k != "respondent"} | {"responses": responses}
            )
        ),
    )
)
ANY_DOCUMENT = st.one_of(SCORABLE, DOCUMENT)
VALID: dict[str, Any] = {
    "questionnaire": "tqm-quick",
    "organisation": "Fuzz Co",
    "answers": dict.fromkeys(QUESTIONS, 3),
}


# Nesting depths: around the limit of 40, and far beyond it. (Between ~300 and the interpreter's
# recursion limit the YAML parser is slow: test_deep_nesting_is_refused_cheaply covers that.)
YAML_DEPTHS = st.one_of(st.integers(1, 120), st.sampled_from([39, 40, 41]))
DEPTHS = st.one_of(YAML_DEPTHS, st.sampled_from([2_000, 100_000]))


def nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


def json_text(document: Any, ascii_only: bool) -> str:
    """JSON as Python writes it: NaN and Infinity appear as bare words (not JSON: must be 400)."""
    return json.dumps(document, allow_nan=True, ensure_ascii=ascii_only)


def with_answer(raw: str) -> str:
    """The valid document as YAML text, with the first answer replaced by a raw YAML fragment."""
    lines = ["questionnaire: tqm-quick", "organisation: Fuzz Co", "answers:"]
    lines += [f"  {qid}: {raw if i == 0 else 3}" for i, qid in enumerate(QUESTIONS)]
    return "\n".join(lines) + "\n"


def alias_bomb(levels: int, width: int) -> str:
    """Billion laughs: each level an anchored list of `width` aliases of the one below."""
    lines = ["questionnaire: tqm-quick", "l0: &l0 [lol, lol]"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    lines.append(f"answers: *l{levels}")
    return "\n".join(lines) + "\n"


def yaml_text(document: Any) -> str:
    """A document in YAML block style (ruamel, as a person would write it)."""
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.dump(document, stream)
    return stream.getvalue()


YAML_FRAGMENTS = st.sampled_from(
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "!custom 3",
        "!!binary aGVsbG8=",
        "!!float nan",
        ".nan",
        ".inf",
        "-.inf",
        "0x3",
        "0o3",
        "1_0",
        "~",
        "yes",
        "2026-01-01",
        "2026-01-01T10:00:00Z",
        "!!int '3'",
        "!!str 3",
        "&a 3",
        "*undefined",
        "{value: 3, note: !!binary aGk=}",
        "{value: 3, <<: {note: merged}}",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "[1, 2]",
        '"\\x00\\u202e\\x1b"',
        "'3'",
        "|\n    multi\n    line",
        "\t3",
        "3\n---\nquestionnaire: tqm-quick",
        "9" * 5000,
        "1e400",
        "-1e400",
    ]
)
YAML_BODIES = st.one_of(
    st.builds(with_answer, st.one_of(YAML_FRAGMENTS, TEXT)),
    st.builds(alias_bomb, st.integers(1, 12), st.integers(2, 12)),
    YAML_DEPTHS.map(lambda n: "questionnaire: tqm-quick\nanswers: " + nested(n) + "\n"),
    st.integers(1, 200).map(
        lambda n: (
            "questionnaire: tqm-quick\nanswers:\n"
            + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(n))
        )
    ),
    st.just(with_answer("3") + "answers: {}\n"),  # a duplicate key
    ANY_DOCUMENT.map(lambda d: json_text(d, ascii_only=False)),  # JSON is YAML, NaN is not
    ANY_DOCUMENT.map(yaml_text),
    TEXT,
)
JSON_BODIES = st.one_of(
    st.builds(json_text, ANY_DOCUMENT, st.booleans()),
    DEPTHS.map(nested),
    DEPTHS.map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.sampled_from(
        ['{"questionnaire": "tqm-quick", "answers": {"x": 1e400}}', "1e400", "NaN", "[NaN]"]
    ),
    st.builds(
        lambda digits: (
            json.dumps({"questionnaire": "tqm-quick"})[:-1]
            + f', "answers": {{"{QUESTIONS[0]}": {digits}}}}}'
        ),
        st.integers(5, 6000).map(lambda n: "9" * n),
    ),
    st.builds(with_answer, YAML_FRAGMENTS),  # YAML sent as JSON
    st.just(json.dumps(VALID)[:-2] + f', "{QUESTIONS[0]}": 4}}}}'),  # a question answered twice
    TEXT,
)


def check_api_answer(
    client: FlaskClient, body: bytes, content_type: str, lang: str
) -> list[dict[str, Any]]:
    """200 with a valid result, or errors that name their place; never 500. The errors."""
    response = client.post(f"/api/v1/score?lang={lang}", data=body, content_type=content_type)
    payload = response.get_json(silent=True)
    note(f"status {response.status_code}")
    assert response.status_code in (200, *ERROR_STATUSES), response.get_data(as_text=True)[:2000]
    assert isinstance(payload, dict), response.get_data(as_text=True)[:500]
    if response.status_code == 200:
        RESULT.validate(payload)
        assert payload["lang"] == lang
        assert all(
            math.isfinite(d["index"])
            for d in payload["dimensions"].values()
            if d["index"] is not None
        )
        return []
    assert "Traceback" not in response.get_data(as_text=True)
    errors = payload.get("errors")
    assert isinstance(errors, list) and errors, payload
    for error in errors:
        message = error.get("message")
        assert isinstance(message, str) and message.strip(), error
        assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {message[:300]!r}"
        if response.status_code == 400:  # 413 and 415 are about the request as a whole
            assert names_its_place(error["pointer"], error["line"], message), (
                f"an error that does not say where: {error}"
            )
    return list(errors)


@settings(FUZZ, max_examples=EXAMPLES["api"]["json"])
@given(body=JSON_BODIES, lang=st.sampled_from(["en", "zh"]))
@example(
    body=json_text({**VALID, "answers": {**VALID["answers"], QUESTIONS[0]: math.nan}}, True),
    lang="en",
)
@example(body=json_text({**VALID, "target": {"customer": math.inf}}, True), lang="zh")
def test_score_api_answers_random_json_with_a_result_or_named_errors(
    client: FlaskClient, body: str, lang: str
) -> None:
    check_api_answer(client, body.encode("utf-8", "surrogatepass"), "application/json", lang)


@settings(FUZZ, max_examples=EXAMPLES["api"]["yaml"])
@given(
    body=YAML_BODIES,
    content_type=st.sampled_from(
        ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]
    ),
    lang=st.sampled_from(["en", "zh"]),
)
@example(body=alias_bomb(9, 9), content_type="application/yaml", lang="en")
@example(
    body=with_answer("!!python/object/apply:os.system ['true']"),
    content_type="text/yaml",
    lang="en",
)
def test_score_api_answers_random_yaml_with_a_result_or_named_errors(
    client: FlaskClient, body: str, content_type: str, lang: str
) -> None:
    check_api_answer(client, body.encode("utf-8", "surrogatepass"), content_type, lang)


@settings(FUZZ, max_examples=EXAMPLES["api"]["documents"])
@given(data=st.data(), fmt=st.sampled_from(["json", "yaml"]), lang=st.sampled_from(["en", "zh"]))
def test_score_api_answers_every_category_with_its_expected_outcome(
    client: FlaskClient, data: st.DataObject, fmt: str, lang: str
) -> None:
    """helpers.categories: one generator per category, which names it and its outcome. Strict JSON
    refuses YAML syntax, so a JSON body with an alias is refused where the YAML one is scored."""
    hostile = data.draw(any_hostile_input(LIBRARY, fmt))
    note(hostile.category)
    body = hostile.content.encode("utf-8", "surrogatepass")
    outcome = "rejected" if check_api_answer(client, body, f"application/{fmt}", lang) else "scored"
    if fmt == "yaml" or hostile.category != "YAML anchors and aliases":
        assert hostile.expected in (outcome, "either"), f"{hostile.category}: {outcome}"


@settings(FUZZ, max_examples=EXAMPLES["api"]["bytes"])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.just(b"\xff\xfe{}"),
        st.just(b"{" + b" " * MAX_BODY + b"}"),  # over the body limit: 413
    ),
    content_type=st.sampled_from(
        ["application/json", "application/yaml", "text/plain", "application/xml", ""]
    ),
)
def test_score_api_answers_random_bytes_and_types_with_named_errors(
    client: FlaskClient, body: bytes, content_type: str
) -> None:
    check_api_answer(client, body, content_type, "en")


HOSTILE_CASES = [(case, style) for case in load_cases() for style in STYLES]


@pytest.mark.parametrize(
    ("case", "style"),
    HOSTILE_CASES,
    ids=[
        f"{'yaml' if style == 'block' else 'json'}-{case.category}-{case.name}"
        for case, style in HOSTILE_CASES
    ],
)
def test_score_api_keeps_the_recorded_outcome_of_every_hostile_case(
    client: FlaskClient, case: HostileCase, style: str
) -> None:
    """tests/data/hostile.yaml: block YAML as application/yaml, flow style as application/json."""
    body, lines = hostile_text(LIBRARY, case.changes, style)
    content_type = "application/yaml" if style == "block" else "application/json"
    errors = check_api_answer(client, body.encode("utf-8", "surrogatepass"), content_type, "en")
    problems = [(e["line"], e["pointer"], e["message"], e["code"]) for e in errors] or None
    (case.outcome if style == "block" else case.as_json).check(str(case), problems)
    if problems:
        assert any(points_at_a_change(case, problem, lines) for problem in problems), errors


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            json_text({**VALID, "answers": {**VALID["answers"], QUESTIONS[0]: HUGE_INT}}, True),
            "application/json",
        ),
        (
            json_text(
                {**VALID, "answers": {**VALID["answers"], QUESTIONS[0]: {"value": -HUGE_INT}}}, True
            ),
            "application/json",
        ),
        (with_answer("9" * 400), "application/yaml"),
    ],
    ids=["json", "json-object", "yaml"],
)
def test_an_answer_too_large_for_a_float_is_a_listed_error(
    client: FlaskClient, body: str, content_type: str
) -> None:
    """(Found by this file: 10**400 reached float() in assessment.engine.answers._fmt: OverflowError, 500.)"""
    response = client.post("/api/v1/score", data=body.encode(), content_type=content_type)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    pointers = [e["pointer"] for e in response.get_json()["errors"]]
    assert any(p.startswith(f"$.answers.{QUESTIONS[0]}") for p in pointers), pointers


def cpu_seconds(client: FlaskClient, body: str, content_type: str) -> tuple[int, float]:
    """Status and CPU time (this process: the test client runs the app in it) of one request."""
    start = time.process_time()
    response = client.post("/api/v1/score", data=body.encode(), content_type=content_type)
    return response.status_code, time.process_time() - start


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (nested(900), "application/json"),
        ("questionnaire: tqm-quick\nanswers: " + nested(900) + "\n", "application/yaml"),
        ("questionnaire: tqm-quick\nanswers: " + nested(5000) + "\n", "application/yaml"),
    ],
    ids=["json-900", "yaml-900", "yaml-5000"],
)
def test_deep_nesting_is_refused_cheaply(client: FlaskClient, body: str, content_type: str) -> None:
    """A few KB nested far beyond the limit of 40 levels costs less than scoring a real document.

    (Found by this file: ruamel's scanner is quadratic in the depth of flow collections, so a
    1.8 KB body nested 900 deep cost ~1.7 s of CPU, passing the JSON check below the interpreter's
    recursion limit.)
    """
    valid = json.dumps(VALID)
    baseline = min(cpu_seconds(client, valid, "application/json")[1] for _ in range(3))
    status, spent = cpu_seconds(client, body, content_type)
    assert status == 400
    assert spent <= max(5 * baseline, 0.05), (
        f"{spent:.3f} s CPU (scoring a document: {baseline:.3f} s)"
    )


# --- forms --------------------------------------------------------------------------------------

QUESTIONS_OF = {d.id: [q.id for q in d.questions] for d in QUICK.dimensions}
# Every category as a form field can carry it (forms are flat text): category -> name -> value.
FORM_VALUES = {
    "wrong types": {
        "a decimal": "3.5",
        "a word": "three",
        "a list": "[3]",
        "a boolean": "true",
        "nothing": "",
        "a space": " ",
        "a mapping": "{'value': 3}",
    },
    "unknown ids": {"a dimension id": "customer", "an unknown word": "nope", "a role": "leader"},
    "huge numbers": {
        "400 digits": "9" * 400,
        "1e400": "1e400",
        "-1e400": "-1e400",
        "the longest decimal the form reads": "999999.999999",
        "21 digits": "1" + "0" * 20,
    },
    "NaN and infinities": {
        "NaN": "NaN",
        "nan": "nan",
        "inf": "inf",
        "-Infinity": "-Infinity",
        ".nan": ".nan",
        ".inf": ".inf",
    },
    "deep nesting": {"41 lists": "[" * 41 + "3" + "]" * 41, "3000 lists": "[" * 3000 + "]" * 3000},
    "unicode and control characters": {
        "a full-width digit": "３",
        "an Arabic-Indic digit": "٣",
        "a NUL after the digit": "3\x00",
        "an ANSI escape": "\x1b[31m4",
        "a right-to-left override": "4\u202e",
        "a CJK character": "質",
    },
    "YAML tags": {
        "int tag": "!!int 3",
        "a Python object": "!!python/object/apply:os.system ['true']",
        "a custom tag": "!custom 3",
    },
    "YAML anchors and aliases": {"an anchor": "&a 3", "an alias": "*a", "a merge key": "<<: *a"},
    "alias bombs": {"a bomb": 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'},
}
ODD_VALUES = [value for values in FORM_VALUES.values() for value in values.values()]
FIELD_NAMES = st.one_of(
    st.sampled_from(
        [f"{part}-{qid}" for qid in QUESTIONS for part in ("answer", "evidence", "note")]
        + ["nav", "goto", "csrf_token", "organisation"]
        + ["answer-customer.no_such_question", "answer-" + QUESTIONS[0].upper()]  # unknown ids
        + ["answer-" + QUESTIONS[0] + "[a]" * 50, "answer[" * 45 + "]" * 45]  # deep nesting
    ),
    TEXT,
)
FIELD_VALUES = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "0", "6", "-1", "na", "unknown", "3.0", " 3 "]),
    st.sampled_from(
        ["3.5", "1e3", "٣", "３", "NaN", "inf", "", "prev", "next", "stay", "customer"]
    ),
    st.sampled_from(ODD_VALUES),
    TEXT,
    LONG_TEXT,
)
ANSWER_VALUES = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "unknown", " 4 ", "3.0", "na", "6"]),
    st.sampled_from(ODD_VALUES),
)
NOTE_VALUES = st.one_of(
    TEXT,
    LONG_TEXT,
    st.sampled_from(ODD_VALUES),
    st.sampled_from([4999, 5000, 5001]).map(lambda n: "n" * n),
)

Fields = list[tuple[str, str]]


@st.composite
def plausible_page(draw: Any, dimension: str) -> tuple[str, Fields]:
    """Fields a browser would send for this dimension, mixed with random ones; maybe a field twice."""
    qids = QUESTIONS_OF[dimension]
    field = st.one_of(
        st.tuples(st.sampled_from([f"answer-{q}" for q in qids]), ANSWER_VALUES),
        st.tuples(
            st.sampled_from([f"{p}-{q}" for q in qids for p in ("evidence", "note")]), NOTE_VALUES
        ),
        st.tuples(st.sampled_from(["nav", "goto"]), FIELD_VALUES),
        st.tuples(FIELD_NAMES, FIELD_VALUES),
    )
    fields: Fields = draw(st.lists(field, max_size=12))
    if fields and draw(st.booleans()):  # a duplicate key: the same field again, another value
        name = draw(st.sampled_from([name for name, _ in fields]))
        fields.insert(draw(st.integers(0, len(fields))), (name, draw(ANSWER_VALUES | NOTE_VALUES)))
    return dimension, fields


PAGES = st.one_of(
    st.sampled_from(DIMENSIONS).flatmap(plausible_page),
    st.tuples(
        st.one_of(st.sampled_from(DIMENSIONS), st.sampled_from(["nope", "customer.x", "%2e%2e"])),
        st.lists(st.tuples(FIELD_NAMES, FIELD_VALUES), max_size=14),
    ),
)
CSRF_MODES = st.sampled_from(["valid", "valid", "valid", "missing", "forged", "other session"])
FORM_FIELD = re.compile(r"^(answer|evidence|note)-(.+)$")
OTHER_FIELDS = {"csrf_token", "nav", "goto", "organisation", "role"}


def form_hostilities(fields: Fields) -> set[str]:
    """The categories a form holds (counted in the statistics, and by the reachability test)."""
    names = [name for name, _ in fields]
    found = {"duplicate keys"} if len(set(names)) < len(names) else set()
    for name, value in fields:
        field = FORM_FIELD.match(name)
        if (field.group(2) not in DIMENSION_OF) if field else name not in OTHER_FIELDS:
            found.add("unknown ids")
        found |= {category for category, values in FORM_VALUES.items() if value in values.values()}
        if max(name.count("["), value.count("[")) > 40:
            found.add("deep nesting")
        if len(value) > 5000:
            found.add("very long notes")
        if any(not " " <= c <= "~" for c in name + value):
            found.add("unicode and control characters")
    return found


def noted(fields: Fields) -> None:
    for category in sorted(form_hostilities(fields)):
        note(category)


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_form_generators_reach_every_category(category: str) -> None:
    _dimension, page = find(
        PAGES, lambda page: category in form_hostilities(page[1]), settings=GENERATE_ONLY
    )
    assert category in form_hostilities(page)
    fields = find(
        START_FIELDS, lambda fields: category in form_hostilities(fields), settings=GENERATE_ONLY
    )
    assert category in form_hostilities(fields)


@pytest.fixture(scope="module")
def respondent(app: Flask) -> tuple[FlaskClient, str, dict[str, str]]:
    """A browser with a started quick scan: (client, resume token, CSRF tokens by kind)."""
    client = app.test_client()
    page = client.get("/start/tqm-quick").get_data(as_text=True)
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    response = client.post("/start/tqm-quick", data={"csrf_token": token, "organisation": "Fuzz"})
    assert response.status_code == 303
    resume = response.location.split("/")[2]
    other = app.test_client()
    other_token = CSRF.search(other.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    return client, resume, {"valid": token, "forged": forged, "other session": other_token}


Database = dict[str, list[tuple[Any, ...]]]


def everything(app: Flask) -> Database:
    """Every row of every table the forms write to."""
    with app.extensions["tqm_db"].engine.connect() as conn:
        return {
            table: [
                tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            ]
            for table in ("assessments", "answers")
        }


def stored(app: Flask, resume: str) -> dict[str, tuple[str, float | None, str, str]]:
    sql = text(
        "SELECT question_id, status, value, evidence, note FROM answers WHERE assessment_id ="
        " (SELECT id FROM assessments WHERE token_hash = :hash)"
    )
    with app.extensions["tqm_db"].engine.connect() as conn:
        return {
            q: (s, v, e, n) for q, s, v, e, n in conn.execute(sql, {"hash": token_hash(resume)})
        }


ERROR_ID = re.compile(r'<p class="field-error" id="error-([^"]+)"')


def post_page(
    app: Flask, client: FlaskClient, resume: str, dimension: str, form: MultiDict[str, str]
) -> int:
    """Post a dimension page; check what the answer says and what the database holds after it."""
    before, before_all = stored(app, resume), everything(app)
    response = client.post(f"/a/{resume}/d/{dimension}", data=form)
    after = stored(app, resume)
    html = response.get_data(as_text=True)
    note(f"status {response.status_code}")
    assert response.status_code in (303, 400, 404, 413, 422), html[:2000]
    assert "Traceback" not in html
    if response.status_code != 303:
        assert everything(app) == before_all, "a rejected submit changed the database"
    if response.status_code == 422:  # the error is beside each question at fault, on this page
        named = ERROR_ID.findall(html)
        assert named and set(named) <= set(QUESTIONS_OF[dimension]), named
        assert "Nothing on this page was saved" in html
    elif response.status_code == 400:
        assert "This form has expired" in html  # a missing or wrong CSRF token, named as such
    elif response.status_code == 404:
        assert dimension not in DIMENSIONS
    if response.status_code != 303:
        return response.status_code
    assert dimension in DIMENSIONS
    for qid in QUESTIONS:
        choice = form.get(f"answer-{qid}", "").strip()
        if DIMENSION_OF[qid] != dimension or not choice:
            assert after.get(qid) == before.get(qid), f"{qid} changed though not answered"
            continue
        status, value, _evidence, _note = after[qid]
        if choice in ("na", "unknown"):
            assert (status, value) == (choice, None)
        else:
            assert status == "value" and value == float(choice), (qid, choice, after[qid])
    return response.status_code


@settings(FUZZ, max_examples=EXAMPLES["forms"]["dimension pages"])
@given(page=PAGES, csrf_mode=CSRF_MODES)
@example(page=("customer", [("answer-customer.voice_to_design", "4")]), csrf_mode="missing")
@example(page=("customer", [("answer-customer.voice_to_design", "4")]), csrf_mode="valid")
@example(page=("customer", [("note-customer.voice_to_design", "no answer")]), csrf_mode="valid")
def test_random_dimension_posts_never_fail_and_rejected_ones_change_nothing(
    app: Flask,
    respondent: tuple[FlaskClient, str, dict[str, str]],
    page: tuple[str, Fields],
    csrf_mode: str,
) -> None:
    client, resume, tokens = respondent
    dimension, fields = page
    form: MultiDict[str, str] = MultiDict()
    if csrf_mode != "missing":
        form.add("csrf_token", tokens[csrf_mode])
    for name, value in fields:
        form.add(name, value)
    noted(fields)
    status = post_page(app, client, resume, dimension, form)
    if csrf_mode != "valid":
        assert status in (400, 413)  # (a body over the limit is refused before its token is read)


FORM_CASES = [
    (category, name, value, field)
    for category, values in {
        **FORM_VALUES,
        "very long notes": {
            "5000 characters": "n" * 5000,
            "5001 characters": "n" * 5001,
            "100,000 CJK characters": "长" * 100_000,
        },
        "duplicate keys": {"the field twice": "4"},
    }.items()
    for name, value in values.items()
    for field in ("answer", "note")
]


@pytest.mark.parametrize(
    ("category", "name", "value", "field"),
    FORM_CASES,
    ids=[f"{field}-{category}-{name}" for category, name, _, field in FORM_CASES],
)
def test_every_hostile_form_value_is_saved_or_named_and_nothing_stored(
    app: Flask,
    respondent: tuple[FlaskClient, str, dict[str, str]],
    category: str,
    name: str,
    value: str,
    field: str,
) -> None:
    """One field of a complete customer page set to the value (a duplicate: the answer twice)."""
    client, resume, tokens = respondent
    qid = QUESTIONS_OF["customer"][0]
    form: MultiDict[str, str] = MultiDict([("csrf_token", tokens["valid"]), ("nav", "stay")])
    for other in QUESTIONS_OF["customer"]:
        form.add(f"answer-{other}", "3")
    if field == "answer":
        form.setlist(f"answer-{qid}", [value])
    else:
        form.add(f"note-{qid}", value)
    if category == "duplicate keys":
        form.add(f"{field}-{qid}", "5")  # the same field once more, with another value
    post_page(app, client, resume, "customer", form)


START_ERROR_ID = re.compile(r'<p class="field-error" id="([a-z]+)-error"')
START_FIELDS = st.lists(
    st.tuples(
        st.sampled_from(["organisation", "organisation", "role", "role", "nav"]) | FIELD_NAMES,
        st.one_of(
            TEXT,
            LONG_TEXT,
            st.sampled_from(ODD_VALUES),
            st.sampled_from([199, 200, 201, 5000]).map(lambda n: "o" * n),  # the limit is 200
            st.sampled_from(["leader", "manager", "staff", "customer", "auditor", "king", ""]),
        ),
    ),
    max_size=5,
)


@settings(FUZZ, max_examples=EXAMPLES["forms"]["start page"])
@given(
    questionnaire=st.sampled_from(["tqm-quick", "tqm-quick", "tqm-audit", "nope"]),
    fields=START_FIELDS,
    csrf_mode=CSRF_MODES,
)
def test_random_start_posts_create_one_assessment_or_name_the_field_and_change_nothing(
    app: Flask,
    respondent: tuple[FlaskClient, str, dict[str, str]],
    questionnaire: str,
    fields: Fields,
    csrf_mode: str,
) -> None:
    client, _resume, tokens = respondent
    form: MultiDict[str, str] = MultiDict(fields)
    noted(fields)
    if csrf_mode != "missing":
        form.add("csrf_token", tokens[csrf_mode])
    before = everything(app)

    response = client.post(f"/start/{questionnaire}", data=form)

    html, after = response.get_data(as_text=True), everything(app)
    note(f"status {response.status_code}")
    assert response.status_code in (303, 400, 404, 413, 422), html[:2000]
    assert "Traceback" not in html
    if csrf_mode != "valid":
        assert response.status_code in (400, 413)
    if response.status_code == 303:
        assert after["answers"] == before["answers"]
        assert len(after["assessments"]) == len(before["assessments"]) + 1
        return
    assert after == before, "a rejected start changed the database"
    if response.status_code == 422:  # the error is beside each field at fault
        named = START_ERROR_ID.findall(html)
        assert named and set(named) <= {"organisation", "role"}, named
    elif response.status_code == 400:
        assert "This form has expired" in html  # a missing or wrong CSRF token, named as such
    elif response.status_code == 404:
        assert questionnaire == "nope"
