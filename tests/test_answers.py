"""assessment.engine.answers: answers documents (YAML, JSON, CSV) checked whole against a questionnaire.

Every rejection raises ProblemsFound (nothing is returned) with the problem located at the
offending value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.content.library import Library
from assessment.engine.answers import (
    NA,
    UNKNOWN,
    AnswerSet,
    Response,
    checked_response,
    load_answers,
    parse_answers,
    parse_answers_text,
)
from assessment.engine.pipeline import assess
from assessment.io.source import Document
from assessment.problems import ProblemsFound

ANSWERS = Path(__file__).resolve().parent / "data" / "answers"
SCALE = "(1, 2, 3, 4, 5)"
ROLES = "the roles are leader, manager, staff, customer, auditor"


def answers_yaml(mini: Library, head: str = "", drop: tuple[str, ...] = (), **given: str) -> str:
    """A one-respondent answers document for `mini`: every question 3 unless given (dots as '__')."""
    values = {q.id: "3" for q in mini.questionnaires["mini"].questions if q.id not in drop}
    values.update({k.replace("__", "."): v for k, v in given.items()})
    lines = [head.rstrip("\n") or "questionnaire: mini", "organisation: Test Co", "answers:"]
    lines += [f"  {qid}: {value}" for qid, value in values.items()]
    return "\n".join(lines) + "\n"


def locate(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of the first occurrence of needle (plus offset characters)."""
    start = text.index(needle) + offset
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def value_of(text: str, qid: str) -> tuple[int, int]:
    """Where the answer to qid stands in a block-style answers document."""
    return locate(text, f"  {qid}: ", offset=len(f"  {qid}: "))


def rejected(text: str, mini: Library) -> list[str]:
    """The problems of a rejected document (the test fails if anything is returned)."""
    with pytest.raises(ProblemsFound) as caught:
        parse_answers_text(text, mini, "a.yaml")
    return [str(p) for p in caught.value.problems]


def rejected_file(path: Path, library: Library) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        load_answers(path, library)
    return [str(p) for p in caught.value.problems]


def accepted(text: str, mini: Library) -> AnswerSet:
    return parse_answers_text(text, mini, "a.yaml")


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["7", "0", "-1", "2.5", "99"])
def test_value_off_the_scale_is_rejected_with_the_question_named(mini: Library, value: str) -> None:
    text = answers_yaml(mini, customer__first=value)
    line, col = value_of(text, "customer.first")
    assert rejected(text, mini) == [
        f"a.yaml:{line}:{col}: $.answers.customer.first: "
        f"customer.first: {value} is not on the scale {SCALE}"
    ]


def test_value_off_the_scale_in_the_evidence_form_is_located_at_the_value(mini: Library) -> None:
    text = answers_yaml(mini, customer__first='{value: 9, evidence: "map v2"}')
    line, col = locate(text, "9, evidence")
    found = rejected(text, mini)
    assert len(found) == 1
    assert found[0].startswith(f"a.yaml:{line}:{col}: ")
    assert found[0].endswith(f"customer.first: 9 is not on the scale {SCALE}")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"3"', "'3' is not of type 'number'"),
        ("true", "True is not of type 'number'"),
        ("NA", "'NA' is not of type 'number'"),
    ],
    ids=["quoted-number", "boolean", "upper-case-na"],
)
def test_a_value_that_is_not_a_number_na_or_unknown_is_rejected(
    mini: Library, value: str, message: str
) -> None:
    text = answers_yaml(mini, customer__first=value)
    line, col = value_of(text, "customer.first")
    assert rejected(text, mini) == [f"a.yaml:{line}:{col}: $.answers.customer.first: {message}"]


def test_an_unknown_question_id_is_rejected_with_a_suggestion(mini: Library) -> None:
    path = ANSWERS / "mini-unknown-question.yaml"
    line, col = value_of(path.read_text(encoding="utf-8"), "procces.second")
    assert rejected_file(path, mini) == [
        f"{path}:{line}:{col}: $.answers.procces.second: "
        "unknown question 'procces.second' (did you mean 'process.second'?)"
    ]


def test_a_missing_required_answer_is_rejected_with_the_question_named(mini: Library) -> None:
    text = answers_yaml(mini, drop=("leadership.first",))
    line, col = locate(text, "answers:")
    assert rejected(text, mini) == [
        f"a.yaml:{line}:{col}: $.answers: missing answer to leadership.first"
    ]


def test_na_where_the_question_does_not_allow_it_is_rejected(mini: Library) -> None:
    text = answers_yaml(mini, customer__first="na")
    line, col = value_of(text, "customer.first")
    assert rejected(text, mini) == [
        f"a.yaml:{line}:{col}: $.answers.customer.first: "
        "customer.first: N/A is not allowed for this question"
    ]


def test_na_where_the_question_allows_it_is_kept_without_a_value(mini: Library) -> None:
    answers = accepted(answers_yaml(mini, customer__second="na"), mini)
    assert answers.respondents[0].answers["customer.second"] == Response(None, NA)


def test_unknown_is_accepted_and_counted_but_not_scored(mini: Library) -> None:
    answers = accepted(answers_yaml(mini, customer__first="unknown", customer__second="5"), mini)
    assert answers.respondents[0].answers["customer.first"] == Response(None, UNKNOWN)
    customer = assess(answers, mini).dimensions["customer"]
    assert (customer.answered, customer.unknown, customer.na) == (1, 1, 0)
    assert customer.index == 100.0


def test_the_value_evidence_note_form_keeps_all_three(mini: Library) -> None:
    text = answers_yaml(
        mini, customer__first='{value: 4, evidence: "process map v2", note: "seen on site"}'
    )
    answer = accepted(text, mini).respondents[0].answers["customer.first"]
    assert answer == Response(4.0, "value", "process map v2", "seen on site")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{value: unknown, evidence: "asked around"}', Response(None, UNKNOWN, "asked around")),
        (
            '{value: 2, note: "only the west plant"}',
            Response(2.0, "value", "", "only the west plant"),
        ),
    ],
    ids=["unknown-with-evidence", "note-only"],
)
def test_the_object_form_accepts_any_answer(mini: Library, value: str, expected: Response) -> None:
    answer = accepted(answers_yaml(mini, customer__first=value), mini)
    assert answer.respondents[0].answers["customer.first"] == expected


def test_every_problem_of_a_document_is_reported_together(mini: Library) -> None:
    text = answers_yaml(
        mini,
        drop=("process.first",),
        customer__first="na",
        leadership__second="8",
        learnig__first="3",
    )
    messages = [s.split(": ", 2)[2] for s in rejected(text, mini)]
    assert sorted(messages) == sorted(
        [
            "customer.first: N/A is not allowed for this question",
            f"leadership.second: 8 is not on the scale {SCALE}",
            "unknown question 'learnig.first' (did you mean 'learning.first'?)",
            "missing answer to process.first",
        ]
    )


# --- the document ----------------------------------------------------------------------------


def test_a_good_yaml_file_gives_every_answer(mini: Library) -> None:
    answers = load_answers(ANSWERS / "mini-good.yaml", mini)
    assert answers.questionnaire.id == "mini"
    assert answers.organisation == "Good Co"
    (alice,) = answers.respondents
    assert (alice.id, alice.role) == ("alice", "leader")
    assert alice.answers["customer.first"] == Response(
        4.0, "value", "complaint register 2026", "reviewed monthly"
    )
    assert alice.answers["customer.second"].status == NA
    assert alice.answers["leadership.second"].status == UNKNOWN
    assert alice.answers["leadership.first"] == Response(3.0)
    assert set(alice.answers) == mini.questionnaires["mini"].question_ids


def test_a_value_off_the_scale_in_a_file_is_located_in_that_file(mini: Library) -> None:
    path = ANSWERS / "mini-value-off-scale.yaml"
    line, col = value_of(path.read_text(encoding="utf-8"), "leadership.second")
    assert rejected_file(path, mini) == [
        f"{path}:{line}:{col}: $.answers.leadership.second: "
        f"leadership.second: 6 is not on the scale {SCALE}"
    ]


def test_the_right_questionnaire_version_is_accepted(mini: Library) -> None:
    answers = accepted(answers_yaml(mini, head="questionnaire: mini@1"), mini)
    assert answers.questionnaire.version == 1


def test_a_wrong_questionnaire_version_is_rejected(mini: Library) -> None:
    text = answers_yaml(mini, head="questionnaire: mini@2")
    assert rejected(text, mini) == [
        "a.yaml:1:16: $.questionnaire: mini has no version 2 (versions: 1)"
    ]


def test_an_unknown_questionnaire_is_rejected_with_a_suggestion(mini: Library) -> None:
    text = answers_yaml(mini, head="questionnaire: mino")
    assert rejected(text, mini) == [
        "a.yaml:1:16: $.questionnaire: unknown questionnaire 'mino' (did you mean 'mini'?)"
    ]


def test_both_answers_and_responses_is_rejected(mini: Library) -> None:
    text = answers_yaml(mini) + "responses:\n  - answers: {customer.first: 3}\n"
    assert rejected(text, mini) == [
        "a.yaml:1:1: $: give either 'answers' (one respondent) or 'responses' (several)"
    ]


def test_neither_answers_nor_responses_is_rejected(mini: Library) -> None:
    assert rejected("questionnaire: mini\norganisation: Test Co\n", mini) == [
        "a.yaml:1:1: $: give either 'answers' (one respondent) or 'responses' (several)"
    ]


@pytest.mark.parametrize("text", ["- 3\n- 4\n", "just words\n", ""], ids=["list", "text", "empty"])
def test_a_document_that_is_not_a_mapping_is_rejected(mini: Library, text: str) -> None:
    assert rejected(text, mini) == ["a.yaml:1:1: $: an answers document must be a mapping"]


def test_several_respondents_keep_their_ids_and_roles(mini: Library) -> None:
    answers = load_answers(ANSWERS / "mini-respondents.yaml", mini)
    assert [(r.id, r.role) for r in answers.respondents] == [
        ("lead", "leader"),
        ("r2", "staff"),
        ("aud", "auditor"),
    ]
    assert answers.respondents[0].answers["customer.first"].value == 5.0
    assert answers.respondents[2].answers["customer.second"].status == NA


def test_several_respondents_are_scored_by_role(mini: Library) -> None:
    result = assess(load_answers(ANSWERS / "mini-respondents.yaml", mini), mini)
    assert result.respondents.count == 3
    assert result.respondents.by_role == {"leader": 1, "staff": 1, "auditor": 1}


def test_an_invalid_role_is_rejected_at_the_role(mini: Library) -> None:
    text = (
        "questionnaire: mini\nresponses:\n"
        "  - respondent: {id: r1, role: staff}\n    answers: {}\n"
        "  - respondent: {id: r2, role: boss}\n    answers: {}\n"
    )
    assert rejected(text, mini) == [
        f"a.yaml:5:32: $.responses[1].respondent.role: unknown role 'boss'; {ROLES}"
    ]


def test_one_bad_respondent_rejects_the_whole_document(mini: Library) -> None:
    text = (ANSWERS / "mini-respondents.yaml").read_text(encoding="utf-8")
    text = text.replace("leadership.first: 2,", "leadership.first: 7,")
    line, col = locate(text, "leadership.first: 7", offset=len("leadership.first: "))
    assert rejected(text, mini) == [
        f"a.yaml:{line}:{col}: $.responses[1].answers.leadership.first: "
        f"leadership.first: 7 is not on the scale {SCALE}"
    ]


def test_parse_answers_accepts_a_parsed_document(mini: Library) -> None:
    data = {
        "questionnaire": "mini",
        "answers": {q.id: 3 for q in mini.questionnaires["mini"].questions},
    }
    answers = parse_answers(Document("api", data), mini)
    assert answers.organisation == ""
    assert [r.id for r in answers.respondents] == ["r1"]


# --- JSON ------------------------------------------------------------------------------------


def test_a_good_json_file_gives_every_answer(mini: Library) -> None:
    answers = load_answers(ANSWERS / "mini-good.json", mini)
    assert answers.organisation == "Json Co"
    (bob,) = answers.respondents
    assert (bob.id, bob.role) == ("bob", "staff")
    assert bob.answers["customer.first"] == Response(2.0, "value", "survey")


def test_a_bad_value_in_a_json_file_is_located_at_its_line_and_column(mini: Library) -> None:
    path = ANSWERS / "mini-value-off-scale.json"
    line, col = locate(
        path.read_text(encoding="utf-8"),
        '"leadership.second": 6',
        offset=len('"leadership.second": '),
    )
    assert rejected_file(path, mini) == [
        f"{path}:{line}:{col}: $.answers.leadership.second: "
        f"leadership.second: 6 is not on the scale {SCALE}"
    ]


# --- CSV -------------------------------------------------------------------------------------

HEADER = (
    "questionnaire,organisation,respondent,role,customer.first,customer.second,leadership.first,"
    "leadership.second,process.first,process.second,learning.first,learning.second,"
    "structure.first,structure.second,performance.first,performance.second"
)


def csv_row(
    respondent: str,
    role: str = "staff",
    organisation: str = "Csv Co",
    *,
    first: str = "3",
    questionnaire: str = "mini",
) -> str:
    return f"{questionnaire},{organisation},{respondent},{role},{first}" + ",3" * 11


def write(tmp_path: Path, *lines: str, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_csv_gives_one_respondent_per_row(mini: Library) -> None:
    answers = load_answers(ANSWERS / "mini-respondents.csv", mini)
    assert answers.questionnaire.id == "mini"
    assert answers.organisation == "Csv Co"
    assert [(r.id, r.role) for r in answers.respondents] == [
        ("r1", "leader"),
        ("r2", "staff"),
        ("r3", "staff"),
    ]
    first, second, _ = answers.respondents
    assert first.answers["customer.first"] == Response(
        4.0, "value", "complaint register", "seen on site"
    )
    assert first.answers["customer.second"].status == NA
    assert second.answers["leadership.first"].status == UNKNOWN
    assert second.answers["customer.first"] == Response(2.0)


def test_a_csv_without_respondent_columns_numbers_the_respondents(
    mini: Library, tmp_path: Path
) -> None:
    qids = [q.id for q in mini.questionnaires["mini"].questions]
    path = write(
        tmp_path, "questionnaire," + ",".join(qids), "mini" + ",3" * 12, "mini" + ",4" * 12
    )
    answers = load_answers(path, mini)
    assert [(r.id, r.role) for r in answers.respondents] == [("r1", None), ("r2", None)]
    assert answers.organisation == ""


def test_a_bad_cell_is_reported_at_the_csvs_own_line_and_column(mini: Library) -> None:
    path = ANSWERS / "mini-bad-cell.csv"
    assert rejected_file(path, mini) == [
        f"{path}:3:6: $.responses[1].answers.customer.second: "
        f"customer.second: 9 is not on the scale {SCALE}"
    ]


def test_a_cell_that_is_not_a_number_is_reported_at_its_cell(mini: Library, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, csv_row("r1"), csv_row("r2", first="lots"))
    assert rejected_file(path, mini) == [
        f"{path}:3:5: $.responses[1].answers.customer.first: 'lots' is not of type 'number'"
    ]


def test_a_misspelt_question_column_is_reported_with_a_suggestion(
    mini: Library, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER.replace(",process.second,", ",proces.second,"), csv_row("r1"))
    assert rejected_file(path, mini) == [
        f"{path}:2:1: $.responses[0].answers: missing answer to process.second",
        f"{path}:2:10: $.responses[0].answers.proces.second: "
        "unknown question 'proces.second' (did you mean 'process.second'?)",
    ]


def test_an_empty_cell_is_a_missing_answer(mini: Library, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, csv_row("r1", first=""))
    assert rejected_file(path, mini) == [
        f"{path}:2:1: $.responses[0].answers: missing answer to customer.first"
    ]


def test_an_invalid_role_in_a_csv_is_reported_at_its_cell(mini: Library) -> None:
    path = ANSWERS / "mini-bad-role.csv"
    assert rejected_file(path, mini) == [
        f"{path}:3:4: $.responses[1].respondent.role: unknown role 'boss'; {ROLES}"
    ]


def test_a_wrong_questionnaire_version_in_a_csv_is_reported_at_its_cell(
    mini: Library, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER, csv_row("r1", questionnaire="mini@2"))
    assert rejected_file(path, mini) == [
        f"{path}:2:1: $.questionnaire: mini has no version 2 (versions: 1)"
    ]


def test_rows_naming_another_questionnaire_are_rejected(mini: Library, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, csv_row("r1"), csv_row("r2", questionnaire="mino"))
    found = rejected_file(path, mini)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:3:1: ")


def test_several_organisations_in_one_csv_are_rejected(mini: Library, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, csv_row("r1"), csv_row("r2", organisation="Other Co"))
    assert rejected_file(path, mini) == [
        f"{path}:3:2: $.rows[1].organisation: "
        "several organisations in one file; use 'tqm batch' to score each of them: 'Other Co' differs from 'Csv Co'"
    ]


def test_another_organisation_is_reported_at_the_first_row_naming_it(mini: Library) -> None:
    path = ANSWERS / "mini-two-organisations.csv"
    assert rejected_file(path, mini) == [
        f"{path}:4:2: $.rows[2].organisation: "
        "several organisations in one file; use 'tqm batch' to score each of them: 'Other Co' differs from 'Csv Co'"
    ]


def test_a_csv_without_a_questionnaire_column_is_rejected(mini: Library, tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER.removeprefix("questionnaire,"), csv_row("r1").removeprefix("mini,")
    )
    assert rejected_file(path, mini) == [f"{path}:1:1: $: CSV needs a 'questionnaire' column"]


def test_a_csv_with_only_a_header_is_rejected(mini: Library, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER)
    assert rejected_file(path, mini) == [f"{path}:2:1: $: CSV has a header but no respondents"]


# --- problem codes ---------------------------------------------------------------------------


def codes_of(text: str, mini: Library) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        parse_answers_text(text, mini, "a.yaml")
    return [p.code for p in caught.value.problems]


@pytest.mark.parametrize(
    ("head", "given", "drop", "code"),
    [
        pytest.param("", {"customer__first": "9"}, (), "answers.off_scale", id="off-scale"),
        pytest.param("", {"customer__first": "na"}, (), "answers.na_not_allowed", id="na"),
        pytest.param("", {"procces__second": "3"}, (), "unknown.question", id="question"),
        pytest.param("", {}, ("leadership.first",), "answers.missing", id="missing"),
        pytest.param("questionnaire: mino", {}, (), "unknown.questionnaire", id="questionnaire"),
        pytest.param("questionnaire: mini@2", {}, (), "answers.version", id="version"),
    ],
)
def test_each_kind_of_wrong_answer_has_its_own_code(
    mini: Library, head: str, given: dict[str, str], drop: tuple[str, ...], code: str
) -> None:
    assert codes_of(answers_yaml(mini, head=head, drop=drop, **given), mini) == [code]


def test_a_value_the_schema_lets_through_but_that_is_no_answer_has_its_code(mini: Library) -> None:
    question = mini.questionnaires["mini"].question("customer.first")  # e.g. from a web form
    assert checked_response("lots", question)[1] == (
        "answers.not_a_number",
        "'lots' is not a number, 'na' or 'unknown'",
    )


def test_a_document_of_the_wrong_shape_has_its_code(mini: Library) -> None:
    assert codes_of("- 3\n", mini) == ["schema.type"]
    assert codes_of("questionnaire: mini\n", mini) == ["answers.shape"]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        pytest.param((HEADER,), "csv.no_rows", id="no-rows"),
        pytest.param(
            (HEADER.removeprefix("questionnaire,"),), "csv.missing_column", id="no-questionnaire"
        ),
        pytest.param(
            (HEADER, csv_row("r1"), csv_row("r2", organisation="Other Co")),
            "csv.mixed_values",
            id="two-organisations",
        ),
    ],
)
def test_each_kind_of_wrong_answers_csv_has_its_own_code(
    mini: Library, tmp_path: Path, lines: tuple[str, ...], code: str
) -> None:
    with pytest.raises(ProblemsFound) as caught:
        load_answers(write(tmp_path, *lines), mini)
    assert [p.code for p in caught.value.problems] == [code]


# --- organisation size -------------------------------------------------------------------------


def test_organisation_size_is_an_optional_headcount(mini: Library) -> None:
    assert accepted(answers_yaml(mini), mini).organisation_size is None
    head = "questionnaire: mini\norganisation_size: 120"
    assert accepted(answers_yaml(mini, head), mini).organisation_size == 120


@pytest.mark.parametrize("size", ["0", "-5", "12.5", "many"])
def test_an_organisation_size_that_is_not_a_headcount_is_rejected_at_it(
    mini: Library, size: str
) -> None:
    text = answers_yaml(mini, f"questionnaire: mini\norganisation_size: {size}")
    (problem,) = rejected(text, mini)
    assert problem.startswith("a.yaml:2:20: $.organisation_size: ")


def test_a_csv_gives_the_organisation_size_from_its_column(mini: Library, tmp_path: Path) -> None:
    header = HEADER.replace("organisation,", "organisation,organisation_size,")
    rows = [csv_row(r).replace("Csv Co,", "Csv Co,45,") for r in ("r1", "r2")]
    assert load_answers(write(tmp_path, header, *rows), mini).organisation_size == 45
    rows[1] = rows[1].replace(",45,", ",46,")
    (problem,) = rejected_file(write(tmp_path, header, *rows), mini)
    assert "several sizes in one file" in problem
    rows[1] = rows[1].replace(",46,", ",lots,")
    rows[0] = rows[0].replace(",45,", ",lots,")
    (problem,) = rejected_file(write(tmp_path, header, *rows), mini)
    assert f"{tmp_path / 'answers.csv'}:2:3: $.organisation_size: 'lots'" in problem
