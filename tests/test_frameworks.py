"""A framework as content (frameworks/<id>.yaml): what a pack and its questionnaires must fit, each
misfit named at its place, and what the engine takes from the framework instead of from code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DATA

from assessment.checks import validate_paths
from assessment.content.library import load_library
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.io.source import Document
from assessment.problems import ProblemsFound


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A copy of the mini content (its framework file copied, not linked) to break."""
    root = tmp_path / "content"
    shutil.copytree(DATA / "content", root)  # follows the link to the bundled framework
    return root


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    return [
        f"{Path(p.file).name}:{p.line}: {p.pointer}: {p.message} [{p.code}]"
        for p in validate_paths([root])
    ]


def test_a_pack_naming_no_framework_file_is_refused_at_its_framework(content: Path) -> None:
    replace_in(content, "rules/mini/pack.yaml", "framework: tqm", "framework: tqn")
    (found,) = problems_of(content)
    assert found.startswith("pack.yaml:")
    assert "$.framework: unknown framework 'tqn' (did you mean 'tqm'?) [unknown.framework]" in found


def test_a_questionnaire_dimension_outside_the_framework_is_named_at_its_line(
    content: Path,
) -> None:
    path = "questionnaires/mini.yaml"
    replace_in(content, path, "  - id: customer\n", "  - id: clients\n")
    for old in ("id: customer.first", "id: customer.second"):
        replace_in(content, path, old, old.replace("customer.", "clients."))
    found = [p for p in problems_of(content) if "[unknown.dimension]" in p and "mini.yaml" in p]
    assert found == [
        "mini.yaml:14: $.dimensions[0].id: unknown dimension 'clients' (framework 'tqm') "
        "[unknown.dimension]"
    ]


def test_a_role_the_framework_does_not_declare_is_named_at_its_line(content: Path) -> None:
    replace_in(
        content,
        "questionnaires/mini.yaml",
        "        scale: five\n",
        "        scale: five\n        roles: [employee]\n",
    )
    found = [p for p in problems_of(content) if "[unknown.role]" in p]
    assert len(found) == 1 and found[0].startswith("mini.yaml:")
    assert "$.dimensions[0].questions[0].roles[0]: unknown role 'employee'" in found[0]


def test_a_baseline_without_an_index_for_a_dimension_is_refused(content: Path) -> None:
    replace_in(content, "rules/mini/baselines.yaml", "customer: 10, ", "")
    found = problems_of(content)
    assert any("$.baselines.traditional.indices: no index for customer" in p for p in found)


def test_a_missing_reference_profile_is_named(content: Path) -> None:
    replace_in(content, "rules/mini/baselines.yaml", "  traditional:", "  starting:")
    found = problems_of(content)
    assert any(
        "compares with a baseline 'traditional'" in p and "[content.baseline]" in p for p in found
    )


def test_a_level_above_the_frameworks_highest_is_refused(content: Path) -> None:
    replace_in(content, "rules/mini/pack.yaml", "value: 5}}", "value: 6}}")
    found = [p for p in problems_of(content) if "[unknown.level]" in p]
    assert found and "level 6 is above the highest level of framework 'tqm' (5)" in found[0]


def test_a_framework_file_is_checked_alone_and_its_folder_too(content: Path) -> None:
    framework = content / "frameworks" / "tqm.yaml"
    framework.write_text(
        framework.read_text(encoding="utf-8").replace("id: tqm", "id: tqm2"), encoding="utf-8"
    )
    for path in (framework, framework.parent):
        found = validate_paths([path])
        assert [(p.pointer, p.code) for p in found] == [("$.id", "content.id_mismatch")]


def test_level_names_and_roles_come_from_the_framework_file(content: Path) -> None:
    replace_in(
        content,
        "frameworks/tqm.yaml",
        'name: {en: "Developing", zh: "发展"}',
        'name: {en: "Steady", zh: "稳定"}',
    )
    library = load_library(content)
    answers = parse_answers(Document("a", {"questionnaire": "mini", "answers": {
        q.id: 3 for q in library.questionnaires["mini"].questions}}), library)  # fmt: skip
    result = assess(answers, library)
    document = result.to_document("en")
    assert document["overall"]["level_name"] == "Steady"
    assert {d["level_name"] for d in document["dimensions"].values()} == {"Steady"}
    assert result.to_document("zh")["overall"]["level_name"] == "稳定"


def test_a_role_outside_the_framework_is_refused_in_answers_with_the_roles_named(
    content: Path,
) -> None:
    library = load_library(content)
    data = {"questionnaire": "mini", "respondent": {"role": "board"}, "answers": {}}
    with pytest.raises(ProblemsFound) as caught:
        parse_answers(Document("a", data), library)
    (problem,) = caught.value.problems
    assert problem.code == "unknown.role" and "the roles are leader, manager" in problem.message


def test_dont_know_is_refused_where_the_framework_does_not_offer_it(content: Path) -> None:
    replace_in(
        content,
        "frameworks/tqm.yaml",
        "answering: {dont_know: true}",
        "answering: {dont_know: false}",
    )
    library = load_library(content)
    answers = {q.id: 3 for q in library.questionnaires["mini"].questions}
    first = next(iter(answers))
    answers[first] = "unknown"  # type: ignore[assignment]
    with pytest.raises(ProblemsFound) as caught:
        parse_answers(Document("a", {"questionnaire": "mini", "answers": answers}), library)
    assert [p.code for p in caught.value.problems] == ["answers.unknown_not_offered"]
