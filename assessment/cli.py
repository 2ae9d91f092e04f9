"""The `tqm` command. Exit codes: 0 ok, 1 problems in content or answers, 2 usage, 3 internal error.

Heavy dependencies (WeasyPrint, Flask) are imported only by the commands that need them, so
`tqm score` starts fast and works without them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .problems import (
    EXIT_INTERNAL,
    EXIT_PROBLEMS,
    Problem,
    ProblemsFound,
    TqmError,
    UsageError,
    unknown,
)
from .render import (
    FORMATS,
    PDF_VARIANTS,
    RenderOptions,
    format_of,
    formats_for,
    render,
    suffix_list,
)

F = TypeVar("F", bound=Callable[..., Any])
LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the output.",
)
CAPACITY = click.option(
    "--days-per-month",
    type=click.FloatRange(min=0.5, max=100000),
    default=None,
    help="Person-days a month the roadmap may plan (default: from the organisation's size).",
)
QUESTIONNAIRE = click.option(
    "--questionnaire",
    "questionnaire",
    metavar="ID[@N]",
    default=None,
    help="The questionnaire the answers are for, when the file does not name it (a CSV without a "
    "questionnaire column); a file that names another is refused.",
)
CONTENT = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="TQM_CONTENT",
    help="Folder holding questionnaires/ and rules/ (default: the bundled content).",
)


def reports_errors(func: F) -> F:
    """Turn product errors into their message and exit code; anything else into exit 3."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except TqmError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="tqm-maturity")
def main(debug: bool) -> None:
    """TQM maturity assessment: validate content, score answers, explain, report."""


def _library(content: Path | None) -> Any:
    """The content library, from the on-disk cache when the content is unchanged (`tqm validate`
    does not come here: it always checks the files)."""
    from .content.cache import cached_library

    return cached_library(content)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@CONTENT
@reports_errors
def validate(paths: tuple[Path, ...], content: Path | None) -> None:
    """Check questionnaires, rule packs and answer files; print every problem."""
    from .checks import validate_paths

    problems = validate_paths(list(paths), content)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo("ok")


@main.command()
@click.argument("questionnaire")
@LANG
@click.option("--value", type=int, help="Pre-fill every answer with this value.")
@click.option(
    "--role",
    help="Only the questions this respondent role is asked (default: every question, each with "
    "the roles asked it); one of the roles of the questionnaire's framework.",
)
@CONTENT
@reports_errors
def template(
    questionnaire: str, lang: str, value: int | None, role: str | None, content: Path | None
) -> None:
    """Print an answers file to fill in, with the questions as comments (QUESTIONNAIRE: id or id@N)."""
    from .answers_template import answers_template

    library = _library(content)
    found = library.resolve(questionnaire, "$", "<argument>")  # id (the latest) or id@N
    framework = library.framework_of(found)
    if role is not None and role not in framework.role_ids:
        raise click.BadParameter(unknown("role", role, framework.role_ids), param_hint="--role")
    click.echo(answers_template(found, framework, lang, value, role), nl=False)


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats_for("score")),
    default=None,
    help="Default: from the output's name, else text.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal.",
)
@LANG
@CAPACITY
@QUESTIONNAIRE
@CONTENT
@reports_errors
def score(
    answers: Path,
    fmt: str | None,
    output: Path | None,
    lang: str,
    days_per_month: float | None,
    questionnaire: str | None,
    content: Path | None,
) -> None:
    """Score one organisation's answers (one or many respondents)."""
    name = output_format(output, fmt, "score", "text")
    answer_set, result = _assess(answers, content, lang, days_per_month, questionnaire)
    text = render(name, result, answer_set, lang)
    assert isinstance(text, str)  # score offers text formats only
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        _write(output, text)


def output_format(output: Path | None, fmt: str | None, use: str, default: str) -> str:
    """The format to write: --format, else the one the output's name ends in, else `default`.

    An output whose name ends in no suffix of the command's formats, or in another format's than
    --format, is refused (exit 2): a PDF is never written into a file named .docx.
    """
    if output is None:
        return fmt or default
    named = format_of(output, use)
    if named is None:
        known = suffix_list(formats_for(use) if fmt is None else (fmt,))
        raise UsageError(f"the output's name must end in {known}, not {output.name!r}")
    if fmt is not None and fmt != named.name:
        right = output.with_suffix(FORMATS[fmt].suffix).name
        raise UsageError(
            f"--format {fmt} writes {FORMATS[fmt].suffix} files, but the output is named "
            f"{output.name!r}: name it {right!r}, or leave out --format to write {named.name}"
        )
    return named.name


def _assess(
    answers: Path,
    content: Path | None,
    lang: str,
    days_per_month: float | None = None,
    questionnaire: str | None = None,
) -> Any:
    """The answer set read from a file and its result (texts in `lang` only)."""
    from .engine.pipeline import assess
    from .questionnaire_option import load_answers_for

    library = _library(content)
    answer_set = load_answers_for(answers, library, questionnaire)
    return answer_set, assess(answer_set, library, days_per_month=days_per_month, langs=(lang,))


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option(
    "--rule", help="Only this rule (an id, or an instance like maturity.level_3[customer])."
)
@LANG
@QUESTIONNAIRE
@CONTENT
@reports_errors
def explain(
    answers: Path, rule: str | None, lang: str, questionnaire: str | None, content: Path | None
) -> None:
    """Why each rule fired or did not, with the actual values."""
    from .render.text import render_trace

    _, result = _assess(answers, content, lang, None, questionnaire)
    text = render_trace(result.trace, lang, rule)
    if rule and not text:
        from .problems import UsageError, did_you_mean

        known = {s.rule.split("[")[0] for s in result.trace}
        raise UsageError(f"no rule {rule!r} in this evaluation{did_you_mean(rule, known)}")
    click.echo(text)


@main.command("test")
@click.argument("pack", required=False, type=click.Path(file_okay=False, path_type=Path))
@CONTENT
@reports_errors
def test_pack(pack: Path | None, content: Path | None) -> None:
    """Run a rule pack's tests.yaml cases (default: every pack).

    A pack also fails when a case names an unknown rule or questionnaire, or when a rule lacks a
    case where it fires or one where it does not.
    """
    from .packtest import run_pack_tests
    from .render.messages import msg

    library = _library(content)
    folders = [pack] if pack else [Path(p.path) for p in library.packs.values()]
    passed = failed = 0
    problems: list[Problem] = []
    for folder in folders:
        run = run_pack_tests(folder, library)
        problems += run.problems
        for case in run.cases:
            if case.passed:
                passed += 1
                continue
            failed += 1
            click.echo(f"FAIL {folder.name}: {case.name}")
            for failure in case.failures:
                click.echo(f"    {failure}")
    click.echo(msg("tests.passed", "en", passed=passed, failed=failed))
    if problems:  # tests.yaml itself is unsound: shown located, on stderr, with exit 1
        raise ProblemsFound(problems)
    if failed:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats_for("report")),
    default=None,
    help="Default: from the file name.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="PDF: pdf/ua-1 (tagged, the default) or pdf/a-3b, pdf/a-3u for filing.",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="TQM_DOCX_TEMPLATE",
    default=None,
    help="DOCX: a Word document whose styles, header and footer the report uses.",
)
@LANG
@CAPACITY
@QUESTIONNAIRE
@CONTENT
@reports_errors
def report(
    answers: Path,
    output: Path,
    fmt: str | None,
    pdf_variant: str | None,
    template: Path | None,
    lang: str,
    days_per_month: float | None,
    questionnaire: str | None,
    content: Path | None,
) -> None:
    """Write the assessment report (PDF, Word or standalone HTML)."""
    name = output_format(output, fmt, "report", "pdf")
    answer_set, result = _assess(answers, content, lang, days_per_month, questionnaire)
    options = RenderOptions(pdf_variant=pdf_variant, docx_template=template)
    _write(output, render(name, result, answer_set, lang, options))
    click.echo(str(output))


def _write(output: Path, content: str | bytes) -> None:
    output.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@LANG
@CAPACITY
@QUESTIONNAIRE
@CONTENT
@reports_errors
def export(
    answers: Path,
    output: Path,
    lang: str,
    days_per_month: float | None,
    questionnaire: str | None,
    content: Path | None,
) -> None:
    """Write the assessment as an Excel workbook (dimensions, findings, roadmap, answers)."""
    name = output_format(output, None, "export", "xlsx")
    answer_set, result = _assess(answers, content, lang, days_per_month, questionnaire)
    _write(output, render(name, result, answer_set, lang))
    click.echo(str(output))


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=f"Results: {suffix_list(formats_for('batch'))}.",
)
@LANG
@QUESTIONNAIRE
@CONTENT
@reports_errors
def batch(
    source: Path, output: Path, lang: str, questionnaire: str | None, content: Path | None
) -> None:
    """Score many organisations from one CSV (grouped by an `organisation` column)."""
    from .batch import output_format, score_batch
    from .progress import progress_bar

    output_format(output)  # a wrong suffix is a usage error before any work
    library = _library(content)
    if questionnaire is not None:  # an unknown one is named once, not in every organisation's row
        library.resolve(questionnaire, "$", "--questionnaire")
    with progress_bar("scoring") as progress:  # a bar only when stderr is a terminal
        summary = score_batch(source, output, library, lang, progress, questionnaire=questionnaire)
    click.echo(
        f"{summary.organisations} organisations: {summary.scored} scored, {summary.rejected} rejected "
        f"({summary.seconds:.1f} s) -> {output}"
    )
    if summary.rejected:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "target",
    required=True,
    help="The version to migrate to: ID@VERSION (or ID: the latest).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the migrated answers here (default: standard output).",
)
@CONTENT
@reports_errors
def migrate(answers: Path, target: str, output: Path | None, content: Path | None) -> None:
    """Carry answers over to a later questionnaire version; list every question changed and why.

    Exit 1 when anything needs a person (listed first, marked NEEDS A PERSON).
    """
    import yaml

    from .engine.answers import csv_to_answers, parse_answers
    from .engine.migration import change_lines, migrate_answers
    from .io.files import load_file

    library = _library(content)
    doc = load_file(answers, lazy=True)
    if str(answers).lower().endswith(".csv"):
        doc = csv_to_answers(doc)
    migrated = migrate_answers(
        parse_answers(doc, library, complete=False), doc.data, library, target
    )
    text = yaml.safe_dump(migrated.data, allow_unicode=True, sort_keys=False, width=100)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    for line in change_lines(migrated) or ["no question changed"]:
        click.echo(line, err=output is None)
    if migrated.needs_person:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@CONTENT
@reports_errors
def serve(host: str, port: int, content: Path | None) -> None:
    """Run the web app's development server: an alias of `flask --app webapp serve`.

    It upgrades the database (DATABASE_URL, by default SQLite under instance/) before serving;
    --content serves your own frameworks, questionnaires and rule packs (TQM_CONTENT).
    """
    import os

    if content is not None:
        _library(content)  # refuse broken content here, each problem named, before the server
        os.environ["TQM_CONTENT"] = str(content.resolve())
    # The web app owns its commands; exec'ing them keeps Flask out of the library.
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    os.execv(sys.executable, [*flask, "serve", "--host", host, "--port", str(port)])


if __name__ == "__main__":
    main()
