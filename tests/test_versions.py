"""Questionnaire versions in the content: the layout, (id, version) look-ups, packs per version,
and migration declarations checked with their place (tests/data/versions: mini in 3 versions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assessment.content.library import Library, load_library
from assessment.content.versions import migration_chain, parse_ref
from assessment.engine.answers import parse_answers_text
from assessment.problems import ProblemsFound

VERSIONS = Path(__file__).resolve().parent / "data" / "versions"
FOLDER = Path("questionnaires") / "mini"


@pytest.fixture(scope="module")
def versioned() -> Library:
    return load_library(VERSIONS)


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A writable copy of the three-version content."""
    root = tmp_path / "content"
    shutil.copytree(VERSIONS, root)
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        load_library(root)
    return [str(p) for p in caught.value.problems]


def edit(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace `old` by `new` once; the 1-based line and column where `new` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    start = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


# --- layout and look-ups ---------------------------------------------------------------------


def test_every_version_loads_and_the_id_alone_means_the_latest(versioned: Library) -> None:
    assert sorted(versioned.versions["mini"]) == [1, 2, 3]
    assert versioned.questionnaires["mini"].version == 3
    assert versioned.resolve("mini").version == 3
    assert versioned.resolve("mini@1").version == 1
    assert "customer.second" in versioned.resolve("mini@1").question_ids
    assert "customer.listening" in versioned.resolve("mini@3").question_ids


def test_an_unknown_version_names_the_versions_there_are(versioned: Library) -> None:
    with pytest.raises(ProblemsFound) as caught:
        versioned.resolve("mini@7")
    assert caught.value.problems[0].message == "mini has no version 7 (versions: 1, 2, 3)"


def test_the_bundled_questionnaires_live_in_version_folders(library: Library) -> None:
    assert library.resolve("tqm-audit@1").source.endswith("questionnaires/tqm-audit/1.yaml")
    assert library.resolve("tqm-quick@1").source.endswith("questionnaires/tqm-quick/1.yaml")
    assert library.resolve("tqm-quick").source.endswith("questionnaires/tqm-quick/2.yaml")


def test_a_reference_is_an_id_or_id_at_version() -> None:
    assert parse_ref("tqm-audit") == ("tqm-audit", None)
    assert parse_ref("tqm-audit@12") == ("tqm-audit", 12)
    with pytest.raises(ValueError):
        parse_ref("tqm-audit@v2")


def test_answers_name_their_version_and_are_checked_against_it(versioned: Library) -> None:
    v1 = {q.id: 3 for q in versioned.resolve("mini@1").questions}
    text = "questionnaire: mini@1\nanswers:\n" + "".join(f"  {k}: {v}\n" for k, v in v1.items())
    assert parse_answers_text(text, versioned).questionnaire.version == 1
    with pytest.raises(ProblemsFound) as caught:  # the same answers to the latest version
        parse_answers_text(text.replace("mini@1", "mini"), versioned, "a.yaml")
    assert (
        "a.yaml:4:20: $.answers.customer.second: unknown question 'customer.second' "
        "(did you mean 'customer.listening'?)"
    ) in [str(p) for p in caught.value.problems]


def test_a_version_file_must_hold_the_version_its_name_says(content: Path) -> None:
    line, col = edit(content / FOLDER / "2.yaml", "version: 2", "version: 4")
    assert (
        f"{content / FOLDER / '2.yaml'}:{line}:{col + 9}: $.version: version 4 must equal the file name '2.yaml'"
        in problems_of(content)
    )


def test_a_version_file_must_hold_the_id_of_its_folder(content: Path) -> None:
    line, col = edit(content / FOLDER / "1.yaml", "id: mini", "id: mino")
    assert (
        f"{content / FOLDER / '1.yaml'}:{line}:{col + 4}: $.id: id 'mino' must equal the folder 'mini'"
        in problems_of(content)
    )


def test_a_flat_file_and_a_folder_of_the_same_id_are_refused(content: Path) -> None:
    shutil.copy(content / FOLDER / "1.yaml", content / "questionnaires" / "mini.yaml")
    expected = f"{content / FOLDER}: $: both mini.yaml and the folder mini/ exist: keep one of them"
    assert expected in problems_of(content)


def test_a_version_file_not_named_by_its_number_is_refused(content: Path) -> None:
    shutil.copy(content / FOLDER / "3.yaml", content / FOLDER / "latest.yaml")
    expected = f"{content / FOLDER / 'latest.yaml'}: $: a questionnaire version file is named <version>.yaml, e.g. 1.yaml"
    assert expected in problems_of(content)


# --- rule packs per version ------------------------------------------------------------------


def test_a_pack_naming_the_id_scores_every_version(versioned: Library) -> None:
    assert {versioned.pack_for("mini", v).id for v in (1, 2, 3)} == {"mini"}


def test_a_pack_naming_a_version_scores_only_that_version(content: Path) -> None:
    shutil.copytree(content / "rules" / "mini", content / "rules" / "mini1")
    edit(content / "rules" / "mini1" / "pack.yaml", "id: mini", "id: mini1")
    edit(
        content / "rules" / "mini1" / "pack.yaml",
        "questionnaires: [mini]",
        "questionnaires: [mini@1]",
    )
    edit(
        content / "rules" / "mini" / "pack.yaml",
        "questionnaires: [mini]",
        "questionnaires: [mini@2, mini@3]",
    )
    library = load_library(content)
    assert [library.pack_for("mini", v).id for v in (1, 2, 3)] == ["mini1", "mini", "mini"]
    assert library.pack_for("mini").id == "mini"


def test_a_pack_naming_an_unknown_version_is_refused_with_a_suggestion(content: Path) -> None:
    pack = content / "rules" / "mini" / "pack.yaml"
    line, col = edit(pack, "questionnaires: [mini]", "questionnaires: [mini@4]")
    assert (
        f"{pack}:{line}:{col + 17}: $.questionnaires[0]: unknown questionnaire 'mini@4' (did you mean 'mini@3'?)"
        in problems_of(content)
    )


# --- migration declarations ------------------------------------------------------------------


def test_migrations_chain_from_the_first_version_to_the_last(versioned: Library) -> None:
    chain = migration_chain(versioned.migrations, "mini", 1, 3)
    assert [(m.from_version, m.to_version) for m in chain] == [(1, 2), (2, 3)]
    assert chain[0].renamed == {"customer.second": "customer.voice"}
    assert chain[0].merged[0].rule == "mean" and chain[0].merged[0].tolerance == 1
    assert migration_chain(versioned.migrations, "mini", 2, 2) == []


def test_an_unknown_old_question_is_refused_with_its_place_and_a_suggestion(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    line, col = edit(path, "renamed: {customer.second:", "renamed: {customer.secnd:")
    found = problems_of(content)
    assert (
        f"{path}:{line}:{col + 26}: $.migration.renamed.customer.secnd: unknown question 'customer.secnd' (did you mean 'customer.second'?) in version 1"
        in found
    )
    # and the question it no longer names is left unaccounted for
    assert any("named by no rule: customer.second" in p for p in found)


def test_an_unknown_new_question_is_refused_with_its_place_and_a_suggestion(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    line, col = edit(path, "into: process.flow", "into: process.flw")
    assert (
        f"{path}:{line}:{col + 6}: $.migration.merged[0].into: unknown question 'process.flw' (did you mean 'process.flow'?) in version 2"
        in problems_of(content)
    )


def test_a_question_no_rule_names_that_the_new_version_dropped_is_refused(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    edit(path, "  removed: [learning.second]\n", "")
    assert (
        f"{path}:5:1: $.migration: questions of version 1 not asked any more and named by no rule: learning.second"
        in problems_of(content)
    )


def test_a_question_named_by_two_rules_is_refused(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    line, col = edit(
        path, "removed: [learning.second]", "removed: [learning.second, customer.second]"
    )
    assert (
        f"{path}:{line}:{col + 27}: $.migration.removed[1]: customer.second is named by two migration rules"
        in problems_of(content)
    )


def test_a_reworded_question_must_be_asked_by_both_versions(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    line, col = edit(path, "reworded: [structure.first]", "reworded: [performance.third]")
    assert (
        f"{path}:{line}:{col + 11}: $.migration.reworded[0]: performance.third: reworded names a question both versions ask under the same id"
        in problems_of(content)
    )


def test_a_migration_from_a_version_not_installed_is_refused(content: Path) -> None:
    (content / FOLDER / "1.yaml").unlink()
    path = content / FOLDER / "2.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("from: 1")].count("\n") + 1
    assert (
        f"{path}:{line}:9: $.migration.from: migrates from version 1, which is not in the content"
        in problems_of(content)
    )


def test_a_migration_declaration_breaking_its_schema_is_refused(content: Path) -> None:
    path = content / FOLDER / "2.yaml"
    line, col = edit(path, "rule: mean", "rule: median")
    assert (
        f"{path}:{line}:{col + 6}: $.migration.merged[0].rule: 'median' is not one of ['mean', 'min', 'max'] (did you mean 'mean'?)"
        in problems_of(content)
    )


def test_validate_reports_a_bad_migration_with_its_place(content: Path) -> None:
    from assessment.checks import validate_paths

    path = content / FOLDER / "3.yaml"
    line, col = edit(path, "renamed: {customer.voice:", "renamed: {customer.vioce:")
    found = [str(p) for p in validate_paths([content])]
    assert (
        f"{path}:{line}:{col + 26}: $.migration.renamed.customer.vioce: unknown question 'customer.vioce' (did you mean 'customer.voice'?) in version 2"
        in found
    )


# --- the commands name versions --------------------------------------------------------------


def cli(*args: str) -> Any:
    from click.testing import CliRunner

    from assessment.cli import main

    return CliRunner().invoke(main, [*args, "--content", str(VERSIONS)])


def test_template_and_score_work_on_any_version(tmp_path: Path) -> None:
    template = cli("template", "mini@1", "--value", "3")
    assert template.exit_code == 0 and "questionnaire: mini@1" in template.output
    assert "customer.second: 3" in template.output
    assert "questionnaire: mini@3" in cli("template", "mini").output
    path = tmp_path / "v1.yaml"
    path.write_text(template.output, encoding="utf-8")
    scored = cli("score", str(path), "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["questionnaire"]["version"] == 1


def test_batch_scores_each_organisation_on_the_version_it_names(tmp_path: Path) -> None:
    v1 = [f"{d}.{n}" for d in ("customer", "leadership", "process", "learning", "structure", "performance") for n in ("first", "second")]  # fmt: skip
    rows = ["questionnaire,organisation,respondent," + ",".join(v1)]
    rows += [f"mini@1,Old Co,r1,{','.join('3' for _ in v1)}"]
    source = tmp_path / "many.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = cli("batch", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        json.loads(out.read_text(encoding="utf-8").splitlines()[0])["questionnaire"]["version"] == 1
    )
