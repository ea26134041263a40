"""Calendar files of a case's events: GET /cases/{ref}/appointments/{id}.ics and
/cases/{ref}/meetings/{id}.ics, so staff can put a time in their own calendar.

Only for an account that may see the case; another case's event is not found, as an unseen
case is. A cancelled event gives the file that removes it. Each download is a read of the case
and is journaled as the case page is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigbot.domain.access import case_for, journal_access
from sigbot.domain.event_actions import appointment_of, meeting_of
from sigbot.handlers.workspace.auth import Db, PageUser, Principal
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import gettext
from sigbot.handlers.workspace.render import language_of
from sigbot.handlers.workspace.words import words
from sigbot.messages.calendar import event_ics, event_uid, ics_filename
from sigbot.models import Appointment, Case, EventStatus, Meeting

router = APIRouter(include_in_schema=False)
MEDIA_TYPE = "text/calendar; charset=utf-8"


def _sequence(event: Appointment | Meeting) -> int:
    """The event's revision if the model keeps one; until it does every file is revision 0,
    so a calendar that already has the event may not take a move or cancellation from it."""
    revision = getattr(event, "sequence", 0)
    return revision if isinstance(revision, int) else 0


def _file(
    case: Case, event: Appointment | Meeting, kind: str, title: str, now: datetime
) -> Response:
    assert event.id is not None  # loaded from the database
    body = event_ics(
        uid=event_uid(kind, event.id),
        title=title,
        start=event.starts_at,
        end=None,
        tz_name=case.timezone,
        location=event.place,
        sequence=_sequence(event),
        cancelled=event.status == EventStatus.CANCELLED,
        stamp=now,
        description=case.ref,
    )
    name = ics_filename(title, event.starts_at, case.timezone)
    return Response(
        body,
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _word(request: Request, user: Principal) -> Callable[[str, str | None], str]:
    return words(gettext(language_of(request, user)))


@router.get("/cases/{ref}/appointments/{item:int}.ics")
async def appointment_file(
    request: Request, ref: str, item: int, session: Db, user: PageUser
) -> Response:
    """One appointment as a calendar file; its title is what it is (``BUP``)."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    appointment = await appointment_of(session, case, item)
    response = _file(case, appointment, "appointment", appointment.what, now)
    what = f"calendar file: appointment {appointment.key}"
    journal_access(session, case=case, account=user.account, what=what, now=now)
    await session.commit()
    return response


@router.get("/cases/{ref}/meetings/{item:int}.ics")
async def meeting_file(
    request: Request, ref: str, item: int, session: Db, user: PageUser
) -> Response:
    """One meeting as a calendar file, titled by its kind in the reader's language."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    meeting = await meeting_of(session, case, item)
    title = _word(request, user)("meeting", meeting.kind)
    response = _file(case, meeting, "meeting", title, now)
    what = f"calendar file: meeting {meeting.key}"
    journal_access(session, case=case, account=user.account, what=what, now=now)
    await session.commit()
    return response
