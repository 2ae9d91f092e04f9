"""assessment.checks: `tqm validate` finds every problem in any mix of folders and files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.checks import validate_paths

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CONTENT = DATA / "content"
ANSWERS = DATA / "answers"


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A private copy of the tiny test content, to break."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def shown(paths: list[Path], content: Path | None = None) -> list[str]:
    return [str(p) for p in validate_paths(paths, content)]


def test_no_paths_checks_the_bundled_content() -> None:
    assert validate_paths([]) == []


def test_no_paths_checks_the_given_content_root() -> None:
    assert validate_paths([], CONTENT) == []


@pytest.mark.parametrize(
    "path",
    [
        CONTENT,
        CONTENT / "questionnaires" / "mini.yaml",
        CONTENT / "rules" / "mini",
        CONTENT / "rules" / "mini" / "actions.yaml",
        CONTENT / "rules" / "mini" / "baselines.yaml",
        ANSWERS / "mini-good.yaml",
        ANSWERS / "mini-good.json",
        ANSWERS / "mini-respondents.yaml",
        ANSWERS / "mini-respondents.csv",
    ],
    ids=[
        "content-root",
        "questionnaire",
        "pack-folder",
        "actions",
        "baselines",
        "answers",
        "json-answers",
        "several-respondents",
        "csv-answers",
    ],
)
def test_good_paths_have_no_problems(path: Path) -> None:
    assert validate_paths([path], CONTENT) == []


def test_the_bundled_pack_folder_and_its_tests_have_no_problems() -> None:
    assert validate_paths([ROOT / "rules" / "tqm"]) == []


def test_a_broken_questionnaire_file_is_reported(content: Path) -> None:
    path = edit(
        content / "questionnaires" / "mini.yaml", "id: leadership.second", "id: leadership.first"
    )
    found = validate_paths([path], CONTENT)
    assert [(p.file, p.pointer, p.message) for p in found] == [
        (
            str(path),
            "$.dimensions[1].questions[1].id",
            "question id 'leadership.first' appears twice",
        )
    ]
    assert found[0].line is not None


def test_a_broken_answers_file_is_reported_against_the_given_content() -> None:
    path = ANSWERS / "mini-value-off-scale.yaml"
    (found,) = validate_paths([path], CONTENT)
    assert found.file == str(path)
    assert found.pointer == "$.answers.leadership.second"
    assert found.message == "leadership.second: 6 is not on the scale (1, 2, 3, 4, 5)"


def test_a_broken_csv_answers_file_is_reported() -> None:
    path = ANSWERS / "mini-bad-cell.csv"
    assert shown([path], CONTENT) == [
        f"{path}:3:6: $.responses[1].answers.customer.second: "
        "customer.second: 9 is not on the scale (1, 2, 3, 4, 5)"
    ]


def test_answers_for_a_questionnaire_the_content_lacks_are_reported() -> None:
    path = ANSWERS / "mini-good.yaml"
    assert shown([path]) == [
        f"{path}:2:16: $.questionnaire: unknown questionnaire 'mini' (did you mean 'tqm-quick'?)"
    ] or shown([path]) == [f"{path}:2:16: $.questionnaire: unknown questionnaire 'mini'"]


def test_a_broken_pack_folder_is_reported(content: Path) -> None:
    actions = edit(
        content / "rules" / "mini" / "actions.yaml",
        "lifts: {from: 1, to: 3}",
        "lifts: {from: 3, to: 3}",
    )
    found = validate_paths([content / "rules" / "mini"], content)
    assert [(p.file, p.pointer, p.message) for p in found] == [
        (str(actions), "$.actions[0].lifts", "lifts.from must be below lifts.to")
    ]


def test_a_broken_content_root_is_reported(content: Path) -> None:
    pack = edit(
        content / "rules" / "mini" / "pack.yaml",
        "actions: [leadership.council]",
        "actions: [leadership.councl]",
    )
    found = validate_paths([content])
    assert [(p.file, p.message) for p in found] == [
        (str(pack), "unknown action 'leadership.councl' (did you mean 'leadership.council'?)")
    ]


def test_a_broken_pack_tests_file_is_reported(content: Path) -> None:
    tests = content / "rules" / "mini" / "tests.yaml"
    tests.write_text("cases:\n  - name: x\n    questionnaire: mini\n", encoding="utf-8")
    found = validate_paths([content])
    assert found, "a tests.yaml case without expectations passed"
    assert all(p.file == str(tests) for p in found)


def test_a_lone_action_catalogue_is_cross_checked(content: Path) -> None:
    actions = edit(
        content / "rules" / "mini" / "actions.yaml",
        "lifts: {from: 1, to: 3}",
        "lifts: {from: 3, to: 3}",
    )
    found = validate_paths([actions], CONTENT)
    assert [(p.file, p.pointer, p.message) for p in found] == [
        (str(actions), "$.actions[0].lifts", "lifts.from must be below lifts.to")
    ]


def test_a_lone_pack_file_is_checked_against_the_given_content(content: Path) -> None:
    pack = edit(
        content / "rules" / "mini" / "pack.yaml",
        "actions: [leadership.council]",
        "actions: [leadership.councl]",
    )
    found = validate_paths([pack], CONTENT)
    assert [(p.file, p.message) for p in found] == [
        (str(pack), "unknown action 'leadership.councl' (did you mean 'leadership.council'?)")
    ]


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert shown([path]) == [f"{path}: $: no such file or folder"]


@pytest.mark.parametrize(
    ("name", "text"),
    [("notes.yaml", "colour: blue\n"), ("notes.txt", "hello\n"), ("list.yaml", "- 1\n")],
    ids=["unknown-keys", "plain-text", "list"],
)
def test_a_file_of_unknown_kind_is_reported(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert shown([path], CONTENT) == [
        f"{path}:1:1: $: unknown kind of file: "
        "expected a questionnaire, an answers file or rule-pack content"
    ]


def test_a_folder_that_is_not_content_is_reported(tmp_path: Path) -> None:
    assert shown([tmp_path]) == [
        f"{tmp_path}: $: not a content folder (no frameworks/, questionnaires/, rules/ or pack.yaml)"
    ]


def test_a_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("questionnaire: mini\nanswers: {a: 1\n", encoding="utf-8")
    (found,) = validate_paths([path], CONTENT)
    assert (found.file, found.pointer) == (str(path), "$")
    assert found.message.startswith("YAML syntax: ")


def test_the_problems_of_several_files_are_all_collected(content: Path, tmp_path: Path) -> None:
    questionnaire = edit(
        content / "questionnaires" / "mini.yaml", "id: leadership.second", "id: leadership.first"
    )
    missing = tmp_path / "missing.yaml"
    odd = tmp_path / "odd.yaml"
    odd.write_text("colour: blue\n", encoding="utf-8")
    answers = ANSWERS / "mini-value-off-scale.yaml"
    unknown_id = ANSWERS / "mini-unknown-question.yaml"
    found = validate_paths([questionnaire, missing, odd, answers, unknown_id], CONTENT)
    assert {p.file for p in found} == {
        str(questionnaire),
        str(missing),
        str(odd),
        str(answers),
        str(unknown_id),
    }
    assert found == sorted(found, key=lambda p: (p.file, p.line or 0, p.col or 0, p.message))


def test_answers_are_not_checked_against_broken_content(content: Path) -> None:
    questionnaire = edit(content / "questionnaires" / "mini.yaml", "version: 1", "version: 0")
    answers = ANSWERS / "mini-good.yaml"
    found = validate_paths([answers], content)
    assert str(questionnaire) in {p.file for p in found}
    assert str(answers) not in {p.file for p in found}


def test_what_validate_finds_about_paths_has_codes(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("colour: blue\n", encoding="utf-8")
    found = validate_paths([tmp_path / "absent.yaml", notes, tmp_path], CONTENT)
    assert {(Path(p.file).name, p.code) for p in found} == {
        ("absent.yaml", "file.missing"),
        ("notes.yaml", "file.kind"),
        (tmp_path.name, "file.kind"),
    }


# --- any mix of content folders: questionnaires/, rules/, one questionnaire's versions, a pack ---


def test_the_bundled_questionnaires_and_rules_folders_given_apart_have_no_problems() -> None:
    paths = [ROOT / "questionnaires", ROOT / "rules", ROOT / "questionnaires" / "tqm-audit"]
    assert validate_paths([*paths, ROOT / "rules" / "tqm-1" / "pack.yaml"]) == []


def test_a_questionnaires_folder_reports_the_broken_questionnaire_in_it(content: Path) -> None:
    path = edit(
        content / "questionnaires" / "mini.yaml", "id: leadership.second", "id: leadership.first"
    )
    found = validate_paths([content / "questionnaires"])
    assert [(p.file, p.code) for p in found] == [(str(path), "content.duplicate_id")]


def test_a_rules_folder_reports_the_broken_pack_in_it(content: Path) -> None:
    pack = edit(content / "rules" / "mini" / "pack.yaml", "value: 20", 'value: "twenty"')
    found = validate_paths([content / "rules"])
    assert {(p.file, p.code) for p in found} == {(str(pack), "schema.type")}


def test_a_pack_folder_is_checked_against_its_own_content_roots_questionnaires(
    content: Path,
) -> None:
    # the bundled content has no questionnaire 'mini': the pack's own root has
    assert validate_paths([content / "rules" / "mini", content / "questionnaires"]) == []


def test_a_questionnaire_no_pack_scores_is_reported_at_its_id() -> None:
    spare = DATA / "unscored" / "questionnaires" / "spare.yaml"
    assert [(str(p), p.code) for p in validate_paths([DATA / "unscored"])] == [
        (f"{spare}:2:5: $.id: no rule pack scores spare@1: name it in a pack's questionnaires",
         "content.unscored"),
    ]  # fmt: skip
