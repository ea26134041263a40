"""``sigbot demo``: about four weeks of an invented case, played in seconds on a simulated clock.

Everything real runs, wired as ``sigbot run`` wires it: the plan file importer, the planner, the
outbox dispatcher, the inbound handler and the escalation rules, on an embedded SQLite database.
Only the two channels are stand-ins that record what they would send, and the people's answers
come from a script. What you see is the case journal as it grows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from sigbot.app.core import Core, build_core
from sigbot.channels.base import Channel, RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.demo.script import START, Script, revised_plan
from sigbot.domain.escalations import acknowledge_from_chat
from sigbot.domain.inbound import Incoming
from sigbot.journal import member_names
from sigbot.journal_texts import describe
from sigbot.messages.composer import Catalog
from sigbot.messages.translator import Translator
from sigbot.models import (
    ChannelKind,
    Commitment,
    CommitmentStatus,
    Escalation,
    JournalEntry,
    JournalKind,
    Member,
    OutboxMessage,
    OutboxState,
)
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from sigbot.timeutil import zone

CASE_FILE = Path(__file__).parent.parent / "demo_case.yaml"
DAYS = 28
TZ = zone("Europe/Stockholm")
REVISED_AT = datetime(2026, 12, 21, 15, 45, tzinfo=UTC)  # after the network meeting
EN = Translator()  # the demo speaks English, as its own lines do
SHOWN = {
    JournalKind.MESSAGE_SENT: "→",
    JournalKind.REPLY_RECEIVED: "←",
    JournalKind.ESCALATION_OPENED: "⚠",
    JournalKind.ESCALATION_RAISED: "⚠",
    JournalKind.ESCALATION_ACKNOWLEDGED: "✓",
    JournalKind.COMMITMENT_MISSED: "✗",
    JournalKind.REMINDER_UNANSWERED: "✗",
    JournalKind.MESSAGE_WITHHELD: "⊘",
    JournalKind.MESSAGE_DROPPED: "⊘",
    JournalKind.PLAN_VERSION: "★",
    JournalKind.PLAN_IMPORTED: "★",
    JournalKind.ANSWER_RECORDED: "·",
    JournalKind.COMMITMENT_DONE: "✓",
    JournalKind.TRAVEL_PLAN: "·",
}


async def run_demo(
    *,
    catalog: Catalog,
    out: Callable[[str], None] = print,
    database_path: Path | None = None,
    days: int = DAYS,
    then: Callable[[Core], Awaitable[None]] | None = None,
) -> dict[str, int]:
    """Play the demo; returns counts of what happened (for tests). ``then`` runs on the played
    database before it is closed (``--serve`` opens the workspace there)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite+aiosqlite:///{database_path or Path(tmp) / 'demo.db'}")
        try:
            await migrate(db)
            channels: dict[str, Channel] = {
                name: RecordingChannel(name) for name in (ChannelKind.TELEGRAM, ChannelKind.SMS)
            }
            core = build_core(db=db, clock=FakeClock(START), channels=channels, catalog=catalog)
            counts = await Demo(core, out).play(days)
            if then is not None:
                await then(core)
            return counts
        finally:
            await db.dispose()


@dataclass
class Demo:
    """The simulated weeks: import, let time pass, let the script's people answer, show."""

    core: Core
    out: Callable[[str], None]
    script: Script = field(default_factory=Script)
    counts: dict[str, int] = field(
        default_factory=lambda: {"sent": 0, "answers": 0, "escalations": 0, "plan_versions": 1}
    )
    last_journal: int = 0
    shown_sent: set[int] = field(default_factory=set)

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.core.clock, FakeClock)
        return self.core.clock

    async def play(self, days: int) -> dict[str, int]:
        text = CASE_FILE.read_text(encoding="utf-8")
        ref = await self._import(text)
        self.out(f"sigbot demo — case {ref}, {days} days on a simulated clock (Europe/Stockholm)")
        self.out(
            "→ sent   ← answer   ⚠ escalation   ✓ acknowledged/done   ✗ missed   ⊘ withheld   "
            "★ plan\n"
        )
        revised = False
        end = START + timedelta(days=days)
        while self.clock.now() < end:
            if not revised and self.clock.now() >= REVISED_AT:
                revised = True
                await self._import(revised_plan(text))
                self.counts["plan_versions"] += 1
            await self._people_answer()
            await self.core.cycle()
            await self._show()
            self.clock.set(await self._next_wake())
        self.counts["open_escalations"] = await self._count(
            select(func.count())
            .select_from(Escalation)
            .where(col(Escalation.acknowledged_at).is_(None))
        )
        self.out(
            f"\n{self.counts['sent']} messages sent, {self.counts['answers']} answers, "
            f"{self.counts['escalations']} escalations, "
            f"{self.counts['plan_versions']} plan versions.\n"
            "What you saw is the case journal; on a real database: sigbot journal REF."
        )
        return self.counts

    async def _import(self, text: str) -> str:
        plan = parse_plan_text(text, source="demo_case.yaml", default_timezone=TZ.key)
        async with self.core.db.session() as session:
            await import_plan(session=session, plan=plan, clock=self.clock)
            await session.commit()
        return plan.ref

    async def _people_answer(self) -> None:
        now = self.clock.now()
        for event in self.script.due(now):
            if isinstance(event, Incoming):
                await self.core.inbound.handle(event)
                self.counts["answers"] += 1
                continue
            async with self.core.db.session() as session:
                await acknowledge_from_chat(
                    session,
                    escalation_id=event.escalation_id,
                    chat_id=event.chat_id,
                    action=event.action,
                    now=now,
                )
                await session.commit()

    async def _show(self) -> None:
        """Let the script react to what went out, and print the new journal lines."""
        async with self.core.db.session() as session:
            sent = await session.exec(
                select(OutboxMessage)
                .where(
                    col(OutboxMessage.id).not_in(self.shown_sent),
                    OutboxMessage.state == OutboxState.SENT,
                )
                .order_by(col(OutboxMessage.sent_at), col(OutboxMessage.id))
            )
            for row in sent:
                assert row.id is not None
                self.shown_sent.add(row.id)
                self.counts["sent"] += 1
                recipient = await session.get(Member, row.member_id) if row.member_id else None
                if recipient is not None:
                    self.script.react(row, recipient, self.clock.now())
            entries = await session.exec(
                select(JournalEntry)
                .where(col(JournalEntry.id) > self.last_journal)
                .order_by(col(JournalEntry.id))
            )
            for entry in entries:
                assert entry.id is not None
                self.last_journal = entry.id
                mark = SHOWN.get(JournalKind(entry.kind))
                if mark is not None:
                    self.counts["escalations"] += entry.kind == JournalKind.ESCALATION_OPENED
                    when = entry.at.astimezone(TZ).strftime("%a %d %b %H:%M")
                    names = await member_names(session, entry.case_id or 0)
                    who = names.get(entry.member_key or "")
                    said = describe(entry.kind, entry.data or {}, who, entry.summary, "en", EN)
                    self.out(f"{when}  {mark} {said}")

    async def _next_wake(self) -> datetime:
        """Jump to the next thing that can happen, at most an hour ahead."""
        now = self.clock.now()
        candidates = [now + timedelta(hours=1), *(at for at, _ in self.script.pending)]
        pending = OutboxMessage.state == OutboxState.PENDING
        open_commitment = Commitment.status == CommitmentStatus.OPEN
        for column, *where in (
            (OutboxMessage.due_at, pending),
            (OutboxMessage.reply_by, col(OutboxMessage.answered_at).is_(None)),
            (Commitment.next_check_in_at,),
            (Commitment.due_at, open_commitment),
        ):
            found = await self._first(column, now, *where)
            if found is not None:
                candidates.append(found)
        return max(min(candidates), now + timedelta(minutes=1))

    async def _first(self, column: Any, now: datetime, *where: Any) -> datetime | None:
        async with self.core.db.session() as session:
            query = select(column).where(col(column) > now, *where).order_by(col(column))
            found: datetime | None = (await session.exec(query)).first()
            return found

    async def _count(self, query: Any) -> int:
        async with self.core.db.session() as session:
            return int((await session.exec(query)).one())
