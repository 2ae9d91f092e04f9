"""Every output format, in one registry: name -> `Format` (suffix, media type, how to render).

`tqm score`, `report`, `export` and `batch` and the web app's downloads offer the formats whose
`uses` name them. A renderer takes the typed result, the answers it came from and a language, and
returns the whole file (text or bytes). A format `tqm batch` can write also has a `stream`: a
context that opens a file and gives the function writing one record (a JSON line, or a row of
cells under the given header).

A few formats take options (`RenderOptions`): the PDF's variant (tagged PDF/UA-1 by default, or
PDF/A-3 for filing) and the Word template of the DOCX; the others ignore them.

Importing this module imports neither openpyxl nor WeasyPrint: each renderer imports its module
when it runs, so `tqm score` stays fast. To add a format (DOCX, say): a module in this package
with the renderer, and one `Format` entry below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry itself stays light: `import assessment.cli` loads it
    from ..engine.answers import AnswerSet
    from ..engine.result import Result

# The PDF variants offered: tagged PDF/UA-1 (the default: screen readers, reflow) and PDF/A-3 for
# filing (B: looks the same in 50 years; U: its text also extracts as Unicode), both tagged.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-3u")
MAX_CELL = 32_000  # the longest text a table cell gets (Excel's limit is 32,767 characters)
Renderer = Callable[["Result", "AnswerSet", str, "RenderOptions"], "str | bytes"]
Write = Callable[[Any], object]
Stream = Callable[[Path, Sequence[str]], AbstractContextManager[Write]]


@dataclass(frozen=True)
class RenderOptions:
    """Options of the formats that have some (the others ignore them)."""

    pdf_variant: str | None = None  # None: the PDF's default (tagged, PDF/UA-1)
    docx_template: Path | None = None  # None: $TQM_DOCX_TEMPLATE, else the built-in styles


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str
    suffixes: tuple[str, ...]  # the first is the one files are given
    mimetype: str
    binary: bool
    render: Renderer | None  # None: only streamed (many results in one file)
    uses: frozenset[str]  # the commands offering it: score, report, export, batch, web
    needs_answers: bool = False  # the renderer reads the answers too (not just the result)
    stream: Stream | None = None

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


def _text(result: Result, _answers: AnswerSet, lang: str, _options: RenderOptions) -> str:
    from .text import render_result

    return render_result(result, lang)


def _json(result: Result, _answers: AnswerSet, lang: str, _options: RenderOptions) -> str:
    from .json_document import result_json

    return result_json(result, lang)


def _csv(result: Result, _answers: AnswerSet, lang: str, _options: RenderOptions) -> str:
    from .csv import result_csv

    return result_csv(result, lang)


def _xlsx(result: Result, answers: AnswerSet, lang: str, _options: RenderOptions) -> bytes:
    from .xlsx import workbook_bytes

    return workbook_bytes(result, answers, lang)


def _html(result: Result, _answers: AnswerSet, lang: str, _options: RenderOptions) -> str:
    from .report.html import render_html

    return render_html(result, lang)


def _pdf(result: Result, _answers: AnswerSet, lang: str, options: RenderOptions) -> bytes:
    from .report.pdf import render_pdf

    return render_pdf(result, lang, variant=options.pdf_variant)


def _docx(result: Result, _answers: AnswerSet, lang: str, options: RenderOptions) -> bytes:
    from .docx import render_docx

    return render_docx(result, lang, template=options.docx_template)


def _jsonl_stream(path: Path, header: Sequence[str]) -> AbstractContextManager[Write]:
    from .json_document import json_lines

    return json_lines(path)


def _csv_stream(path: Path, header: Sequence[str]) -> AbstractContextManager[Write]:
    from .csv import csv_rows

    return csv_rows(path, header)


def _xlsx_stream(path: Path, header: Sequence[str]) -> AbstractContextManager[Write]:
    from .xlsx import sheet_rows

    return sheet_rows(path, header)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("text", (".txt",), "text/plain", False, _text, frozenset({"score"})),
        Format("json", (".json",), "application/json", False, _json, frozenset({"score", "web"})),
        Format("jsonl", (".jsonl",), "application/x-ndjson", False, None, frozenset({"batch"}),
               stream=_jsonl_stream),
        Format("csv", (".csv",), "text/csv", False, _csv, frozenset({"score", "batch"}),
               stream=_csv_stream),
        Format("xlsx", (".xlsx",), XLSX_TYPE, True, _xlsx, frozenset({"export", "batch", "web"}),
               needs_answers=True, stream=_xlsx_stream),
        Format("html", (".html", ".htm"), "text/html", False, _html, frozenset({"report"})),
        Format("pdf", (".pdf",), "application/pdf", True, _pdf, frozenset({"report", "web"})),
        Format("docx", (".docx",), DOCX_TYPE, True, _docx, frozenset({"report", "web"})),
    )
}  # fmt: skip


def formats_for(use: str) -> tuple[str, ...]:
    """The names of the formats a command offers, in registry order."""
    return tuple(name for name, f in FORMATS.items() if use in f.uses)


def format_of(path: Path, use: str) -> Format | None:
    """The format a file name's suffix names among those a command offers."""
    suffix = path.suffix.lower()
    return next((FORMATS[n] for n in formats_for(use) if suffix in FORMATS[n].suffixes), None)


def render(
    name: str,
    result: Result,
    answers: AnswerSet,
    lang: str,
    options: RenderOptions = RenderOptions(),
) -> str | bytes:
    """A result as a whole file in the named format."""
    renderer = FORMATS[name].render
    if lang not in result.languages:
        raise ValueError(f"this result holds texts in {', '.join(result.languages)}, not {lang!r}")
    if renderer is None:
        raise ValueError(f"the {name} format holds many results; it has no single rendering")
    return renderer(result, answers, lang, options)


def suffix_list(names: Sequence[str]) -> str:
    """'.jsonl, .csv or .xlsx': the suffixes of these formats, for messages."""
    suffixes = [FORMATS[n].suffix for n in names]
    return suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"
