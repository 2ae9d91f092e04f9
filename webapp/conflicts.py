"""Stale pages: save only what the person changed, and never overwrite a change made elsewhere.

A dimension page carries, in hidden `was-` fields, a fingerprint of each answer it was rendered
with (the choice and a digest of evidence and note: the texts themselves could double a large
page's size). On submit,
a question the person left as it was is not written at all (an answer saved in another tab since
stays); a question the person changed is written unless its stored answer has changed too since
the page was rendered, to something else: that is a conflict, shown to the person, not saved.
A submit without the hidden fields (an older page, the API of tests) saves every answer, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from assessment.content.model import Question
from assessment.engine.answers import Response

from .answering import Entry, PageSubmit, entry_of

MARK = "was-page"  # present when the page sent the answers it was rendered with


def was_field(question_id: str) -> str:
    """The hidden field that holds the fingerprint of what a question showed when rendered."""
    return f"was-{question_id}"


def fingerprint(entry: Entry) -> str:
    """The choice, and a digest of evidence and note: '3:5f1c...' ('' for no answer at all)."""
    if entry == Entry():
        return ""
    texts = f"{entry.evidence}\0{entry.note}".encode()
    return f"{entry.choice}:{hashlib.sha256(texts).hexdigest()[:32]}"


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


def rendered_entries(
    questions: Iterable[Question], form: MultiDict[str, str]
) -> dict[str, str] | None:
    """The fingerprints of the answers the page was rendered with (None when it sent none)."""
    if MARK not in form:
        return None
    return {q.id: form.get(was_field(q.id), "").strip() for q in questions}


def plan_save(
    page: PageSubmit, rendered: Mapping[str, str] | None, stored: Mapping[str, Response]
) -> SavePlan:
    """Which of a valid page's answers to write, given what is stored now."""
    if rendered is None:
        return SavePlan(save=dict(page.responses))
    plan = SavePlan()
    for qid, mine in page.responses.items():
        was, submitted = rendered.get(qid, ""), fingerprint(page.entries[qid])
        if submitted == was:
            continue  # not touched here: whatever is stored now stays
        now = stored.get(qid)
        if fingerprint(entry_of(now)) in (was, submitted):
            plan.save[qid] = mine
        else:
            plan.conflicts.append(Conflict(qid, mine, now))
    return plan
