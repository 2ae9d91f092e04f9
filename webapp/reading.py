"""Reading time on the server: when each survey page was shown and saved, and the finding when a
respondent answered faster than the questions can be read (assessment/engine/reading.py states
the reading time and why).

A page's time is the time from its first showing not yet followed by a save to the save, summed
over its saves (a page saved twice counts both visits). Showing a page again before saving keeps the
first showing, so a second tab never shortens the time: the measure can only overstate, and the
finding is a floor. An assessment answered before pages were timed (or through other means) has no
timing and never raises the finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response
from assessment.engine.reading import Timing, reading_seconds, with_reading_time
from assessment.engine.result import Result

from .models import PageTime, utcnow


def page_shown(session: Session, assessment_id: int, dimension_id: str) -> None:
    """Note that the page was shown, unless an earlier showing is still waiting for its save."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    row = {"assessment_id": assessment_id, "dimension_id": dimension_id, "seconds": 0.0}
    stmt = dialect.insert(PageTime.__table__).values(shown_at=utcnow(), **row)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["assessment_id", "dimension_id"]))
    session.execute(
        update(PageTime)
        .where(_page(assessment_id, dimension_id), PageTime.shown_at.is_(None))
        .values(shown_at=utcnow())
    )


def page_saved(session: Session, assessment_id: int, dimension_id: str) -> None:
    """Add the time since the page was shown to the page's time (nothing when it was not shown)."""
    row = session.scalar(select(PageTime).where(_page(assessment_id, dimension_id)))
    if row is None or row.shown_at is None:
        return
    now = utcnow()
    row.seconds += max(0.0, (now - _aware(row.shown_at)).total_seconds())
    row.shown_at, row.saved_at = None, now


def respondent_timing(
    session: Session,
    assessment_id: int,
    questionnaire: Questionnaire,
    role: str | None,
    responses: Mapping[str, Response],
) -> Timing | None:
    """The respondent's time over the questions answered on saved pages; None when any answered
    page was never timed (answered before timing began, or by other means)."""
    rows = session.scalars(select(PageTime).where(PageTime.assessment_id == assessment_id))
    timed = {row.dimension_id: row.seconds for row in rows if row.saved_at is not None}
    answered = []
    for dim in questionnaire.dimensions:
        mine = [q for q in questionnaire.dimension_questions(dim, role) if q.id in responses]
        if mine and dim.id not in timed:
            return None
        answered += mine
    seconds = sum(timed.values())
    return Timing(str(assessment_id), len(answered), seconds, reading_seconds(answered))


def timed(result: Result, timings: Iterable[Timing | None]) -> Result:
    """The result with the reading-time finding over the respondents whose pages were timed."""
    return with_reading_time(result, [t for t in timings if t is not None])


def _page(assessment_id: int, dimension_id: str) -> ColumnElement[bool]:
    return (PageTime.assessment_id == assessment_id) & (PageTime.dimension_id == dimension_id)


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
