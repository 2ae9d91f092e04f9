"""The results page and the downloads (PDF, JSON, XLSX), all computed by the library's `assess`.

Results need every required question answered; otherwise the respondent is sent to the review
page. Nothing here is stored: results are computed from the stored answers on each request.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from markupsafe import Markup

from assessment.engine.answers import AnswerSet
from assessment.engine.pipeline import assess
from assessment.problems import ProblemsFound

from ..answering import answer_set
from ..archive import action_titles, archived
from ..catalog import library
from ..i18n import current_lang
from .common import Current, load_current

results = Blueprint("results", __name__)


def _complete(current: Current) -> bool:
    return all(q.id in current.responses for q in current.questionnaire.questions if q.required)


def _assess(current: Current, lang: str) -> tuple[AnswerSet, dict[str, Any]]:
    """The answer set and result of a complete assessment."""
    answers = answer_set(current.record, current.questionnaire, current.responses, library())
    return answers, assess(answers, library(), lang)


def _outcome(token: str) -> tuple[Current, AnswerSet, dict[str, Any]]:
    """The assessment, its answer set and result; else abort with the review page or problems."""
    current = load_current(token)
    stored = archived(current, current_lang())  # finished: rendered from what was stored
    if stored is not None:
        return current, stored.answers, stored.result
    if not _complete(current):
        flash(_("Answer every question to see the results; the ones still open are listed here."))
        abort(redirect(url_for("survey.review", token=token), 303))
    try:
        answers, result = _assess(current, current_lang())
    except ProblemsFound as exc:
        page = render_template("error.html", code=409, kind="problems", problems=exc.problems)
        abort(make_response(page, 409))
    return current, answers, result


@results.get("/a/<token>/results")
def show(token: str) -> str:
    """Overall level, radar, dimension table, findings and roadmap."""
    from assessment.render.report.charts import radar_svg

    current, _answers, result = _outcome(token)
    lang = current_lang()
    # The SVG is built with ElementTree (every label escaped) from numbers and content titles.
    chart = Markup(radar_svg(result, lang))
    actions = action_titles(current, lang)
    return render_template(
        "results.html", current=current, result=result, chart=chart, actions=actions
    )


def _pdf(result: dict[str, Any], _answers: AnswerSet, lang: str) -> bytes:
    from flask import current_app

    from assessment.render.report.pdf import RenderTimeout, render_pdf_isolated

    try:
        return render_pdf_isolated(result, lang, timeout=current_app.config["TQM_PDF_TIMEOUT"])
    except RenderTimeout:
        abort(make_response(render_template("error.html", code=503, kind="timeout"), 503))


def _json(result: dict[str, Any], _answers: AnswerSet, _lang: str) -> bytes:
    return json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8")


def _xlsx(result: dict[str, Any], answers: AnswerSet, lang: str) -> bytes:
    from assessment.render.xlsx import write_workbook

    buffer = io.BytesIO()
    write_workbook(result, answers, buffer, lang)
    return buffer.getvalue()


FORMATS: dict[str, tuple[Callable[[dict[str, Any], AnswerSet, str], bytes], str]] = {
    "pdf": (_pdf, "application/pdf"),
    "json": (_json, "application/json"),
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@results.get("/a/<token>/download/<fmt>")
def download(token: str, fmt: str) -> FlaskResponse:
    """The result as a file in the interface language (PDF report, JSON contract, workbook)."""
    if fmt not in FORMATS:
        abort(404)
    current, answers, result = _outcome(token)
    render, mimetype = FORMATS[fmt]
    lang = current_lang()
    body = render(result, answers, lang)
    name = f"tqm-{current.questionnaire.id}-{lang}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return FlaskResponse(body, mimetype=mimetype, headers=headers)
