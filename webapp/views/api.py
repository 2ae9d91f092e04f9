"""The JSON API: score an answers document (nothing stored), list and show questionnaires.

The API is exempt from CSRF protection: it reads no cookies and keeps no session, so a forged
cross-site request gains nothing a direct request would not (and browsers cannot send JSON or YAML
cross-site without a CORS preflight, which this app never grants).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from assessment.content.versions import parse_ref
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.io.source import Document, decode_text, parse_yaml
from assessment.io.strict_json import parse_json
from assessment.problems import Problem, ProblemsFound

from ..catalog import library, questionnaire_data, summary
from ..i18n import LANGUAGES
from ..openapi import openapi_document
from ..security import csrf

api = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(api)

JSON_TYPES = frozenset({"application/json"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
SOURCE = "request"


@api.errorhandler(ProblemsFound)
def problems(error: ProblemsFound) -> tuple[Response, int]:
    """Every problem of the input, each with its pointer (and line:col where known)."""
    return jsonify(errors=[p.as_dict() for p in error.problems]), 400


def _lang() -> str:
    lang = request.args.get("lang", "en")
    if lang not in LANGUAGES:
        message = f"lang must be one of {', '.join(LANGUAGES)}"
        raise ProblemsFound([Problem("query", None, None, "lang", message)])
    return lang


def _document() -> Document:
    """The body as a document: JSON (strict) or YAML, by Content-Type; 415 for anything else."""
    mimetype = request.mimetype
    if mimetype not in JSON_TYPES | YAML_TYPES:
        abort(415, "send the answers document as application/json or application/yaml")
    text = decode_text(request.get_data(cache=False), SOURCE)  # 413 above MAX_CONTENT_LENGTH
    if mimetype in JSON_TYPES:
        return parse_json(text, SOURCE)  # fast; positions found only for a problem to report
    return parse_yaml(text, SOURCE)


@api.post("/v1/score")
def score() -> Response:
    """Score an answers document and return the result (contract tqm-result/1); its
    `questionnaire` is `id` (the latest version) or `id@N` (version N, scored by its own pack)."""
    lang = _lang()
    answers = parse_answers(_document(), library())
    return jsonify(assess(answers, library()).to_document(lang))


@api.get("/v1/questionnaires")
def questionnaires() -> Response:
    """The questionnaires this server scores."""
    lib = library()
    listed = [summary(q, sorted(lib.versions[q.id])) for q in lib.questionnaires.values()]
    return jsonify(questionnaires=listed)


@api.get("/v1/questionnaires/<questionnaire_id>")
def questionnaire(questionnaire_id: str) -> Response:
    """One questionnaire in its file format (questionnaire.schema.json): `id` is the latest
    version, `id@N` version N."""
    try:
        found = library().find(*parse_ref(questionnaire_id))
    except ValueError:
        found = None
    if found is None:
        abort(404, f"no questionnaire {questionnaire_id!r}")
    return jsonify(questionnaire_data(found))


@api.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
