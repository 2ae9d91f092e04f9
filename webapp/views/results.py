"""The results page and the downloads (PDF, JSON, XLSX), all computed by the library's `assess`.

Results need every required question answered; otherwise the respondent is sent to the review
page. Nothing here is stored: results are computed from the stored answers on each request.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from assessment.engine.answers import AnswerSet
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.problems import ProblemsFound
from assessment.render import FORMATS as REGISTRY
from assessment.render import Format, formats_for, render

from ..answering import answer_set
from ..archive import action_titles, archived
from ..catalog import library
from ..i18n import current_lang
from ..jobs import QUEUED_FORMATS, queue_enabled
from ..reading import timed
from .common import Current, current_timing, load_current

results = Blueprint("results", __name__)


def _complete(current: Current) -> bool:
    return all(q.id in current.responses for q in current.questions if q.required)


def _assess(current: Current) -> tuple[AnswerSet, Result]:
    """The answer set and result of a complete assessment."""
    answers = answer_set(current.record, current.questionnaire, current.responses, library())
    return answers, timed(assess(answers, library()), [current_timing(current)])


def _outcome(token: str) -> tuple[Current, AnswerSet, Result]:
    """The assessment, its answer set and result; else abort with the review page or problems."""
    current = load_current(token)
    stored = archived(current, current_lang())  # finished: rendered from what was stored
    if stored is not None:
        return current, stored.answers, stored.result
    if not _complete(current):
        flash(_("Answer every question to see the results; the ones still open are listed here."))
        abort(redirect(url_for("survey.review", token=token), 303))
    try:
        answers, result = _assess(current)
    except ProblemsFound as exc:
        page = render_template("error.html", code=409, kind="problems", problems=exc.problems)
        abort(make_response(page, 409))
    return current, answers, result


@results.get("/a/<token>/results")
def show(token: str) -> str:
    """Summary and top priorities, overall level, profile, dimensions, findings and roadmap."""
    from assessment.render.report.charts import radar_svg

    current, _answers, result = _outcome(token)
    lang = current_lang()
    # The SVG is built with ElementTree (every label escaped) from numbers and content titles.
    chart = Markup(radar_svg(result, lang))
    actions = action_titles(current, lang)
    return render_template(
        "results.html",
        current=current,
        result=result,
        chart=chart,
        actions=actions,
        names={fmt: download_name(result, f.suffix, lang) for fmt, f in FORMATS.items()},
        **summary_context(result, lang),
    )


def summary_context(result: Result, lang: str) -> dict[str, object]:
    """What the PDF's executive summary shows, from the report's own views (not recomputed):
    the summary sentences, the top three priorities, the strength to build on, the chart in words,
    and the report's headings in the page's language."""
    from assessment.render.messages import comparison_names, label
    from assessment.render.report import view
    from assessment.render.report.html import radar_text

    findings = [view.finding_view(f, result, lang) for f in result.findings]
    organisation = result.organisation or label("unnamed", lang)
    dimensions = view.dimension_views(result, findings, lang)
    names = comparison_names(result.framework, lang)
    return {
        "summary": view.summary_paragraph(result, organisation, lang),
        "themes": [f for f in findings if f.kind != "strength"][:3],
        "strength": view.top_strength(result, findings, lang),
        "dimension_views": dimensions,
        "radar_alt": radar_text(dimensions, lang, names),
        # the framework's comparison profiles: table headers, legend, captions and bar notes
        "comparison": names,
        "report_label": lambda key: label(key, lang),
        "finding_anchor": lambda rule: view.anchor("finding", rule),
    }


def pdf_isolated(result: Result, lang: str) -> bytes:
    """The PDF rendered in a child process stopped after TQM_PDF_TIMEOUT (503 page then)."""
    from flask import current_app

    from assessment.render.report.pdf import RenderTimeout, render_pdf_isolated

    try:
        return render_pdf_isolated(result, lang, timeout=current_app.config["TQM_PDF_TIMEOUT"])
    except RenderTimeout:
        abort(make_response(render_template("error.html", code=503, kind="timeout"), 503))


FORMATS: dict[str, Format] = {name: REGISTRY[name] for name in formats_for("web")}


@results.get("/a/<token>/download/<fmt>")
def download(token: str, fmt: str) -> FlaskResponse | Response:
    """The result as a file in the interface language (PDF report, JSON contract, workbook)."""
    if fmt not in FORMATS:
        abort(404)
    if fmt in QUEUED_FORMATS and queue_enabled(current_app):  # rendered by a worker (jobs.py)
        return redirect(url_for("report_queue.wait", token=token, fmt=fmt), 303)
    _current, answers, result = _outcome(token)
    lang = current_lang()
    # PDF: in a child process with a time limit (WeasyPrint has none of its own)
    body = pdf_isolated(result, lang) if fmt == "pdf" else render(fmt, result, answers, lang)
    name = download_name(result, FORMATS[fmt].suffix, lang)
    headers = {"Content-Disposition": content_disposition(name)}
    return FlaskResponse(body, mimetype=FORMATS[fmt].mimetype, headers=headers)


def download_name(result: Result, suffix: str, lang: str) -> str:
    """organisation-questionnaire-date.suffix, in letters, digits and hyphens only:
    'acme-gear-co-tqm-quick-2026-12-03.pdf' (Chinese names keep their characters; a Chinese
    report ends in -zh, so that the two languages' files do not replace each other)."""
    date = (result.date or "")[:10] or dt.date.today().isoformat()
    parts = [_slug(result.organisation or ""), _slug(result.questionnaire.id), _slug(date)]
    if lang != "en":
        parts.append(lang)
    return "-".join(p for p in parts if p) + suffix


def _slug(text: str) -> str:
    words = re.sub(r"[\W_]+", " ", text.lower()).split()
    return "-".join(words)[:60].strip("-")


def content_disposition(name: str) -> str:
    """An attachment header with an ASCII name for old clients and the full name (RFC 6266)."""
    ascii_name = re.sub(r"-{2,}", "-", name.encode("ascii", "ignore").decode()).strip("-")
    if ascii_name.startswith("."):
        ascii_name = "report" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
