"""The rounds API for integrations: clients, rounds, invitations, progress, results, export.

Authenticated by a consultant's API token (`Authorization: Bearer <token>`; made on the
consultant's "API tokens" page, shown once, stored as its SHA-256). Every object is reached
through the token's consultancy, as on the pages: another tenant's ids answer 404. No cookies are
read, so the blueprint is exempt from CSRF like the rest of the API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.problems import Problem, ProblemsFound

from .. import rounds as store
from ..catalog import framework_of, library
from ..models import ApiToken, Client, Consultant, Round
from ..round_export import export_document, export_result
from ..security import csrf
from .common import database

rounds_api = Blueprint("rounds_api", __name__, url_prefix="/api/v1")
csrf.exempt(rounds_api)


def token_digest(token: str) -> str:
    """What the database keeps of an API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@rounds_api.before_request
def authenticate() -> Response | None:
    """The consultant of the bearer token, or 401 with a `WWW-Authenticate` challenge."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    with database().transaction() as db:
        row = None
        if scheme.lower() == "bearer" and token:
            query = select(ApiToken).where(ApiToken.token_hash == token_digest(token.strip()))
            row = db.scalar(query.where(ApiToken.revoked.is_(False)))
        consultant = db.get(Consultant, row.consultant_id) if row else None
        if consultant is None:
            body = jsonify(errors=[_problem("Authorization", "a valid API token is needed")])
            body.status_code = 401
            body.headers["WWW-Authenticate"] = 'Bearer realm="tqm"'
            return body
        g.consultancy_id, g.consultant_id = consultant.consultancy_id, consultant.id
    return None


def _problem(pointer: str, message: str) -> dict[str, Any]:
    return Problem("request", None, None, pointer, message).as_dict()


@rounds_api.errorhandler(ProblemsFound)
def problems(error: ProblemsFound) -> tuple[Response, int]:
    """The request's problems, each with its place."""
    return jsonify(error.as_dict()), 400


def _body() -> Mapping[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ProblemsFound([Problem("request", None, None, "$", "send a JSON object")])
    return data


def _round(db: Session, round_id: int) -> tuple[Round, Client]:
    found = store.round_of(db, g.consultancy_id, round_id)
    if found is None:
        abort(404)
    client = store.client_of(db, g.consultancy_id, found.client_id)
    assert client is not None  # round_of checked the client's tenant
    return found, client


def _questionnaire(found: Round) -> Questionnaire:
    questionnaire = library().questionnaires.get(found.questionnaire_id)
    if questionnaire is None or questionnaire.version != found.questionnaire_version:
        abort(409)
    return questionnaire


def _round_data(found: Round) -> dict[str, Any]:
    return {
        "id": found.id,
        "client": found.client_id,
        "title": found.title,
        "questionnaire": f"{found.questionnaire_id}@{found.questionnaire_version}",
        "anonymous": found.anonymous,
        "min_group": found.min_group,
        "status": found.status,
    }


@rounds_api.get("/clients")
def clients() -> Response:
    """The consultancy's clients."""
    with database().transaction() as db:
        rows = store.clients(db, g.consultancy_id)
        data = [{"id": c.id, "name": c.name, "sector": c.sector, "size": c.size} for c in rows]
    return jsonify(clients=data)


@rounds_api.post("/rounds")
def create_round() -> tuple[Response, int]:
    """Open a round for a client: {client, title, questionnaire, min_group?, anonymous?}."""
    data = _body()
    questionnaire = library().questionnaires.get(str(data.get("questionnaire", "")))
    errors = []
    if questionnaire is None:
        errors.append(Problem("request", None, None, "$.questionnaire", "unknown questionnaire"))
    title = data.get("title")
    if not isinstance(title, str) or not 0 < len(title) <= 200:
        errors.append(Problem("request", None, None, "$.title", "a title of 1-200 characters"))
    min_group = data.get("min_group", 3)
    if not isinstance(min_group, int) or not 1 <= min_group <= 50:
        errors.append(Problem("request", None, None, "$.min_group", "a whole number 1-50"))
    if errors:
        raise ProblemsFound(errors)
    assert questionnaire is not None and isinstance(title, str)
    with database().transaction() as db:
        client_id = data.get("client")
        client = (
            store.client_of(db, g.consultancy_id, client_id) if isinstance(client_id, int) else None
        )
        if client is None:
            abort(404)
        row = Round(
            client_id=client.id,
            title=title,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            anonymous=bool(data.get("anonymous", True)),
            min_group=min_group,
        )
        db.add(row)
        db.flush()
        return jsonify(_round_data(row)), 201


@rounds_api.post("/rounds/<int:round_id>/invitations")
def invite(round_id: int) -> tuple[Response, int]:
    """New private links: {"respondents": [{"role": ..., "name": ...}, ...]}; shown once."""
    with database().transaction() as db:
        found, client = _round(db, round_id)  # another tenant's round is 404 before anything
        if found.status != "open":
            abort(409)
        people = _people(_body(), framework_of(_questionnaire(found)).role_ids)
        made = store.invite(db, found, client, _questionnaire(found), people)
        store.log(db, found.id, g.consultant_id, "invite", f"{len(made)} invitations (API)")
        links = [
            {
                "id": row.id,
                "role": row.role,
                "link": url_for("survey.overview", token=token, _external=True),
            }
            for row, token in made
        ]
    return jsonify(invitations=links), 201


def _people(data: Mapping[str, Any], roles: tuple[str, ...]) -> list[tuple[str, str]]:
    entries = data.get("respondents")
    if not isinstance(entries, list) or not 0 < len(entries) <= store.MAX_INVITATIONS:
        message = f"a list of 1-{store.MAX_INVITATIONS} respondents"
        raise ProblemsFound([Problem("request", None, None, "$.respondents", message)])
    people, errors = [], []
    for index, entry in enumerate(entries):
        role = entry.get("role") if isinstance(entry, dict) else None
        name = entry.get("name", "") if isinstance(entry, dict) else None
        if role not in roles or not isinstance(name, str) or len(name) > 200:
            message = f"a role ({', '.join(roles)}) and an optional name of at most 200 characters"
            errors.append(Problem("request", None, None, f"$.respondents[{index}]", message))
        else:
            people.append((str(role), name))
    if errors:
        raise ProblemsFound(errors)
    return people


@rounds_api.get("/rounds/<int:round_id>")
def show_round(round_id: int) -> Response:
    """The round and its progress per role."""
    with database().transaction() as db:
        found, _client = _round(db, round_id)
        by_role, _state = store.progress(db, found.id, _questionnaire(found))
        progress = [
            {"role": p.role, "invited": p.invited, "started": p.started, "finished": p.finished}
            for p in by_role
        ]
        return jsonify({**_round_data(found), "progress": progress})


@rounds_api.get("/rounds/<int:round_id>/result")
def result(round_id: int) -> Response:
    """The agreed result (frozen once signed off) and the self-assessed one while open."""
    lang = request.args.get("lang", "en")
    if lang not in ("en", "zh"):
        raise ProblemsFound([Problem("query", None, None, "lang", "lang must be en or zh")])
    with database().transaction() as db:
        found, client = _round(db, round_id)
        frozen = store.frozen(db, found.id, lang)
        if frozen is not None:
            return jsonify(status="signed", agreed=frozen)
        outcome = store.round_outcome(db, found, client, _questionnaire(found), lang)
    if outcome is None:
        return jsonify(status="waiting", min_group=found.min_group)
    return jsonify(
        status="provisional",
        self_assessed=store.visible(outcome["self"], outcome["hidden_roles"]),
        agreed=store.visible(outcome["agreed"], outcome["hidden_roles"]),
        consensus=[
            {"question": s.question_id, "values": list(s.values)} for s in outcome["spreads"]
        ],
    )


@rounds_api.get("/rounds/<int:round_id>/export")
def export(round_id: int) -> Response:
    """The whole round (`tqm-round-export/1`): progress, each finished respondent's answers by role
    (anonymised as the round says; roles below the smallest group left out), the agreed items,
    the reconciliation log and the result."""
    lang = request.args.get("lang", "en")
    if lang not in ("en", "zh"):
        raise ProblemsFound([Problem("query", None, None, "lang", "lang must be en or zh")])
    with database().transaction() as db:
        found, client = _round(db, round_id)
        questionnaire = _questionnaire(found)
        frozen = store.frozen(db, found.id, lang)
        outcome = None if frozen else store.round_outcome(db, found, client, questionnaire, lang)
        result = export_result(frozen, outcome)
        return jsonify(export_document(db, found, client, questionnaire, result))
