"""The case journal: append events as they happen, read them back oldest first.

The journal is the coordinator's record (docs/domain.md: "documents every contact in journal
form"), so it holds message texts; logs never do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Case, JournalEntry


def record(
    session: AsyncSession,
    *,
    case_id: int | None,
    at: datetime,
    kind: str,
    summary: str,
    member_key: str | None = None,
    data: dict[str, Any] | None = None,
) -> JournalEntry:
    """Add one journal entry to the session (the caller's transaction commits it)."""
    entry = JournalEntry(
        case_id=case_id, at=at, kind=kind, summary=summary, member_key=member_key, data=data or {}
    )
    session.add(entry)
    return entry


class UnknownCase(LookupError):
    """No case has this reference."""


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    kind: str
    member: str | None
    summary: str
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "member": self.member,
            "summary": self.summary,
            "data": self.data,
        }


async def find_case(session: AsyncSession, ref: str) -> Case:
    """The case with reference ``ref``; raises :class:`UnknownCase`."""
    case = (await session.exec(select(Case).where(Case.ref == ref))).first()
    if case is None:
        raise UnknownCase(ref)
    return case


async def read_journal(session: AsyncSession, ref: str) -> list[JournalLine]:
    """Every entry of the case ``ref``, oldest first (ties in insertion order)."""
    case = await find_case(session, ref)
    rows = await session.exec(
        select(JournalEntry)
        .where(JournalEntry.case_id == case.id)
        .order_by(col(JournalEntry.at), col(JournalEntry.id))
    )
    return [JournalLine(r.at, r.kind, r.member_key, r.summary, dict(r.data or {})) for r in rows]


def format_text(lines: list[JournalLine], tz_name: str) -> str:
    """Human-readable journal in the case's local time."""
    from sigbot.timeutil import zone

    tz = zone(tz_name)
    out = []
    for line in lines:
        when = line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        who = f" [{line.member}]" if line.member else ""
        summary = " / ".join(part for part in line.summary.splitlines() if part.strip())
        out.append(f"{when}  {line.kind:<22}{who} {summary}")
    return "\n".join(out)


def format_json(lines: list[JournalLine]) -> str:
    return json.dumps([line.as_json() for line in lines], ensure_ascii=False, indent=2)
