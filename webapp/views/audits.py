"""Consultant audits: clients, rounds, invitations, the live dashboard, reconciliation, sign-off.

Every view requires a signed-in consultant and reaches its objects only through their
consultancy (`rounds.client_of` / `rounds.round_of`): another tenant's ids answer 404.
Respondents answer through the ordinary survey pages, reached by their invitation's private link.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from assessment.content.model import Questionnaire
from assessment.problems import ProblemsFound

from .. import rounds as store
from ..accounts import consultant_only, signed_in
from ..answering import clean_text
from ..catalog import framework_of, frameworks, library
from ..i18n import LANGUAGES, current_lang, role_labels
from ..models import Client, Round, utcnow
from ..trend import next_actions, trend_svg
from .common import database

audits = Blueprint("audits", __name__, url_prefix="/consultant")
MAX_NAME = 200
MAX_PER_ROLE = 200


@audits.before_request
@consultant_only
def _signed_in_only() -> None:
    """Every page here is a consultant's."""


def _client(db: Session, client_id: int) -> Client:
    client = store.client_of(db, signed_in().consultancy_id, client_id)
    if client is None:
        abort(404)
    return client


def _round(db: Session, round_id: int) -> tuple[Round, Client]:
    found = store.round_of(db, signed_in().consultancy_id, round_id)
    if found is None:
        abort(404)
    return found, _client(db, found.client_id)


def _questionnaire(found: Round) -> Questionnaire:
    questionnaire = library().questionnaires.get(found.questionnaire_id)
    if questionnaire is None or questionnaire.version != found.questionnaire_version:
        abort(409)
    return questionnaire


# --- clients -----------------------------------------------------------------------------------


@audits.get("/")
def clients() -> str:
    """The consultancy's clients, and a form for a new one."""
    with database().transaction() as db:
        rows = store.clients(db, signed_in().consultancy_id)
        return render_template("audits/clients.html", clients=rows, errors={}, form={})


@audits.post("/clients")
def create_client() -> str | Response | tuple[str, int]:
    """A new client organisation (name, sector, size in people)."""
    form = {k: clean_text(request.form.get(k, "")) for k in ("name", "sector", "size")}
    errors = _client_errors(form)
    with database().transaction() as db:
        if errors:
            rows = store.clients(db, signed_in().consultancy_id)
            page = render_template("audits/clients.html", clients=rows, errors=errors, form=form)
            return page, 422
        client = Client(
            consultancy_id=signed_in().consultancy_id,
            name=form["name"],
            sector=form["sector"],
            size=int(form["size"]) if form["size"] else None,
        )
        db.add(client)
        db.flush()
        return redirect(url_for(".client", client_id=client.id), 303)


def _client_errors(form: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    if not form["name"] or len(form["name"]) > MAX_NAME:
        errors["name"] = _("A name of 1 to %(n)d characters.", n=MAX_NAME)
    if len(form["sector"]) > MAX_NAME:
        errors["sector"] = _("At most %(n)d characters.", n=MAX_NAME)
    if form["size"] and not (form["size"].isdigit() and 0 < int(form["size"]) <= 10_000_000):
        errors["size"] = _("The number of people, a whole number.")
    return errors


@audits.get("/clients/<int:client_id>")
def client(client_id: int) -> str:
    """A client's rounds, the trend across signed-off rounds, and a form for a new round."""
    with database().transaction() as db:
        found = _client(db, client_id)
        rows = store.rounds(db, found.id)
        trend = _trend(db, rows)
        return render_template(
            "audits/client.html",
            client=found,
            rounds=rows,
            trend=trend,
            trend_chart=trend_svg(trend),
            next_actions=next_actions(trend[-1]["result"] if trend else None),
            questionnaires=library().questionnaires.values(),
            roles=role_labels(frameworks()),
            errors={},
        )


def _trend(db: Session, rows: Any) -> list[dict[str, Any]]:
    """Each signed-off round's overall and dimension indices, with the change since the first."""
    points = []
    for row in rows:
        document = store.frozen(db, row.id, current_lang())
        if document is not None:
            points.append({"round": row, "result": document})
    first = points[0]["result"] if points else None
    for point in points:
        point["change"] = _change(first, point["result"]) if first else {}
        point["to_target"] = _to_target(first, point["result"]) if first else {}
    return points


def _to_target(first: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, float | None]:
    """Progress to target, a share of one: (current - first) / (target - first)."""
    out: dict[str, float | None] = {}
    for dim, scores in now["dimensions"].items():
        start, index, target = (
            first["dimensions"].get(dim, {}).get("index"),
            scores.get("index"),
            scores.get("target"),
        )
        if None in (start, index, target) or target <= start:
            out[dim] = None
        else:
            out[dim] = (index - start) / (target - start)
    return out


def _change(first: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for dim, scores in now["dimensions"].items():
        before = first["dimensions"].get(dim, {}).get("index")
        index = scores.get("index")
        out[dim] = None if before is None or index is None else round(index - before, 1)
    return out


# --- rounds ------------------------------------------------------------------------------------


@audits.post("/clients/<int:client_id>/rounds")
def create_round(client_id: int) -> str | Response | tuple[str, int]:
    """Open a round: questionnaire, title, anonymity, minimum group size, deadline."""
    questionnaire = library().questionnaires.get(request.form.get("questionnaire", ""))
    title = clean_text(request.form.get("title", ""))
    min_group = request.form.get("min_group", "3")
    deadline = _date(request.form.get("deadline", ""))
    with database().transaction() as db:
        found = _client(db, client_id)
        if questionnaire is None or not title or len(title) > MAX_NAME or not min_group.isdigit():
            flash(_("Choose a questionnaire and give the round a title."), "error")
            return redirect(url_for(".client", client_id=found.id), 303)
        if deadline is False:
            flash(_("Write the deadline as a date, e.g. 2027-03-31."), "error")
            return redirect(url_for(".client", client_id=found.id), 303)
        row = Round(
            client_id=found.id,
            title=title,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            anonymous=request.form.get("anonymous") == "1",
            min_group=max(1, min(50, int(min_group))),
            deadline=deadline or None,
        )
        db.add(row)
        db.flush()
        return redirect(url_for(".dashboard", round_id=row.id), 303)


def _date(text: str) -> datetime | Literal[False] | None:
    """The end of a day given as YYYY-MM-DD (UTC); None when empty; False when not a date."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return False
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


@audits.post("/rounds/<int:round_id>/targets")
def set_targets(round_id: int) -> Response:
    """The client's own target index per dimension (0-100; empty: the pack's target)."""
    with database().transaction() as db:
        found, _client_row = _round(db, round_id)
        targets = {}
        for dim in _questionnaire(found).dimensions:
            raw = request.form.get(f"target_{dim.id}", "").strip()
            if raw and not (raw.isdigit() and int(raw) <= 100):
                flash(_("A target is a whole number from 0 to 100."), "error")
                return redirect(url_for(".dashboard", round_id=found.id), 303)
            if raw:
                targets[dim.id] = int(raw)
        before, found.targets = found.targets, json.dumps(targets, sort_keys=True)
        store.log(db, found.id, signed_in().id, "targets", found.title, before, found.targets)
    flash(_("The targets are saved."), "saved")
    return redirect(url_for(".dashboard", round_id=round_id), 303)


@audits.get("/rounds/<int:round_id>")
def dashboard(round_id: int) -> str:
    """Invited, started and finished per role; the invitations; the provisional profile."""
    with database().transaction() as db:
        found, client = _round(db, round_id)
        return _dashboard(db, found, client, new_links=[])


def _dashboard(db: Session, found: Round, client: Client, new_links: list[tuple[Any, str]]) -> str:
    questionnaire = _questionnaire(found)
    by_role, state = store.progress(db, found.id, questionnaire)
    return render_template(
        "audits/round.html",
        round=found,
        client=client,
        questionnaire=questionnaire,
        by_role=by_role,
        state=state,
        invitations=store.invitations(db, found.id),
        new_links=new_links,
        roles=role_labels([framework_of(questionnaire)]),
        log=store.audit_log(db, found.id),
        targets=json.loads(found.targets or "{}"),
    )


@audits.post("/rounds/<int:round_id>/invitations")
def invite(round_id: int) -> str | tuple[str, int]:
    """New private links: a number per role, or one named respondent per line (`role, name`)."""
    with database().transaction() as db:
        found, client = _round(db, round_id)
        if found.status != "open":
            abort(409)
        people, problem = _people(request.form, framework_of(_questionnaire(found)).role_ids)
        if problem:
            flash(problem, "error")
            return _dashboard(db, found, client, []), 422
        days = request.form.get("expires_days", "").strip()
        if days and not (days.isdigit() and 1 <= int(days) <= 365):
            flash(_("An invitation stays valid for 1 to 365 days."), "error")
            return _dashboard(db, found, client, []), 422
        expires = utcnow() + timedelta(days=int(days)) if days else None
        made = store.invite(db, found, client, _questionnaire(found), people, expires)
        store.log(db, found.id, signed_in().id, "invite", f"{len(made)} invitations")
        links = [
            (row, url_for("survey.overview", token=token, _external=True)) for row, token in made
        ]
        return _dashboard(db, found, client, links)


def _people(form: Mapping[str, str], roles: tuple[str, ...]) -> tuple[list[tuple[str, str]], str]:
    """(role, name) pairs from the counts per role or the pasted list."""
    people: list[tuple[str, str]] = []
    for role in roles:
        count = form.get(f"count_{role}", "").strip() or "0"
        if not count.isdigit() or int(count) > MAX_PER_ROLE:
            return [], _("The number per role is a whole number up to %(n)d.", n=MAX_PER_ROLE)
        people += [(role, "")] * int(count)
    for number, line in enumerate(form.get("named", "").splitlines(), start=1):
        if not line.strip():
            continue
        role, _sep, name = (part.strip() for part in line.partition(","))
        if role not in roles or len(name) > MAX_NAME:
            return [], _("Line %(n)d: write a role, a comma and a name.", n=number)
        people.append((role, clean_text(name)))
    if not people or len(people) > store.MAX_INVITATIONS:
        return [], _("Invite 1 to %(n)d people at a time.", n=store.MAX_INVITATIONS)
    return people, ""


@audits.post("/rounds/<int:round_id>/invitations/<int:invitation_id>/revoke")
def revoke(round_id: int, invitation_id: int) -> Response:
    """Withdraw an invitation: its link stops working; its answers no longer count."""
    with database().transaction() as db:
        found, _client_row = _round(db, round_id)
        row = next((i for i in store.invitations(db, found.id) if i.id == invitation_id), None)
        if row is None:
            abort(404)
        row.revoked = True
        store.log(db, found.id, signed_in().id, "revoke", f"invitation {row.id} ({row.role})")
    flash(_("The invitation is withdrawn."), "saved")
    return redirect(url_for(".dashboard", round_id=round_id), 303)


# --- aggregated results, reconciliation and sign-off ------------------------------------------


@audits.get("/rounds/<int:round_id>/results")
def results(round_id: int) -> str:
    """Self-assessed and agreed results side by side, the consensus list, the roles' profiles."""
    with database().transaction() as db:
        found, client = _round(db, round_id)
        frozen = store.frozen(db, found.id, current_lang())
        outcome = None if frozen else _outcome(db, found, client, current_lang())
        return render_template(
            "audits/results.html",
            round=found,
            client=client,
            outcome=outcome,
            frozen=frozen,
            questionnaire=_questionnaire(found),
            roles=role_labels([framework_of(_questionnaire(found))]),
        )


def _outcome(db: Session, found: Round, client: Client, lang: str) -> dict[str, Any] | None:
    """Self-assessed and agreed results; a 409 page when the content no longer fits the answers."""
    try:
        return store.round_outcome(db, found, client, _questionnaire(found), lang)
    except ProblemsFound as exc:  # the content changed under the stored answers
        page = render_template("error.html", code=409, kind="problems", problems=exc.problems)
        abort(make_response(page, 409))


@audits.route("/rounds/<int:round_id>/reconcile/<question_id>", methods=["GET", "POST"])
def reconcile(round_id: int, question_id: str) -> str | Response | tuple[str, int]:
    """Record the agreed value of one item, with the evidence seen and a note."""
    with database().transaction() as db:
        found, client = _round(db, round_id)
        questionnaire = _questionnaire(found)
        question = (
            questionnaire.question(question_id)
            if question_id in questionnaire.question_ids
            else None
        )
        if question is None:
            abort(404)
        if request.method == "POST" and found.status == "open":
            value = request.form.get("value", "")
            if value not in {str(int(o.value)) for o in question.options}:
                flash(_("Choose one of the values of the scale."), "error")
            else:
                entry = (
                    float(value),
                    clean_text(request.form.get("evidence", "")),
                    clean_text(request.form.get("note", "")),
                )
                store.agree(db, found, question.id, entry, signed_in().id)
                flash(_("The agreed value is recorded."), "saved")
                return redirect(url_for(".results", round_id=found.id), 303)
        agreed = store.agreed_answers(db, found.id).get(question.id)
        return render_template(
            "audits/reconcile.html", round=found, client=client, question=question, agreed=agreed
        )


@audits.post("/rounds/<int:round_id>/sign-off")
def sign_off(round_id: int) -> Response:
    """Freeze the round: the agreed result in every language is stored and renders forever."""
    with database().transaction() as db:
        found, client = _round(db, round_id)
        if found.status != "open":
            abort(409)
        documents = {}
        for lang in LANGUAGES:
            outcome = _outcome(db, found, client, lang)
            if outcome is None:
                flash(_("Too few respondents have finished to sign off."), "error")
                return redirect(url_for(".results", round_id=found.id), 303)
            documents[lang] = outcome["agreed"]
        store.sign_off(db, found, documents, signed_in().id)
    flash(_("The round is signed off; its report will not change."), "saved")
    return redirect(url_for(".results", round_id=round_id), 303)


@audits.get("/rounds/<int:round_id>/result.json")
def result_json(round_id: int) -> Response:
    """The signed-off result document (the tqm-result/1 JSON) in the interface language."""
    with database().transaction() as db:
        found, _client_row = _round(db, round_id)
        document = store.frozen(db, found.id, current_lang())
    if document is None:
        abort(409)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json")
