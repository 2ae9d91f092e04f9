"""Answering: start an assessment, one page per dimension, the overview and the review page.

Every page submit is stored at once, in one transaction, and only when every answer on the page is
valid; "Previous" saves too, so going back never loses answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from assessment.content.model import Dimension, Question, Questionnaire
from assessment.content.versions import migration_chain
from assessment.engine.answers import Response as StoredResponse
from assessment.engine.migration import declared_changes, for_role, migrate_responses
from assessment.problems import ProblemsFound

from ..answering import (
    MAX_ORGANISATION,
    Entry,
    PageSubmit,
    clean_text,
    entry_of,
    format_value,
    read_page,
    unanswered,
)
from ..archive import finish
from ..catalog import framework_of, library
from ..conflicts import MARK, Conflict, fingerprint, plan_save, rendered_entries, was_field
from ..i18n import current_lang, role_labels
from ..reading import page_saved, page_shown
from ..store import (
    create_assessment,
    lock_assessment,
    replace_responses,
    save_responses,
    stored_responses,
)
from .common import Current, change_groups, database, kept_notes, load_current, newer_version
from .pages import remember_language

survey = Blueprint("survey", __name__)


def _questionnaire(questionnaire_id: str) -> Questionnaire:
    questionnaire = library().questionnaires.get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    return questionnaire


@survey.route("/start/<questionnaire_id>", methods=["GET", "POST"])
def start(questionnaire_id: str) -> str | Response | tuple[str, int]:
    """Optional organisation name and role; POST creates the assessment and its private link."""
    questionnaire = _questionnaire(questionnaire_id)
    organisation = clean_text(request.form.get("organisation", "")).replace("\n", " ")
    role = request.form.get("role", "")
    if request.method == "GET":
        return _start_page(questionnaire, "", "", {})
    errors = _start_errors(questionnaire, organisation, role)
    if errors:
        return _start_page(questionnaire, organisation, role, errors), 422
    with database().transaction() as session:
        token = create_assessment(session, questionnaire, organisation, role)
    flash(_("Your assessment has started."), "started")
    # the first section with a question for this role (a customer is asked only a few)
    first = next(
        d.id for d in questionnaire.dimensions if questionnaire.dimension_questions(d, role or None)
    )
    return redirect(url_for(".dimension", token=token, dimension_id=first), 303)


def _start_errors(q: Questionnaire, organisation: str, role: str) -> dict[str, str]:
    """What is wrong with the start form, by field."""
    errors = {}
    if len(organisation) > MAX_ORGANISATION:
        errors["organisation"] = _("At most %(n)d characters.", n=MAX_ORGANISATION)
    if role and role not in _roles_asked(q):  # one it asks nothing would have no page to open
        errors["role"] = _("Choose one of the roles listed.")
    return errors


def _roles_asked(q: Questionnaire) -> dict[str, str]:
    """The names of the roles the questionnaire asks at least one question (tqm-quick asks
    customers nothing), in the framework's order."""
    named = role_labels([framework_of(q)])
    return {role: name for role, name in named.items() if q.questions_for(role)}


def _start_page(q: Questionnaire, organisation: str, role: str, errors: dict[str, str]) -> str:
    return render_template(
        "start.html",
        questionnaire=q,
        organisation=organisation,
        role=role,
        roles=_roles_asked(q),
        errors=errors,
        max_organisation=MAX_ORGANISATION,
    )


@survey.get("/a/<token>")
def overview(token: str) -> str:
    """The private resume page: progress by dimension and where to continue."""
    current = load_current(token)
    todo = unanswered(current.questions, current.responses)
    resume = next((d for d in current.dimensions if _open(current, d)), None)
    return render_template(
        "overview.html",
        current=current,
        todo=todo,
        resume=resume,
        roles=role_labels([framework_of(current.questionnaire)]),
        newer=newer_version(current),
        notes=kept_notes(current),
    )


def _open(current: Current, dimension: Dimension) -> bool:
    return current.answered_in(dimension.id) < len(current.questions_in(dimension))


@survey.route("/a/<token>/d/<dimension_id>", methods=["GET", "POST"])
def dimension(token: str, dimension_id: str) -> str | Response | tuple[str, int]:
    """One dimension's questions; POST checks the whole page, then stores it or shows errors."""
    current = load_current(token)
    dim = current.questionnaire.dimension(dimension_id)
    if dim is None or dim not in current.dimensions:  # none of its questions is for this role
        abort(404)
    if request.method == "GET":
        if not current.record.finished:
            with database().transaction() as session:
                page_shown(session, current.record.id, dim.id)  # reading time (reading.py)
        entries = {q.id: entry_of(current.responses.get(q.id)) for q in current.questions_in(dim)}
        return _dimension_page(current, dim, PageSubmit(entries=entries), _prints(entries))
    if current.record.finished:  # its stored results must stay what they were
        flash(_("This assessment is finished: its answers can no longer be changed."))
        return redirect(url_for("results.show", token=token), 303)
    dont_know = framework_of(current.questionnaire).dont_know
    page = read_page(current.questions_in(dim), request.form, dont_know=dont_know)
    rendered = rendered_entries(current.questions_in(dim), request.form)
    if page.errors:
        shown = {q.id: entry_of(current.responses.get(q.id)) for q in current.questions_in(dim)}
        return _dimension_page(current, dim, page, rendered or _prints(shown)), 422
    with database().transaction() as session:
        lock_assessment(session, current.record.id)  # one writer at a time: compare, then write
        plan = plan_save(page, rendered, stored_responses(session, current.record.id))
        save_responses(session, current.record.id, plan.save)
        page_saved(session, current.record.id, dim.id)
    if plan.conflicts:
        return _conflict_page(token, dim, page, plan.conflicts), 409
    switch = request.form.get("switch_lang", "")
    if switch:  # the language switch of a survey page: saved first, then this page again
        here = url_for(".dimension", token=token, dimension_id=dim.id)
        return remember_language(redirect(here, 303), switch)
    target = _after_save(current, dim, request.form.get("nav", ""), request.form.get("goto", ""))
    return redirect(target, 303)


def _conflict_page(token: str, dim: Dimension, page: PageSubmit, conflicts: list[Conflict]) -> str:
    """The page again as it is stored now, the person's answers kept where they conflict."""
    current = load_current(token)
    now = {q.id: entry_of(current.responses.get(q.id)) for q in current.questions_in(dim)}
    mine = {c.question for c in conflicts}
    entries = {qid: page.entries[qid] if qid in mine else entry for qid, entry in now.items()}
    return _dimension_page(current, dim, PageSubmit(entries=entries), _prints(now), conflicts)


def _prints(entries: Mapping[str, Entry]) -> dict[str, str]:
    return {qid: fingerprint(entry) for qid, entry in entries.items()}


def _dimension_page(
    current: Current,
    dim: Dimension,
    page: PageSubmit,
    was: Mapping[str, str],
    conflicts: Sequence[Conflict] = (),
) -> str:
    dims = current.dimensions
    position = [d.id for d in dims].index(dim.id)
    return render_template(
        "dimension.html",
        current=current,
        dim=dim,
        page=page,
        was=was,
        was_field=was_field,
        was_mark=MARK,
        conflicts=conflicts,
        answer_text=answer_text,
        framework=framework_of(current.questionnaire),
        position=position,
        first_number=sum(len(current.questions_in(d)) for d in dims[:position]) + 1,
    )


def _after_save(current: Current, dim: Dimension, nav: str, goto: str) -> str:
    """Where a submit goes: a chosen section, previous or next one, the review, or back here."""
    ids = [d.id for d in current.dimensions]
    index = ids.index(dim.id)
    if goto in ids and goto != dim.id:
        return url_for(".dimension", token=current.token, dimension_id=goto)
    if nav == "overview" or (nav == "prev" and index == 0):
        return url_for(".overview", token=current.token)
    if nav == "prev":
        return url_for(".dimension", token=current.token, dimension_id=ids[index - 1])
    if nav == "next":
        if index + 1 == len(ids):
            return url_for(".review", token=current.token)
        return url_for(".dimension", token=current.token, dimension_id=ids[index + 1])
    flash(_("Your answers are saved."), "saved")
    return url_for(".dimension", token=current.token, dimension_id=dim.id)


@survey.get("/a/<token>/review")
def review(token: str) -> str:
    """Unanswered questions, each linked to its place; the way to the results when complete."""
    current = load_current(token)
    missing = {
        d.id: unanswered(current.questions_in(d), current.responses) for d in current.dimensions
    }
    required = [q for q in unanswered(current.questions, current.responses) if q.required]
    return render_template(
        "review.html",
        current=current,
        missing={d: qs for d, qs in missing.items() if qs},
        complete=not required,
        newer=newer_version(current),
        answer_text=answer_text,
        dont_know=framework_of(current.questionnaire).dont_know,
    )


def answer_text(question: Question, response: StoredResponse | None) -> str:
    """A stored answer in words: '3 Partly deployed', 'Not applicable', 'Don't know', or
    'Not answered yet'."""
    if response is None:
        return str(_("Not answered yet"))
    if response.status == "na":
        return str(_("Not applicable"))
    if response.status == "unknown":
        return str(_("Don't know"))
    value = response.value
    option = next((o for o in question.options if o.value == value), None)
    shown = format_value(value) if value is not None else ""
    return f"{shown} {option.label.get(current_lang())}" if option else shown


@survey.post("/a/<token>/finish")
def finish_assessment(token: str) -> Response:
    """Store the results as they are now (every language); the assessment is then finished."""
    current = load_current(token)
    if not current.record.finished:
        required = (q for q in current.questions if q.required)
        if unanswered(required, current.responses):
            flash(
                _("Answer every question to see the results; the ones still open are listed here.")
            )
            return redirect(url_for(".review", token=token), 303)
        try:
            finish(current)
        except ProblemsFound as exc:
            page = render_template("error.html", code=409, kind="problems", problems=exc.problems)
            abort(make_response(page, 409))
        except IntegrityError:
            pass  # finished at the same moment in another tab: its results are the ones kept
        flash(_("Your assessment is finished; its results are kept as they are now."), "saved")
    return redirect(url_for("results.show", token=token), 303)


@survey.route("/a/<token>/version", methods=["GET", "POST"])
def version(token: str) -> str | Response:
    """What moving to the newer questionnaire version changes; POST moves the assessment."""
    current = load_current(token)
    newer = newer_version(current)
    if newer is None:
        return redirect(url_for(".overview", token=token), 303)
    versions = library().versions[newer.id]
    chain = migration_chain(
        library().migrations, newer.id, current.questionnaire.version, newer.version
    )
    if request.method == "GET":
        changes = declared_changes(chain, versions)
        return render_template(
            "version.html", current=current, newer=newer, groups=change_groups(changes, versions)
        )
    with database().transaction() as session:
        if lock_assessment(session, current.record.id) == (current.questionnaire.version, False):
            carried = for_role(
                migrate_responses(stored_responses(session, current.record.id), chain, versions),
                newer,
                current.role,
                current.questionnaire.version,
            )
            replace_responses(
                session, current.record.id, newer.version, carried.responses, carried.notes
            )
    flash(
        _("Your assessment now uses version %(n)d of the questionnaire.", n=newer.version), "saved"
    )
    return redirect(url_for(".overview", token=token), 303)
