"""Questions asked of some roles only (`roles:`): who is asked what, the answers check, the CSV
importer, `tqm template --role`, and role comparisons on the items both roles were asked.

The content is tests/data/roles: `customer.complaints` is asked of staff and customers (N/A allowed,
with its reason), `leadership.board_review` of leaders and managers (critical), the rest of leaders,
managers and staff; `customer.listening` of every role.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import DATA

from assessment.content.library import Library, load_library
from assessment.engine.answers import AnswerSet, load_answers, parse_answers, parse_answers_text
from assessment.engine.migration import KeptNote, for_role, migrate_responses
from assessment.engine.scoring import score_profile, unanswered_share
from assessment.io.source import Document
from assessment.problems import ProblemsFound

CONTENT = DATA / "roles"
Cli = Callable[..., Result]

LEADER_ITEMS = [
    "customer.listening",
    "leadership.board_review",
    "leadership.visible",
    "process.defects",
    "learning.training",
    "structure.teams",
    "performance.goals",
]
STAFF_ITEMS = [
    "customer.listening",
    "customer.complaints",
    "leadership.visible",
    "process.defects",
    "learning.training",
    "structure.teams",
    "performance.goals",
]


@pytest.fixture(scope="module")
def roles() -> Library:
    return load_library(CONTENT)


def respondent(role: str | None, value: Any = 3, **answers: Any) -> dict[str, Any]:
    """A respondent answering `value` to every question their role is asked, then `answers`."""
    items = {"leader": LEADER_ITEMS, "staff": STAFF_ITEMS, "customer": STAFF_ITEMS[:2]}
    asked = items[role] if role else sorted({*LEADER_ITEMS, *STAFF_ITEMS})
    given = {qid: value for qid in asked} | {k.replace("__", "."): v for k, v in answers.items()}
    info = {"id": f"{role}-{len(given)}", "role": role} if role else {"id": "anyone"}
    return {"respondent": info, "answers": given}


def answer_set(library: Library, *entries: dict[str, Any]) -> AnswerSet:
    doc = {"questionnaire": "roles", "organisation": "Role Co", "responses": list(entries)}
    return parse_answers(Document("test", doc), library)


def problems_of(library: Library, text: str) -> list[tuple[str, str]]:
    with pytest.raises(ProblemsFound) as caught:
        parse_answers_text(text, library, "a.yaml")
    return [(str(p), p.code) for p in caught.value.problems]


# --- who is asked what ---------------------------------------------------------------------


def test_questions_for_a_role_are_the_questions_naming_it_in_questionnaire_order(
    roles: Library,
) -> None:
    questionnaire = roles.questionnaires["roles"]
    assert [q.id for q in questionnaire.questions_for("leader")] == LEADER_ITEMS
    assert [q.id for q in questionnaire.questions_for("staff")] == STAFF_ITEMS
    assert [q.id for q in questionnaire.questions_for("customer")] == STAFF_ITEMS[:2]
    assert [q.id for q in questionnaire.questions_for("auditor")] == ["customer.listening"]
    assert questionnaire.questions_for(None) == questionnaire.questions


def test_a_question_without_roles_is_asked_of_every_role(mini: Library) -> None:
    questionnaire = mini.questionnaires["mini"]
    for role in ("leader", "manager", "staff", "customer", "auditor"):
        assert questionnaire.questions_for(role) == questionnaire.questions


# --- the answers check ---------------------------------------------------------------------

STAFF_ON_BOARD = """questionnaire: roles
respondent: {id: s1, role: staff}
answers:
  customer.listening: 3
  customer.complaints: na
  leadership.board_review: 4
  leadership.visible: 3
  process.defects: 3
  learning.training: 3
  structure.teams: 3
  performance.goals: 3
"""


def test_an_answer_to_a_question_outside_the_role_is_refused_where_it_stands(
    roles: Library,
) -> None:
    assert problems_of(roles, STAFF_ON_BOARD) == [
        (
            "a.yaml:6:28: $.answers.leadership.board_review: leadership.board_review: a respondent "
            "in the role 'staff' is not asked this question (it is asked of leader, manager); "
            "leave it out",
            "answers.not_asked",
        )
    ]


def test_a_question_outside_the_role_left_out_or_unknown_is_not_missing(roles: Library) -> None:
    left_out = STAFF_ON_BOARD.replace("  leadership.board_review: 4\n", "")
    unknown = STAFF_ON_BOARD.replace("board_review: 4", "board_review: unknown")
    for text in (left_out, unknown):
        answers = parse_answers_text(text, roles)
        assert sorted(answers.respondents[0].answers) == sorted(STAFF_ITEMS)


def test_a_question_of_the_role_left_out_is_missing(roles: Library) -> None:
    text = STAFF_ON_BOARD.replace("  leadership.board_review: 4\n", "").replace(
        "  customer.complaints: na\n", ""
    )
    assert problems_of(roles, text) == [
        ("a.yaml:3:1: $.answers: missing answer to customer.complaints", "answers.missing")
    ]


def test_a_respondent_without_a_role_is_asked_every_question(roles: Library) -> None:
    answers = answer_set(roles, respondent(None))
    assert set(answers.respondents[0].answers) == set(LEADER_ITEMS) | set(STAFF_ITEMS)
    text = STAFF_ON_BOARD.replace("respondent: {id: s1, role: staff}\n", "").replace(
        "  customer.complaints: na\n", ""
    )
    assert [code for _, code in problems_of(roles, text)] == ["answers.missing"]


def test_na_with_evidence_on_a_question_outside_the_role_is_still_refused(roles: Library) -> None:
    text = STAFF_ON_BOARD.replace("board_review: 4", "board_review: {value: unknown, note: seen}")
    assert [code for _, code in problems_of(roles, text)] == ["answers.not_asked"]


# --- CSV ----------------------------------------------------------------------------------

HEADER = "questionnaire,respondent,role," + ",".join(sorted({*LEADER_ITEMS, *STAFF_ITEMS}))
# columns: customer.complaints, customer.listening, leadership.board_review, leadership.visible,
# learning.training, performance.goals, process.defects, structure.teams


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_csv_row_leaves_the_questions_outside_its_role_blank(
    roles: Library, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "roles,l1,leader,,4,5,4,4,4,4,4", "roles,s1,staff,na,2,,2,2,2,2,2")
    leader, staff = load_answers(path, roles).respondents
    assert sorted(leader.answers) == sorted(LEADER_ITEMS)
    assert sorted(staff.answers) == sorted(STAFF_ITEMS)


def test_a_csv_value_outside_the_role_is_refused_at_its_row_and_column(
    roles: Library, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "roles,l1,leader,,4,5,4,4,4,4,4", "roles,s1,staff,na,2,3,2,2,2,2,2")
    with pytest.raises(ProblemsFound) as caught:
        load_answers(path, roles)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col, problem.code) == (3, 6, "answers.not_asked")
    assert problem.pointer == "$.responses[1].answers.leadership.board_review"


# --- tqm template ---------------------------------------------------------------------------


def test_a_role_template_lists_only_that_roles_questions_and_parses_filled_in(
    cli: Cli, roles: Library
) -> None:
    for role, items in (("leader", LEADER_ITEMS), ("staff", STAFF_ITEMS)):
        result = cli("template", "roles", "--role", role, "--value", "3", "--content", CONTENT)
        assert result.exit_code == 0, result.output
        answered = [line.strip() for line in result.stdout.splitlines() if line.endswith(": 3")]
        # comments (the optional organisation_size example among them) are not answers
        listed = [line.split(":")[0] for line in answered if not line.startswith("#")]
        assert listed == items
        answers = parse_answers_text(result.stdout, roles)
        assert answers.respondents[0].role == role


def test_the_full_template_names_the_roles_asked_and_the_reason_for_na(cli: Cli) -> None:
    result = cli("template", "roles", "--content", CONTENT)
    # the roles by the names the report gives them (framework ROLE_NAMES)
    assert (
        "  #   asked of: Senior leader, Manager\n  leadership.board_review: unknown"
        in result.stdout
    )
    assert (
        "  #   asked of: Staff member, Customer\n"
        "  #   N/A allowed: Not applicable where no complaint was made in the period\n"
    ) in result.stdout
    zh = cli("template", "roles", "--content", CONTENT, "--lang", "zh").stdout
    assert "  #   作答角色：高层领导、中层管理者\n" in zh
    assert "  #   可填不适用：本期未收到投诉时不适用\n" in zh


def test_no_template_tells_the_respondent_which_items_are_critical(cli: Cli) -> None:
    for lang in ("en", "zh"):
        text = cli("template", "roles", "--content", CONTENT, "--lang", lang).stdout
        assert "critical" not in text.lower() and "关键" not in text


# --- scoring and comparisons ------------------------------------------------------------------


def test_items_not_asked_of_a_role_are_absent_not_unanswered(roles: Library) -> None:
    answers = answer_set(roles, respondent("staff"), respondent("customer"))
    staff, customer = answers.respondents
    assert unanswered_share(answers.questionnaire, staff) == 0.0
    assert unanswered_share(answers.questionnaire, customer) == 0.0
    leadership = score_profile(answers).dimensions["leadership"]
    assert (leadership.answered, leadership.na, leadership.unknown) == (1, 0, 0)


def test_roles_are_compared_only_on_the_items_both_were_asked(roles: Library) -> None:
    # Leaders rate the board review (asked of them only) 5 and everything else 3, as staff do.
    leader = respondent("leader", 3, leadership__board_review=5)
    answers = answer_set(roles, leader, respondent("leader", 3, leadership__board_review=5),
                         respondent("staff"), respondent("staff"))  # fmt: skip
    leadership = score_profile(answers).dimensions["leadership"]
    assert leadership.by_role == {"leader": 50.0, "staff": 50.0}
    assert leadership.perception is not None and leadership.perception.gap == 0.0
    assert leadership.index == 75.0  # the organisation's index keeps the board review


def test_a_role_asked_none_of_a_dimensions_items_has_no_figure_there(roles: Library) -> None:
    answers = answer_set(roles, respondent("leader", 5), respondent("customer", 1))
    dims = score_profile(answers).dimensions
    assert dims["leadership"].by_role == {"leader": 100.0, "customer": None}
    # customer.complaints is asked of customers, not leaders: the customer dimension compares the
    # two on customer.listening alone
    assert dims["customer"].by_role == {"leader": 100.0, "customer": 0.0}


# --- migration ----------------------------------------------------------------------------------


def test_a_migrated_answer_to_a_question_outside_the_role_is_kept_as_a_note(
    roles: Library,
) -> None:
    questionnaire = roles.questionnaires["roles"]
    given = answer_set(roles, respondent(None)).respondents[0].answers
    carried = for_role(migrate_responses(given, [], {}), questionnaire, "staff", 0)
    assert sorted(carried.responses) == sorted(STAFF_ITEMS)
    assert carried.notes == (
        KeptNote(
            "leadership.board_review",
            0,
            "version 1 does not ask the role 'staff' leadership.board_review",
            given["leadership.board_review"],
        ),
    )


def test_the_reports_method_says_how_roles_are_compared(roles: Library) -> None:
    from assessment.engine.pipeline import assess
    from assessment.render.report.html import render_html

    result = assess(answer_set(roles, respondent("leader"), respondent("staff")), roles)
    assert "only on the questions both were asked" in render_html(result, "en")
    assert "只基于双方都被问到的问题" in render_html(result, "zh")


def test_a_pack_test_case_fills_each_respondent_with_their_roles_questions(roles: Library) -> None:
    from assessment.packtest import case_answers

    case = {"name": "Role Co", "questionnaire": "roles", "respondents": [{"role": "staff", "fill": 2},
                                                      {"role": "leader", "fill": 5}]}  # fmt: skip
    staff, leader = answer_set(roles, *case_answers(case, roles)["responses"]).respondents
    assert sorted(staff.answers) == sorted(STAFF_ITEMS)
    assert sorted(leader.answers) == sorted(LEADER_ITEMS)
