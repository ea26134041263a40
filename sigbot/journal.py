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

from sigbot.journal_texts import Catalog, describe
from sigbot.messages.translator import Translator
from sigbot.models import Case, JournalEntry, Member


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
    # The member's name as the case has it now ("[erased]" after an erasure).
    name: str | None = None

    def text(self, language: str, catalog: Catalog | None = None) -> str:
        """The line's sentence in ``language`` (``sigbot.journal_texts``), from sigbot's message
        catalog unless another is given."""
        who = self.name or self.member
        found = catalog if catalog is not None else Translator()
        return describe(self.kind, self.data, who, self.summary, language, found)

    def as_json(
        self, language: str | None = None, catalog: Catalog | None = None
    ) -> dict[str, Any]:
        out = {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "member": self.member,
            "summary": self.summary,
            "data": self.data,
        }
        if language is not None and catalog is not None:
            out["text"] = self.text(language, catalog)
        return out


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
    names = await member_names(session, case.id or 0)
    return [
        JournalLine(
            r.at, r.kind, r.member_key, r.summary, dict(r.data or {}), names.get(r.member_key or "")
        )
        for r in rows
    ]


async def member_names(session: AsyncSession, case_id: int) -> dict[str, str]:
    """Each member key of the case with the name it has now."""
    rows = await session.exec(select(Member.key, Member.name).where(Member.case_id == case_id))
    return {key: name for key, name in rows}


def format_text(
    lines: list[JournalLine], tz_name: str, language: str = "en", catalog: Catalog | None = None
) -> str:
    """Human-readable journal in the case's local time, each line in ``language``."""
    from sigbot.timeutil import zone

    tz = zone(tz_name)
    out = []
    for line in lines:
        when = line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        who = f" [{line.member}]" if line.member else ""
        said = line.text(language, catalog) if catalog is not None else line.summary
        said = " / ".join(part for part in said.splitlines() if part.strip())
        out.append(f"{when}  {line.kind:<22}{who} {said}")
    return "\n".join(out)


def format_json(
    lines: list[JournalLine], language: str | None = None, catalog: Catalog | None = None
) -> str:
    """The stable fields (at, kind, member, summary, data) and, given a language, ``text``."""
    rows = [line.as_json(language, catalog) for line in lines]
    return json.dumps(rows, ensure_ascii=False, indent=2)


async def render_journal(session: AsyncSession, ref: str, *, as_json: bool, language: str) -> str:
    """``sigbot journal REF``: text or JSON, each line also in ``language``; raises
    :class:`UnknownCase`."""
    case = await find_case(session, ref)
    lines = await read_journal(session, ref)
    if as_json:
        return format_json(lines, language, Translator())
    return format_text(lines, case.timezone, language, Translator())
