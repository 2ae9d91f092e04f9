"""assessment.batch: many organisations from one CSV, streamed to JSON lines, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers.answers import role_answers
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment import batch
from assessment.batch import batch_dimensions, columns, headings, score_batch
from assessment.content.library import Library
from assessment.engine.answers import load_answers
from assessment.engine.pipeline import assess
from assessment.io.schema import validator
from assessment.problems import ProblemsFound, UsageError
from assessment.progress import progress_bar

QUICK = "tqm-quick"
Rows = Sequence[dict[str, Any]]


def questions(library: Library) -> list[str]:
    return [q.id for q in library.questionnaires[QUICK].questions]


def respondent(
    library: Library, org: str | None, rid: str, fill: Any = 3, role: str = "staff", **over: Any
) -> dict:
    """One CSV row as the template has it: the questions `role` is asked at `fill` (a scale
    position, mirrored on reverse-keyed items), the others blank, then the given cells (dots in
    names as '__')."""
    row: dict[str, Any] = {"questionnaire": QUICK, "respondent": rid, "role": role}
    if org is not None:
        row["organisation"] = org
    questionnaire = library.questionnaires[QUICK]
    row |= dict.fromkeys(questions(library), "") | role_answers(questionnaire, role, fill)
    return row | {k.replace("__", "."): v for k, v in over.items()}


def write_csv(path: Path, rows: Rows) -> Path:
    """A CSV whose header is the union of the rows' keys, in first-seen order."""
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def three_organisations(library: Library) -> list[dict[str, Any]]:
    """A (2 respondents, uniform 4), B (1, uniform 2), C (3, mixed with evidence)."""
    return [
        respondent(library, "A", "a1", 4),
        respondent(library, "A", "a2", 4, role="leader"),
        respondent(library, "B", "b1", 2),
        respondent(library, "C", "c1", 3, customer__voice_to_design=5),
        respondent(library, "C", "c2", 2, **{"process__cross_boundary_flow:evidence": "map"}),
        respondent(library, "C", "c3", "unknown", role="manager"),
    ]


@pytest.fixture()
def grouped(tmp_path: Path, library: Library) -> Path:
    return write_csv(tmp_path / "orgs.csv", three_organisations(library))


def without_trace(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "trace"}


def test_rows_are_grouped_by_organisation_and_scored_like_one_file_each(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    summary = score_batch(grouped, tmp_path / "out.jsonl", library)
    assert (summary.organisations, summary.scored, summary.rejected) == (3, 3, 0)
    results = jsonl(tmp_path / "out.jsonl")
    assert [r["organisation"] for r in results] == ["A", "B", "C"]
    assert [r["respondents"]["count"] for r in results] == [2, 1, 3]
    rows = three_organisations(library)
    for result, name in zip(results, "ABC", strict=True):
        assert not list(validator("result").iter_errors(result))
        assert result["trace"] == []
        alone = write_csv(tmp_path / f"{name}.csv", [r for r in rows if r["organisation"] == name])
        expected = assess(load_answers(alone, library), library, trace=False).to_document("en")
        assert without_trace(result) == without_trace(expected)


def test_without_an_organisation_column_every_row_is_an_organisation(
    tmp_path: Path, library: Library
) -> None:
    rows = [respondent(library, None, rid, fill) for rid, fill in [("x", 1), ("", 5), ("x", 3)]]
    summary = score_batch(write_csv(tmp_path / "one.csv", rows), tmp_path / "o.jsonl", library)
    assert (summary.organisations, summary.scored) == (3, 3)
    results = jsonl(tmp_path / "o.jsonl")
    assert [r["organisation"] for r in results] == ["x", "row 3", "x"]
    assert [r["overall"]["level"] for r in results] == [1, 5, 3]


def test_without_respondent_column_rows_are_named_by_their_line(
    tmp_path: Path, library: Library
) -> None:
    rows = [respondent(library, None, "-", 2) for _ in range(2)]
    for row in rows:
        del row["respondent"]
    score_batch(write_csv(tmp_path / "anon.csv", rows), tmp_path / "o.jsonl", library)
    assert [r["organisation"] for r in jsonl(tmp_path / "o.jsonl")] == ["row 2", "row 3"]


def csv_out(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV output, which starts with a UTF-8 BOM (for Excel)."""
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def test_csv_output_has_one_row_per_organisation(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    score_batch(grouped, tmp_path / "out.jsonl", library)
    score_batch(grouped, tmp_path / "out.csv", library)
    rows, results = csv_out(tmp_path / "out.csv"), jsonl(tmp_path / "out.jsonl")
    assert list(rows[0]) == columns(batch_dimensions(library))
    for row, result in zip(rows, results, strict=True):
        assert row["organisation"] == result["organisation"]
        assert int(row["respondents"]) == result["respondents"]["count"]
        assert float(row["overall_index"]) == result["overall"]["index"]
        assert int(row["overall_level"]) == result["overall"]["level"]
        for dim, value in result["dimensions"].items():
            assert int(row[f"{dim}_level"]) == value["level"]
            assert float(row[f"{dim}_index"]) == value["index"]
        for severity in ("high", "medium", "low"):
            count = sum(f["severity"] == severity for f in result["findings"])
            assert int(row[f"findings_{severity}"]) == count
        assert row["errors"] == ""


def cell(value: Any) -> Any:
    """A CSV or XLSX cell comparable across both: numbers as floats, empty as ''."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else value


def test_xlsx_output_has_a_bold_frozen_header_and_the_csv_values(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    score_batch(grouped, tmp_path / "out.csv", library)
    score_batch(grouped, tmp_path / "out.xlsx", library)
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == headings(batch_dimensions(library), "en")
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(values[0]))}{len(values)}"
    assert sheet.column_dimensions["A"].width >= 30
    expected = csv_out(tmp_path / "out.csv")
    for got, want in zip(values[1:], expected, strict=True):
        assert [cell(v) for v in got] == [cell(v) for v in want.values()]


def test_xlsx_keeps_hostile_names_as_text(tmp_path: Path, library: Library) -> None:
    rows = [respondent(library, '=HYPERLINK("http://x")\x07', "r1")]
    score_batch(write_csv(tmp_path / "h.csv", rows), tmp_path / "h.xlsx", library)
    cell = load_workbook(tmp_path / "h.xlsx").active["A2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x")')


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_names_that_look_like_formulas_are_neutralised(
    tmp_path: Path, library: Library, suffix: str
) -> None:
    names = ["=1+1", "@SUM(1)", "-Bad Co", "+1", "Plain Co"]
    rows = [respondent(library, name, f"r{i}") for i, name in enumerate(names)]
    out = tmp_path / f"out{suffix}"
    score_batch(write_csv(tmp_path / "names.csv", rows), out, library)
    if suffix == ".csv":
        got = [r["organisation"] for r in csv_out(out)]
        assert got == ["'=1+1", "'@SUM(1)", "'-Bad Co", "'+1", "Plain Co"]
    else:
        cells = [row[0] for row in load_workbook(out).active.iter_rows(min_row=2)]
        assert [c.value for c in cells] == names  # the text as given, typed text
        assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


def test_a_chinese_workbook_has_chinese_headers(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    score_batch(grouped, tmp_path / "out.xlsx", library, lang="zh")
    header = [c.value for c in load_workbook(tmp_path / "out.xlsx").active[1]]
    assert header[:4] == ["组织", "答卷人数", "总体指数", "总体等级"]
    assert not [h for h in header if re.search("[A-Za-z]", h)]


def bad_batch(library: Library) -> list[dict[str, Any]]:
    """Good, off-scale, good, empty organisation, good, A again (not consecutive)."""
    return [
        respondent(library, "A", "a1", 4),
        respondent(library, "Bad", "b1", 3, customer__voice_to_design=9),
        respondent(library, "C", "c1", 2),
        respondent(library, "", "e1", 2),
        respondent(library, "D", "d1", 5),
        respondent(library, "A", "a2", 4),
    ]


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "xlsx"])
def test_a_bad_group_is_reported_and_the_others_are_scored(
    tmp_path: Path, library: Library, suffix: str
) -> None:
    source = write_csv(tmp_path / "bad.csv", bad_batch(library))
    summary = score_batch(source, tmp_path / f"out.{suffix}", library)
    assert (summary.organisations, summary.scored, summary.rejected) == (6, 3, 3)
    outcome = _errors(tmp_path / f"out.{suffix}")
    assert [name for name, _ in outcome] == ["A", "Bad", "C", "row 5", "D", "A"]
    ok, bad, _, empty, _, again = (text for _, text in outcome)
    assert ok == ""
    assert f"{source}:3:6: " in bad and "9 is not on the scale" in bad
    assert empty == f"{source}:5:4: $.organisation: the organisation is empty"
    assert (
        again
        == f"{source}:7:4: $.organisation: organisation 'A' appears again; its rows must be consecutive"
    )


def _errors(path: Path) -> list[tuple[str, str]]:
    """(organisation, its errors as text) in output order, from any of the three formats."""
    if path.suffix == ".jsonl":
        return [
            (r["organisation"], "\n".join(problem_text(e) for e in r.get("errors", [])))
            for r in jsonl(path)
        ]
    if path.suffix == ".csv":
        return [(r["organisation"], r["errors"]) for r in csv_out(path)]
    rows = load_workbook(path).active.iter_rows(min_row=2, values_only=True)
    return [(str(r[0]), r[-1] or "") for r in rows]


def problem_text(e: dict[str, Any]) -> str:
    return f"{e['file']}:{e['line']}:{e['col']}: {e['pointer']}: {e['message']}"


def test_a_rejected_jsonl_line_lists_problem_dicts(tmp_path: Path, library: Library) -> None:
    source = write_csv(tmp_path / "bad.csv", bad_batch(library))
    score_batch(source, tmp_path / "out.jsonl", library)
    bad = jsonl(tmp_path / "out.jsonl")[1]
    assert set(bad) == {"organisation", "errors"}
    assert bad["errors"] == [
        {
            "file": str(source),
            "line": 3,
            "col": 6,
            "pointer": "$.responses[0].answers.customer.voice_to_design",
            "message": "customer.voice_to_design: 9 is not on the scale (1, 2, 3, 4, 5)",
            "code": "answers.off_scale",
        }
    ]


def test_a_row_longer_than_the_header_rejects_its_group_only(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    lines = grouped.read_text("utf-8").splitlines()
    lines[3] += ",surplus"  # B's only row
    grouped.write_text("\n".join(lines) + "\n", "utf-8")
    summary = score_batch(grouped, tmp_path / "out.csv", library)
    assert (summary.scored, summary.rejected) == (2, 1)
    header = len(lines[0].split(","))
    message = f"row has {header + 1} cells but the header has {header}"
    assert message in dict(_errors(tmp_path / "out.csv"))["B"]


def test_an_oversized_group_is_rejected_without_holding_its_rows(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "MAX_GROUP_ROWS", 3)
    rows = [respondent(library, "Big", f"r{i}") for i in range(5)]
    rows.append(respondent(library, "Small", "s1"))
    summary = score_batch(write_csv(tmp_path / "big.csv", rows), tmp_path / "o.csv", library)
    assert (summary.scored, summary.rejected) == (1, 1)
    assert "5 respondents; the limit is 3" in dict(_errors(tmp_path / "o.csv"))["Big"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "CSV file is empty"),
        (b"organisation,respondent\nA,r1\n", "needs a 'questionnaire' column"),
        (b"questionnaire,organisation,organisation\n", "'organisation' appears twice"),
        (b"questionnaire,organisation\ntqm-quick,A\ntqm-quick,\xff\n", "3:1: $: not UTF-8"),
        (b'questionnaire\n"' + b"x" * 200_000 + b'"\n', "field larger than field limit"),
    ],
)
def test_problems_with_the_file_itself_stop_the_batch_and_leave_no_output(
    tmp_path: Path, library: Library, content: bytes, message: str
) -> None:
    source = tmp_path / "broken.csv"
    source.write_bytes(content)
    with pytest.raises(ProblemsFound) as caught:
        score_batch(source, tmp_path / "out.jsonl", library)
    assert message in caught.value.render()
    assert list(tmp_path.iterdir()) == [source]


def test_a_missing_source_and_a_wrong_target_are_reported(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    for source in (tmp_path / "missing.csv", tmp_path):
        with pytest.raises(ProblemsFound) as caught:
            score_batch(source, tmp_path / "o.csv", library)
        assert f"{source}: $: cannot read: " in caught.value.render()
    with pytest.raises(UsageError, match=r"\.jsonl, \.csv or \.xlsx"):
        score_batch(grouped, tmp_path / "o.pdf", library)
    with pytest.raises(UsageError, match="no such folder"):
        score_batch(grouped, tmp_path / "nowhere" / "o.csv", library)


def test_worker_processes_write_the_same_output_in_the_same_order(
    tmp_path: Path, library: Library
) -> None:
    rng = random.Random(5)
    rows = [
        respondent(library, f"Org {o}", f"r{r}", rng.randint(1, 5))
        for o in range(40)
        for r in range(rng.randint(1, 3))
    ]
    rows[7]["customer.voice_to_design"] = "lots"
    source = write_csv(tmp_path / "many.csv", rows)
    one = score_batch(source, tmp_path / "one.jsonl", library, workers=1)
    two = score_batch(source, tmp_path / "two.jsonl", library, workers=2)
    assert (one.organisations, one.scored, one.rejected) == (two.organisations, two.scored, 1)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_progress_reports_bytes_read_up_to_the_file_size(
    tmp_path: Path, library: Library, grouped: Path
) -> None:
    calls: list[tuple[int, int]] = []
    score_batch(grouped, tmp_path / "o.csv", library, progress=lambda d, t: calls.append((d, t)))
    size = grouped.stat().st_size
    assert calls and calls[-1] == (size, size)
    assert all(t == size and 0 < d <= size for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_only_on_a_terminal() -> None:
    with progress_bar("Scoring", io.StringIO()) as progress:
        assert progress is None
    stream = FakeTty()
    with progress_bar("Scoring", stream) as progress:
        assert callable(progress)
        progress(50, 200)
        progress(200, 200)
    assert "Scoring" in stream.getvalue() and "100%" in stream.getvalue()


def test_memory_stays_flat_while_results_stream_out(tmp_path: Path, library: Library) -> None:
    rows = [
        respondent(library, f"Org {o}", f"r{r}", 1 + (o + r) % 5)
        for o in range(250)
        for r in range(4)
    ]
    source = write_csv(tmp_path / "1000.csv", rows)
    score_batch(source, tmp_path / "warm.jsonl", library, workers=1)  # compile, caches
    tracemalloc.start()
    try:
        score_batch(source, tmp_path / "out.jsonl", library, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    all_results = (tmp_path / "out.jsonl").stat().st_size
    assert all_results > 4_000_000
    assert peak < all_results / 10, f"peak {peak:,} B while writing {all_results:,} B"
