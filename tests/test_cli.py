"""assessment.cli: the `tqm` command, its output formats and its exit codes.

Exit codes: 0 ok, 1 problems in content or answers, 2 usage, 3 internal error. Most commands run
in-process through the `cli` fixture; a few run the installed `.venv/bin/tqm` in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import assessment.content.library
import assessment.engine.pipeline
from assessment.content.library import Library
from assessment.engine.answers import parse_answers_text
from assessment.io.schema import validator

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CONTENT = DATA / "content"
ANSWERS = DATA / "answers"
TQM = ROOT / ".venv" / "bin" / "tqm"
PYTHON = ROOT / ".venv" / "bin" / "python"
UNIFORM = ANSWERS / "quick-all-3.yaml"  # tqm-quick, every answer 3
WEAK_LEADERSHIP = ANSWERS / "quick-weak-leadership.yaml"  # leadership 1, the rest 4
PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: \$\S*: .+$")
Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def parsed_content_once(monkeypatch: pytest.MonkeyPatch, library: Library, mini: Library) -> None:
    """In-process commands reuse the session's parsed content (the loader has its own tests)."""
    real = assessment.content.library.load_library
    known = {ROOT.resolve(): library, CONTENT.resolve(): mini}

    def load_library(root: str | Path | None = None) -> Library:
        key = Path(root).resolve() if root else ROOT.resolve()
        return known[key] if key in known else real(root)

    monkeypatch.setattr(assessment.content.library, "load_library", load_library)


def tqm(*args: object, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed `tqm` in a subprocess."""
    return subprocess.run(
        [str(TQM), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def score_json(cli: Cli, path: Path, *args: str) -> dict[str, Any]:
    result = cli("score", path, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture()
def broken_content(tmp_path: Path) -> Path:
    """The tiny test content with a duplicate question and an impossible action."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    questionnaire = root / "questionnaires" / "mini.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    questionnaire.write_text(
        text.replace("id: leadership.second", "id: leadership.first", 1), encoding="utf-8"
    )
    actions = root / "rules" / "mini" / "actions.yaml"
    text = actions.read_text(encoding="utf-8")
    actions.write_text(
        text.replace("lifts: {from: 1, to: 3}", "lifts: {from: 3, to: 3}", 1), encoding="utf-8"
    )
    return root


# --- validate --------------------------------------------------------------------------------


def test_validate_of_good_content_says_ok(cli: Cli) -> None:
    result = cli("validate", "--content", CONTENT)
    assert (result.exit_code, result.stdout) == (0, "ok\n")


def test_validate_of_the_bundled_content_says_ok_in_a_subprocess() -> None:
    done = tqm("validate")
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


@pytest.mark.parametrize("how", ["argument", "content-option"])
def test_validate_of_broken_content_lists_every_problem_and_exits_1(
    cli: Cli, broken_content: Path, how: str
) -> None:
    args = [broken_content] if how == "argument" else ["--content", broken_content]
    result = cli("validate", *args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    assert any("question id 'leadership.first' appears twice" in line for line in lines)
    assert any("lifts.from must be below lifts.to" in line for line in lines)
    assert result.stderr == f"{len(lines)} problem(s)\n"
    assert "Traceback" not in result.output


def test_validate_of_broken_content_exits_1_without_a_traceback_in_a_subprocess(
    broken_content: Path,
) -> None:
    done = tqm("validate", broken_content)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    assert str(broken_content / "questionnaires" / "mini.yaml") in done.stdout


# --- score: problems and usage ---------------------------------------------------------------


def test_score_of_a_bad_answers_file_names_the_question_and_exits_1(cli: Cli) -> None:
    path = ANSWERS / "mini-value-off-scale.yaml"
    result = cli("score", path, "--content", CONTENT)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:8:22: $.answers.leadership.second: "
        "leadership.second: 6 is not on the scale (1, 2, 3, 4, 5)\n"
    )


def test_score_of_a_bad_answers_file_exits_1_without_a_traceback_in_a_subprocess() -> None:
    done = tqm("score", ANSWERS / "mini-unknown-question.yaml", "--content", CONTENT)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "unknown question 'procces.second' (did you mean 'process.second'?)" in done.stderr


def test_score_of_a_missing_file_is_a_problem_not_a_crash(cli: Cli, tmp_path: Path) -> None:
    result = cli("score", tmp_path / "absent.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / 'absent.yaml'}: $: cannot read file")


def test_score_of_answers_no_pack_can_score_is_a_problem_not_a_crash(
    cli: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT / "questionnaires", root / "questionnaires")
    (root / "rules").mkdir()
    result = cli("score", ANSWERS / "mini-good.yaml", "--content", root)
    assert result.exit_code == 1, result.output
    assert "mini" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("score", "--bogus", "x.yaml"),
        ("score",),
        ("score", "x.yaml", "--format", "pdf"),
        ("score", "x.yaml", "--lang", "fr"),
        ("frobnicate",),
    ],
    ids=["unknown-option", "missing-argument", "bad-format", "bad-language", "unknown-command"],
)
def test_wrong_usage_exits_2(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def test_an_unknown_option_exits_2_in_a_subprocess() -> None:
    done = tqm("score", "--bogus", UNIFORM)
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert "Traceback" not in done.stderr


# --- score: formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "developing"), [("en", "Developing"), ("zh", "发展")], ids=["en", "zh"]
)
def test_score_json_is_a_valid_result_document(cli: Cli, lang: str, developing: str) -> None:
    result = score_json(cli, UNIFORM, "--lang", lang)
    assert list(validator("result").iter_errors(result)) == []
    assert set(result["dimensions"]) == {
        "customer",
        "leadership",
        "process",
        "learning",
        "structure",
        "performance",
    }
    assert {d["level"] for d in result["dimensions"].values()} == {3}
    assert {d["level_name"] for d in result["dimensions"].values()} == {developing}
    assert result["overall"]["level_name"] == developing


def test_score_json_of_a_capped_result_is_valid_and_names_the_cap(cli: Cli) -> None:
    result = score_json(cli, WEAK_LEADERSHIP, "--lang", "zh")
    assert list(validator("result").iter_errors(result)) == []
    assert [c["rule"] for c in result["overall"]["caps"]] == ["leadership.cornerstone"]
    assert result["overall"]["level_name"] == "觉醒"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_score_text_shows_every_dimension_title_and_level_name(cli: Cli, lang: str) -> None:
    expected = score_json(cli, WEAK_LEADERSHIP, "--lang", lang)
    result = cli("score", WEAK_LEADERSHIP, "--format", "text", "--lang", lang)
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    for dimension in expected["dimensions"].values():
        row = next((r for r in rows if r.startswith(dimension["title"])), None)
        assert row is not None, f"no row for {dimension['title']}"
        assert f"{dimension['level']} {dimension['level_name']}" in row
    overall = expected["overall"]
    assert any(f"{overall['level']} {overall['level_name']}" in row for row in rows)


def test_score_csv_has_the_documented_header_and_a_row_per_dimension(cli: Cli) -> None:
    result = cli("score", UNIFORM, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")  # a BOM: Excel then reads the text as UTF-8
    text = result.stdout.removeprefix("\ufeff")
    assert text.splitlines()[0] == (
        "record,id,title,index,level,level_name,traditional,target,gap_to_target,"
        "kind,severity,dimensions,detail"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows if r["record"] == "dimension"] == [
        "customer",
        "leadership",
        "process",
        "learning",
        "structure",
        "performance",
    ]
    assert [r["level"] for r in rows if r["record"] == "overall"] == ["3"]


# --- template --------------------------------------------------------------------------------


def test_a_prefilled_template_parses_and_scores(cli: Cli, library: Library, tmp_path: Path) -> None:
    result = cli("template", "tqm-quick", "--value", "3")
    assert result.exit_code == 0, result.output
    answers = parse_answers_text(result.stdout, library, "template.yaml")
    assert answers.questionnaire.id == "tqm-quick"
    assert {r.value for r in answers.respondents[0].answers.values()} == {3.0}
    path = tmp_path / "answers.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    scored = score_json(cli, path)
    assert {d["level"] for d in scored["dimensions"].values()} == {3}


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Headcount (optional)"), ("zh", "员工人数（可选）")]
)
def test_a_template_offers_the_organisation_size_in_a_comment(
    cli: Cli, library: Library, lang: str, words: str
) -> None:
    text = cli("template", "tqm-quick", "--lang", lang).stdout
    assert words in text and "# organisation_size: 300" in text
    uncommented = text.replace("# organisation_size: 300", "organisation_size: 40")
    answers = parse_answers_text(uncommented.replace("unknown", "2"), library, "t.yaml")
    assert answers.organisation_size == 40


def test_a_chinese_template_shows_the_chinese_question_texts(cli: Cli, library: Library) -> None:
    result = cli("template", "tqm-quick", "--lang", "zh")
    assert result.exit_code == 0, result.output
    for question in library.questionnaires["tqm-quick"].questions:
        assert question.text.zh in result.stdout
        assert f"  {question.id}: unknown" in result.stdout
    for dimension in library.questionnaires["tqm-quick"].dimensions:
        assert dimension.title.zh in result.stdout


def test_a_template_of_an_unknown_questionnaire_suggests_one(cli: Cli) -> None:
    result = cli("template", "tqm-quik")
    assert result.exit_code == 1
    assert "unknown questionnaire 'tqm-quik' (did you mean 'tqm-quick'?)" in result.stderr


# --- explain ---------------------------------------------------------------------------------


def test_explain_shows_why_a_rule_fired_with_the_actual_values(cli: Cli) -> None:
    result = cli("explain", WEAK_LEADERSHIP, "--rule", "leadership.cornerstone")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "✔ leadership.cornerstone: fired"
    assert lines[1].strip().startswith("overall.uncapped_level > level.leadership")
    assert lines[1].endswith("(= 2): 3 -> true")


def test_explain_shows_why_a_rule_did_not_fire(cli: Cli) -> None:
    result = cli("explain", UNIFORM, "--rule", "leadership.cornerstone")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "✘ leadership.cornerstone: not fired"
    assert lines[1].endswith("(= 4): 3 -> false")


def test_explain_shows_the_constant_added_to_a_reference(cli: Cli) -> None:
    result = cli("explain", WEAK_LEADERSHIP, "--rule", "leadership.cornerstone")
    assert result.exit_code == 0, result.output
    assert (
        "    overall.uncapped_level > level.leadership + 1 (= 2): 3 -> true"
        in result.stdout.splitlines()
    )


def test_explain_of_every_rule_covers_the_whole_trace(cli: Cli) -> None:
    result = cli("explain", UNIFORM)
    assert result.exit_code == 0, result.output
    trace = score_json(cli, UNIFORM)["trace"]
    headers = [line for line in result.stdout.splitlines() if line[:1] in ("✔", "✘")]
    assert len(headers) == len(trace)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("nonexistent", "no rule 'nonexistent' in this evaluation"),
        (
            "leadership.cornerstne",
            "no rule 'leadership.cornerstne' in this evaluation "
            "(did you mean 'leadership.cornerstone'?)",
        ),
    ],
    ids=["nonexistent", "misspelt"],
)
def test_explain_of_an_unknown_rule_is_a_usage_error(cli: Cli, rule: str, message: str) -> None:
    result = cli("explain", UNIFORM, "--rule", rule)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


# --- test ------------------------------------------------------------------------------------

PASSED_LINE = re.compile(r"^(\d+) passed, 0 failed$", re.MULTILINE)


def test_the_pack_tests_all_pass(cli: Cli) -> None:
    result = cli("test", ROOT / "rules" / "tqm")
    assert result.exit_code == 0, result.output
    match = PASSED_LINE.search(result.stdout)
    assert match and int(match.group(1)) > 0, result.stdout


def test_the_pack_tests_all_pass_in_a_subprocess() -> None:
    done = tqm("test", "rules/tqm")
    assert done.returncode == 0, done.stdout + done.stderr
    assert PASSED_LINE.search(done.stdout), done.stdout


def test_a_failing_pack_case_is_reported_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    pack = tmp_path / "tqm"
    shutil.copytree(ROOT / "rules" / "tqm", pack)
    (pack / "tests.yaml").write_text(
        "cases:\n"
        "  - name: uniform three is not level five\n"
        "    questionnaire: tqm-quick\n"
        "    fill: 3\n"
        "    expect:\n"
        "      levels: {customer: 5}\n",
        encoding="utf-8",
    )
    result = cli("test", pack)
    assert result.exit_code == 1
    assert "FAIL tqm: uniform three is not level five" in result.stdout
    assert "expected customer at level 5, got 3" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"


# --- internal errors -------------------------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_an_internal_error_exits_3_with_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assessment.engine.pipeline, "assess", _boom)
    result = cli("score", UNIFORM)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == "internal error: RuntimeError: boom (run with --debug for details)\n"
    assert "Traceback" not in result.output


def test_debug_lets_an_internal_error_propagate(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assessment.engine.pipeline, "assess", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        cli("--debug", "score", UNIFORM)


# --- heavy dependencies ----------------------------------------------------------------------

NO_HEAVY_IMPORTS = """
import sys
from assessment.cli import main

try:
    main(["score", sys.argv[1]], standalone_mode=False)
except SystemExit as exc:
    assert not exc.code, f"exit {exc.code}"
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "weasyprint"))
assert "flask" not in sys.modules and "weasyprint" not in sys.modules, heavy
print("light")
"""


def test_score_imports_neither_flask_nor_weasyprint() -> None:
    done = subprocess.run(
        [str(PYTHON), "-c", NO_HEAVY_IMPORTS, str(UNIFORM)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "light"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "-o", "r.docx", "--format", "pdf"], "name it 'r.pdf'"),
        (["report", "-o", "r.txt"], "must end in .html, .pdf or .docx"),
        (["export", "-o", "r.csv"], "must end in .xlsx"),
        (["score", "-o", "s.pdf"], "must end in .txt, .json or .csv"),
        (["score", "-o", "s.json", "--format", "csv"], "name it 's.csv'"),
    ],
)
def test_an_output_named_for_another_format_is_refused(
    cli: Cli, tmp_path: Path, args: list[str], said: str
) -> None:
    command, rest = args[0], [str(tmp_path / a) if "." in a else a for a in args[1:]]
    result = cli(command, UNIFORM, *rest)
    assert result.exit_code == 2 and said in result.output, result.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_score_writes_the_format_its_output_is_named_for(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    assert cli("score", UNIFORM, "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text("utf-8"))["overall"]["level"] == 3
