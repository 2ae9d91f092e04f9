"""assessment.io (source, files, yaml_reader, csv_reader): YAML and CSV become plain data that
remembers where every value stood."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assessment.io.csv_reader import parse_csv
from assessment.io.files import load_file
from assessment.io.source import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Document,
    display_pointer,
    line_and_column,
    pointer_join,
)
from assessment.io.yaml_reader import parse_yaml
from assessment.problems import Problem, ProblemsFound


def problems_of(text: str, name: str = "doc.yaml") -> list[Problem]:
    """The problems parse_yaml raises for the text (fails the test when it parses)."""
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml(text, name)
    return caught.value.problems


def the_problem(text: str, name: str = "doc.yaml") -> str:
    """The one problem parse_yaml reports for the text, as the user reads it."""
    problems = problems_of(text, name)
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def csv_problems_of(text: str, name: str = "doc.csv") -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        parse_csv(text, name)
    return [str(p) for p in caught.value.problems]


# --- YAML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "phrase"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2, "flow sequence"),
        ("a: 'never closed\n", 2, 1, "quoted scalar"),
        ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed here"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed here"),
        ("key: value\n- item\n", 2, 1, "block mapping"),
        ("a:\tb\n", 1, 3, "cannot start any token"),
        ("a: &x 1\nb: *y\n", 2, 4, "undefined alias 'y'"),
    ],
    ids=[
        "unclosed-flow-sequence",
        "unclosed-quote",
        "bad-indentation",
        "colon-in-plain-value",
        "list-item-in-mapping",
        "tab",
        "undefined-alias",
    ],
)
def test_malformed_yaml_is_reported_at_the_parsers_line_and_column(
    text: str, line: int, col: int, phrase: str
) -> None:
    message = the_problem(text)
    assert message.startswith(f"doc.yaml:{line}:{col}: $: YAML syntax: "), message
    assert phrase in message


@pytest.mark.parametrize(
    ("text", "line", "col", "key"),
    [
        ("name: a\nversion: 1\nname: b\n", 3, 1, "name"),
        ("outer:\n  x: 1\n  y: 2\n  x: 3\n", 4, 3, "x"),
        ("{a: 1, b: 2, a: 3}\n", 1, 14, "a"),
    ],
    ids=["top-level", "nested", "flow-mapping"],
)
def test_duplicate_key_is_refused_at_the_line_of_its_second_occurrence(
    text: str, line: int, col: int, key: str
) -> None:
    message = the_problem(text)
    assert message.startswith(f"doc.yaml:{line}:{col}: $: YAML syntax: "), message
    assert f'duplicate key "{key}"' in message


# --- tags, binary values, non-finite numbers -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: !!python/object/apply:os.system ['echo pwned']\n",
            "doc.yaml:1:1: $.a: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
            "is not allowed",
        ),
        (
            "a: !!python/object/new:os.system [echo]\n",
            "doc.yaml:1:1: $.a: YAML tag 'tag:yaml.org,2002:python/object/new:os.system' "
            "is not allowed",
        ),
        (
            "a: !!python/name:os.system\n",
            "doc.yaml:1:4: $.a: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed",
        ),
        ("a: !custom 3\n", "doc.yaml:1:4: $.a: YAML tag '!custom' is not allowed"),
        ("a: !custom {x: 1}\n", "doc.yaml:1:1: $.a: YAML tag '!custom' is not allowed"),
        ("!custom\nx: 1\n", "doc.yaml:1:1: $: YAML tag '!custom' is not allowed"),
    ],
    ids=["python-apply", "python-new", "python-name", "custom-scalar", "custom-map", "custom-root"],
)
def test_custom_tags_are_refused_with_the_tag_named(
    text: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    assert the_problem(text) == expected
    assert calls == [], "a YAML tag ran code"


def test_several_custom_tags_are_all_reported() -> None:
    problems = problems_of("a: !one 1\nb: [!two 2]\n")
    assert [str(p) for p in problems] == [
        "doc.yaml:1:4: $.a: YAML tag '!one' is not allowed",
        "doc.yaml:2:5: $.b[0]: YAML tag '!two' is not allowed",
    ]


def test_binary_values_are_refused_where_they_stand() -> None:
    problems = problems_of("name: x\nlogo: !!binary aGVsbG8=\n")
    assert [(p.line, p.col, p.pointer) for p in problems] == [(2, 7, "$.logo")]


@pytest.mark.parametrize(
    ("text", "col"),
    [("value: .nan\n", 8), ("value: .NaN\n", 8), ("value: .inf\n", 8), ("value: -.inf\n", 8)],
    ids=["nan", "NaN", "inf", "minus-inf"],
)
def test_non_finite_numbers_are_refused(text: str, col: int) -> None:
    expected = f"doc.yaml:1:{col}: $.value: numbers must be finite (no NaN or infinity)"
    assert the_problem(text) == expected


def test_non_finite_numbers_inside_lists_are_located_by_index() -> None:
    assert (
        the_problem("values:\n  - 1\n  - .inf\n")
        == "doc.yaml:3:5: $.values[1]: numbers must be finite (no NaN or infinity)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!str 3\n", {"a": "3"}),
        ("a: !!int '3'\n", {"a": 3}),
        ("a: !!float 1\n", {"a": 1.0}),
        ("a: !!null ''\n", {"a": None}),
        ("a: !!map {x: 1}\n", {"a": {"x": 1}}),
        ("a: !!seq [1]\n", {"a": [1]}),
    ],
    ids=["str", "int", "float", "null", "map", "seq"],
)
def test_standard_tags_are_accepted(text: str, expected: dict[str, object]) -> None:
    assert parse_yaml(text).data == expected


# --- limits ----------------------------------------------------------------------------------


def test_nesting_within_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 5
    data = parse_yaml("[" * depth + "1" + "]" * depth).data
    for _ in range(depth):
        data = data[0]
    assert data == 1


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    depth = MAX_DEPTH + 5
    message = the_problem("[" * depth + "]" * depth)
    assert message.startswith("doc.yaml:1:")
    assert message.endswith(f": nested deeper than {MAX_DEPTH} levels")


def test_absurd_nesting_is_refused_without_crashing() -> None:
    problems = problems_of("[" * 5000 + "]" * 5000)
    assert len(problems) == 1
    assert problems[0].file == "doc.yaml"


def _billion_laughs(levels: int = 10, width: int = 10) -> str:
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly_without_expanding() -> None:
    start = time.perf_counter()
    problems = problems_of(_billion_laughs())
    elapsed = time.perf_counter() - start
    assert len(problems) == 1
    assert (
        problems[0].message
        == f"document expands to more than {MAX_NODES} values (YAML aliases used as a bomb?)"
    )
    assert elapsed < 2.0, f"refusing the alias bomb took {elapsed:.2f} s"


def test_a_few_aliases_are_expanded_into_plain_data() -> None:
    doc = parse_yaml("base: &b {x: 1, y: [2]}\nother: *b\n")
    assert doc.data == {"base": {"x": 1, "y": [2]}, "other": {"x": 1, "y": [2]}}
    assert doc.data["other"] is not doc.data["base"]


def test_a_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * MAX_BYTES)
    with pytest.raises(ProblemsFound) as caught:
        load_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: $: file is {MAX_BYTES + 5} bytes; the limit is {MAX_BYTES}"
    ]


def test_a_text_above_the_size_limit_is_refused() -> None:
    assert the_problem("#" * (MAX_BYTES + 1)) == f"doc.yaml: $: document exceeds {MAX_BYTES} bytes"


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "byte"),
    [(b"a: \xff\n", 3), ("name: caf\u00e9\n".encode("latin-1"), 9), (b"\xfe\xff\x00a", 0)],
    ids=["stray-byte", "latin-1", "utf-16"],
)
def test_non_utf8_bytes_are_refused_with_the_offset(tmp_path: Path, raw: bytes, byte: int) -> None:
    path = tmp_path / "doc.yaml"
    path.write_bytes(raw)
    with pytest.raises(ProblemsFound) as caught:
        load_file(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}: $: not UTF-8 text (byte {byte})"]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_bytes("\ufefftitle: 质量\n".encode())
    assert load_file(path).data == {"title": "质量"}


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ProblemsFound) as caught:
        load_file(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.pointer) == (str(path), None, "$")
    assert problem.message.startswith("cannot read file: ")


# --- plain data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d: 2024-03-05\n", "2024-03-05"),
        ("d: 2024-03-05 10:20:30\n", "2024-03-05T10:20:30"),
        ("d: 2024-03-05T10:20:30Z\n", "2024-03-05T10:20:30+00:00"),
    ],
    ids=["date", "datetime", "datetime-utc"],
)
def test_dates_become_iso_strings(text: str, expected: str) -> None:
    assert parse_yaml(text).data == {"d": expected}


def test_yaml_becomes_plain_python_types() -> None:
    data = parse_yaml("m: {a: 1}\nl: [1, 2.5, x, true, null]\n").data
    assert type(data) is dict
    assert type(data["m"]) is dict
    assert type(data["l"]) is list
    assert [type(v) for v in data["l"]] == [int, float, str, bool, type(None)]


def test_json_is_read_as_yaml() -> None:
    doc = parse_yaml('{"a": [1, 2.5, null, true, "s"], "b": {"c": -3}}')
    assert doc.data == {"a": [1, 2.5, None, True, "s"], "b": {"c": -3}}


def test_integer_keys_become_strings() -> None:
    assert parse_yaml("anchors: {1: low, 5: high}\n").data == {"anchors": {"1": "low", "5": "high"}}


@pytest.mark.parametrize(
    "text", ["true: x\n", "~: x\n", "? [1, 2]\n: x\n"], ids=["bool", "null", "sequence"]
)
def test_keys_that_are_not_strings_are_refused(text: str) -> None:
    problems = problems_of(text)
    assert [p.message for p in problems] == ["keys must be strings"]


def test_an_empty_document_is_none() -> None:
    assert parse_yaml("").data is None


# --- positions -------------------------------------------------------------------------------

BLOCK = """\
title: Example
dimensions:
  - id: customer
    questions:
      - id: customer.first
        weight: 2
        anchors: {1: never, 5: always}
"""

FLOW = '{a: {b: [1, 2, {c: 3}]}, d: "x"}\n'


@pytest.mark.parametrize(
    ("pointer", "where"),
    [
        ("", (1, 1)),
        ("/title", (1, 8)),
        ("/dimensions", (2, 1)),
        ("/dimensions/0", (3, 5)),
        ("/dimensions/0/id", (3, 9)),
        ("/dimensions/0/questions", (4, 5)),
        ("/dimensions/0/questions/0/id", (5, 13)),
        ("/dimensions/0/questions/0/weight", (6, 17)),
        ("/dimensions/0/questions/0/anchors/5", (7, 32)),
    ],
    ids=[
        "root",
        "scalar-value",
        "list-key",
        "list-item",
        "item-field",
        "nested-list-key",
        "deep-field",
        "number",
        "flow-map-in-block",
    ],
)
def test_where_locates_nested_pointers_in_block_style(pointer: str, where: tuple[int, int]) -> None:
    assert parse_yaml(BLOCK).where(pointer) == where


@pytest.mark.parametrize(
    ("pointer", "where"),
    [
        ("/a", (1, 2)),
        ("/a/b", (1, 6)),
        ("/a/b/0", (1, 10)),
        ("/a/b/1", (1, 13)),
        ("/a/b/2", (1, 16)),
        ("/a/b/2/c", (1, 20)),
        ("/d", (1, 29)),
    ],
    ids=["map", "list", "first-item", "second-item", "map-item", "deepest", "quoted-string"],
)
def test_where_locates_nested_pointers_in_flow_style(pointer: str, where: tuple[int, int]) -> None:
    assert parse_yaml(FLOW).where(pointer) == where


def test_where_falls_back_to_the_nearest_located_ancestor() -> None:
    doc = parse_yaml(BLOCK)
    assert doc.where("/dimensions/0/questions/0/missing") == doc.where("/dimensions/0/questions/0")
    assert doc.where("/nothing/here") == (1, 1)


def test_where_of_an_unlocated_document_is_unknown() -> None:
    assert Document("x", {}, {}).where("/a") == (None, None)


def test_keys_with_slashes_and_tildes_are_escaped_in_pointers() -> None:
    doc = parse_yaml("a/b: 1\nc~d: 2\n")
    assert doc.where(pointer_join("", "a/b")) == (1, 6)
    assert doc.where(pointer_join("", "c~d")) == (2, 6)
    assert doc.problem(pointer_join("", "a/b"), "bad", code="input.invalid").pointer == "$.a/b"


@pytest.mark.parametrize(
    ("pointer", "shown"),
    [
        ("", "$"),
        ("/id", "$.id"),
        ("/dimensions/0/questions/12/id", "$.dimensions[0].questions[12].id"),
        ("/answers/customer.first", "$.answers.customer.first"),
    ],
    ids=["root", "field", "nested-indices", "dotted-key"],
)
def test_pointers_are_displayed_as_paths_people_read(pointer: str, shown: str) -> None:
    assert display_pointer(pointer) == shown


def test_document_problem_carries_file_position_and_path() -> None:
    problem = parse_yaml(BLOCK, "q.yaml").problem(
        "/dimensions/0/questions/0/weight", "too heavy", code="schema.range"
    )
    assert str(problem) == "q.yaml:6:17: $.dimensions[0].questions[0].weight: too heavy"


# --- CSV -------------------------------------------------------------------------------------


def test_csv_header_names_the_cells_of_each_row() -> None:
    doc = parse_csv("respondent, role ,customer.first\n r1 ,leader, 3 \n")
    assert doc.data == {
        "header": ["respondent", "role", "customer.first"],
        "rows": [{"respondent": "r1", "role": "leader", "customer.first": "3"}],
    }


def test_csv_empty_rows_are_skipped_and_later_rows_keep_their_lines() -> None:
    doc = parse_csv("a,b\n1,2\n\n,\n  , \n3,4\n")
    assert doc.data["rows"] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    assert doc.where("/rows/1") == (6, 1)


def test_csv_short_rows_are_padded_with_empty_cells() -> None:
    doc = parse_csv("a,b,c\n1\n")
    assert doc.data["rows"] == [{"a": "1", "b": "", "c": ""}]


def test_csv_rows_longer_than_the_header_are_refused_at_the_first_extra_cell() -> None:
    assert csv_problems_of("a,b\n1,2\n3,4,5\n") == [
        "doc.csv:3:3: $.rows[1]: row has 3 cells but the header has 2"
    ]


@pytest.mark.parametrize(
    ("pointer", "where"),
    [("/rows/0", (2, 1)), ("/rows/0/b", (2, 2)), ("/rows/1/c", (3, 3)), ("/rows/1", (3, 1))],
    ids=["first-row", "second-cell", "third-cell-second-row", "second-row"],
)
def test_csv_cells_are_located_by_line_and_cell_number(
    pointer: str, where: tuple[int, int]
) -> None:
    assert parse_csv("a,b,c\n1,2,3\n4,5,6\n").where(pointer) == where


def test_csv_row_with_a_multiline_cell_is_located_where_the_row_starts() -> None:
    doc = parse_csv('a,b\n"two\nlines",2\n3,4\n')
    assert doc.data["rows"][0] == {"a": "two\nlines", "b": "2"}
    assert doc.where("/rows/0/a") == (2, 1)
    assert doc.where("/rows/1/a") == (4, 1)


def test_a_csv_column_given_twice_is_refused_at_its_second_cell() -> None:
    assert csv_problems_of("a,b, a,b\n1,2,3,4\n") == [
        "doc.csv:1:3: $: column 'a' appears twice",
        "doc.csv:1:4: $: column 'b' appears twice",
    ]


def test_an_empty_csv_is_refused() -> None:
    assert csv_problems_of("") == ["doc.csv:1:1: $: CSV file is empty (a header row is needed)"]


def test_a_csv_with_only_a_header_has_no_rows() -> None:
    assert parse_csv("a,b\n").data == {"header": ["a", "b"], "rows": []}


def test_a_malformed_csv_is_a_located_problem() -> None:
    assert csv_problems_of("a,b\n1," + "x" * 200_000 + "\n") == [
        "doc.csv:2:1: $: CSV: field larger than field limit (131072)"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".CSV"])
def test_load_file_reads_csv_by_suffix(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"answers{suffix}"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert load_file(path).data == {"header": ["a", "b"], "rows": [{"a": "1", "b": "2"}]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('a: 1\nb: "x\x01y"\n', "doc.yaml:2:6: $: character U+0001 is not allowed in YAML (a control character)", id="control-character"),
        pytest.param("a: 1\nb: x\x7fy\n", "doc.yaml:2:5: $: character U+007F is not allowed in YAML (a control character)", id="delete"),
        pytest.param("a: 1\nb: x\x80y\n", "doc.yaml:2:5: $: character U+0080 is not allowed in YAML (a control character)", id="c1-control"),
        pytest.param('a: 1\nb: !!int ""\n', "doc.yaml:2:4: $: YAML value: this value cannot be read as !!int", id="empty-int"),
        pytest.param("a: !!bool maybe\n", "doc.yaml:1:4: $: YAML value: this value cannot be read as !!bool", id="bool"),
        pytest.param("a: [1, !!float x]\n", "doc.yaml:1:8: $: YAML value: this value cannot be read as !!float", id="float-in-a-list"),
        pytest.param("a: !!set x\n", "doc.yaml:1:4: $: YAML value: this value cannot be read as !!set", id="set"),
        pytest.param("a:\n  b: " + "9" * 5000 + "\n", "doc.yaml:2:6: $: YAML value: a number with more than 4300 digits cannot be read", id="5000-digits"),
    ],
)  # fmt: skip
def test_a_value_the_reader_cannot_read_is_named_at_its_line_and_column(
    text: str, expected: str
) -> None:
    assert the_problem(text) == expected


def test_a_duplicate_key_with_a_huge_value_gives_one_bounded_line() -> None:
    [problem] = problems_of("a: 1\na: " + "x" * 100_000 + "\n")
    assert (problem.line, problem.col) == (2, 1)
    assert problem.message.startswith('YAML syntax: found duplicate key "a"')
    assert len(problem.message) <= 300 and "\n" not in problem.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("a: [1, 2\n", "yaml.syntax", id="unclosed-flow"),
        pytest.param("a: 1\na: 2\n", "yaml.duplicate_key", id="duplicate-key"),
        pytest.param("a: \x01\n", "yaml.character", id="control-character"),
        pytest.param("a: !custom 1\n", "yaml.tag", id="custom-tag"),
        pytest.param("? [1]\n: 2\n", "yaml.key", id="list-as-key"),
        pytest.param("a: !!binary aGk=\n", "yaml.value", id="binary"),
        pytest.param('a: !!int ""\n', "yaml.value", id="empty-int"),
        pytest.param("a: .nan\n", "value.not_finite", id="nan"),
        pytest.param("a: " + "1" * 5000 + "\n", "limit.digits", id="5000-digits"),
        pytest.param("a: " + "[" * 50 + "]" * 50 + "\n", "limit.depth", id="deep-nesting"),
        pytest.param(_billion_laughs(), "limit.values", id="alias-bomb"),
        pytest.param('a: "\\ud800"\n', "text.surrogate", id="lone-surrogate"),
        pytest.param("x" * (MAX_BYTES + 1), "limit.size", id="too-large"),
    ],
)
def test_each_kind_of_unreadable_yaml_has_its_own_code(text: str, code: str) -> None:
    assert {p.code for p in problems_of(text)} == {code}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "csv.empty", id="empty"),
        pytest.param("a,a\n1,2\n", "csv.duplicate_column", id="column-twice"),
        pytest.param("a\n1,2\n", "csv.row_length", id="row-too-long"),
        pytest.param("a,b\n1," + "x" * 200_000 + "\n", "csv.syntax", id="field-too-large"),
    ],
)
def test_each_kind_of_unreadable_csv_has_its_own_code(text: str, code: str) -> None:
    with pytest.raises(ProblemsFound) as caught:
        parse_csv(text, "doc.csv")
    assert {p.code for p in caught.value.problems} == {code}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(b"a: \xff\n", "text.encoding", id="not-utf8"),
        pytest.param(b"a" * (MAX_BYTES + 1), "limit.size", id="too-large"),
    ],
)
def test_each_kind_of_unreadable_file_has_its_own_code(
    tmp_path: Path, raw: bytes, code: str
) -> None:
    (tmp_path / "doc.yaml").write_bytes(raw)
    with pytest.raises(ProblemsFound) as caught:
        load_file(tmp_path / "doc.yaml")
    assert {p.code for p in caught.value.problems} == {code}


def test_a_missing_file_has_the_code_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ProblemsFound) as caught:
        load_file(tmp_path / "absent.yaml")
    assert [p.code for p in caught.value.problems] == ["file.unreadable"]


@pytest.mark.parametrize(
    ("text", "offset", "where"),
    [("abc", 0, (1, 1)), ("abc", 2, (1, 3)), ("a\nbc", 2, (2, 1)), ("a\n\nbc\nd", 5, (3, 3))],
)
def test_an_offset_is_turned_into_a_line_and_column_counted_from_one(
    text: str, offset: int, where: tuple[int, int]
) -> None:
    assert line_and_column(text, offset) == where


def test_a_duplicate_key_with_long_values_is_named_in_a_short_message() -> None:
    """The parser quotes both values whole; the problem line cuts them (found by the CLI fuzz)."""
    text = 'responses: "' + "\\ud800\\udc00" * 40 + '"\nresponses: "' + "0" * 400 + '"\n'
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml(text, "answers.yaml")
    (problem,) = caught.value.problems
    assert problem.code == "yaml.duplicate_key" and problem.line == 2
    assert 'duplicate key "responses"' in problem.message and len(problem.message) <= 240
