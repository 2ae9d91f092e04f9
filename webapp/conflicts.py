"""Stale pages: save only what the person changed, and never overwrite a change made elsewhere.

A dimension page carries, in hidden `was-` fields, the answers it was rendered with. On submit,
a question the person left as it was is not written at all (an answer saved in another tab since
stays); a question the person changed is written unless its stored answer has changed too since
the page was rendered, to something else: that is a conflict, shown to the person, not saved.
A submit without the hidden fields (an older page, the API of tests) saves every answer, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from assessment.content.model import Dimension
from assessment.engine.answers import Response

from .answering import Entry, PageSubmit, clean_text, entry_of

MARK = "was-page"  # present when the page sent the answers it was rendered with


def was_field(part: str, question_id: str) -> str:
    """The hidden field that holds what an input showed when the page was rendered."""
    return f"was-{part}-{question_id}"


@dataclass(frozen=True)
class Conflict:
    """A question changed both on this page and elsewhere since the page was rendered."""

    question: str
    mine: Response
    theirs: Response | None


@dataclass
class SavePlan:
    """What a submit writes, and the conflicts it leaves to the person."""

    save: dict[str, Response] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)


def rendered_entries(dim: Dimension, form: MultiDict[str, str]) -> dict[str, Entry] | None:
    """The answers the submitted page was rendered with (None when it did not send them)."""
    if MARK not in form:
        return None
    return {
        q.id: Entry(
            form.get(was_field("answer", q.id), "").strip(),
            clean_text(form.get(was_field("evidence", q.id), "")),
            clean_text(form.get(was_field("note", q.id), "")),
        )
        for q in dim.questions
    }


def plan_save(
    page: PageSubmit, rendered: Mapping[str, Entry] | None, stored: Mapping[str, Response]
) -> SavePlan:
    """Which of a valid page's answers to write, given what is stored now."""
    if rendered is None:
        return SavePlan(save=dict(page.responses))
    plan = SavePlan()
    for qid, mine in page.responses.items():
        was = rendered.get(qid, Entry())
        if page.entries[qid] == was:
            continue  # not touched here: whatever is stored now stays
        now = stored.get(qid)
        if entry_of(now) in (was, page.entries[qid]):
            plan.save[qid] = mine
        else:
            plan.conflicts.append(Conflict(qid, mine, now))
    return plan
