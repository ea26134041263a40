"""``sigbot demo``: about four weeks of an invented case, played in seconds on a simulated clock.

Everything real runs: the plan file importer, the planner, the outbox dispatcher, the inbound
handler and the escalation rules, on an embedded SQLite database. Only the two channels are
stand-ins that record what they would send, and the people's answers come from a script.
What you see is the case journal as it grows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from sigbot.channels.base import RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.domain.escalations import acknowledge
from sigbot.domain.inbound import InboundHandler, Incoming
from sigbot.messages.replies import ReplyKind
from sigbot.messages.texts import Catalog, MessageComposer
from sigbot.models import Commitment, Escalation, JournalEntry, Member, OutboxMessage, OutboxState
from sigbot.outbox.dispatcher import Dispatcher
from sigbot.outbox.messenger import Messenger
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from sigbot.scheduler.planner import Planner
from sigbot.timeutil import zone

CASE_FILE = Path(__file__).with_name("demo_case.yaml")
START = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Stockholm
DAYS = 28
TZ = zone("Europe/Stockholm")

SHOWN = {
    "message.sent": "→",
    "reply.received": "←",
    "escalation.opened": "⚠",
    "escalation.raised": "⚠",
    "escalation.acknowledged": "✓",
    "commitment.missed": "✗",
    "reminder.unanswered": "✗",
    "message.withheld": "⊘",
    "message.dropped": "⊘",
    "plan.version": "★",
    "plan.imported": "★",
    "answer.recorded": "·",
    "commitment.done": "✓",
}


@dataclass
class Script:
    """What the invented people answer, and when."""

    pending: list[tuple[datetime, Callable[[], Incoming | tuple[str, int, str]]]] = field(
        default_factory=list
    )
    check_ins_seen: int = 0

    def react(self, row: OutboxMessage, member: Member, now: datetime) -> None:
        day = (now - START).days
        if member.key == "noah" and row.kind == "check_in":
            self.check_ins_seen += 1
            answer = ReplyKind.NO if self.check_ins_seen == 6 else ReplyKind.YES
            self._button(row, now + timedelta(minutes=25), answer)
        elif member.key == "noah" and row.kind == "appointment_reminder":
            if "Jobbtorg" in str(row.params.get("what")):
                self._button(row, now + timedelta(minutes=10), ReplyKind.HELP)
            else:
                self._button(row, now + timedelta(minutes=40), ReplyKind.YES)
        elif member.key == "noah" and row.kind in ("meeting_invitation", "meeting_reminder"):
            self._button(row, now + timedelta(minutes=30), ReplyKind.YES)
        elif member.key == "leila" and row.kind in ("meeting_invitation", "meeting_reminder"):
            self._sms(member, now + timedelta(minutes=50), "1")
        elif member.key == "leila" and row.kind == "welcome_sms":
            self._sms(member, now + timedelta(minutes=5), "ok tack")
        elif member.key == "leila" and row.kind == "commitment_due":
            pass  # Leila forgets: no answer, so it counts as missed
        elif member.key == "karin" and row.kind == "check_in":
            self._button(row, now + timedelta(hours=1), ReplyKind.YES)
        elif row.kind == "escalation" and row.subject_id is not None:
            # Maja acknowledges the first alerts within the hour; in week two she is away
            # and the alert climbs to Jonas, who calls a meeting.
            if member.key == "maja" and day < 9:
                self._ack(
                    row.subject_id, member.telegram_chat_id, now + timedelta(minutes=45), "call"
                )
            elif member.key == "jonas":
                self._ack(
                    row.subject_id, member.telegram_chat_id, now + timedelta(minutes=20), "meeting"
                )

    def _button(self, row: OutboxMessage, at: datetime, kind: ReplyKind) -> None:
        assert row.id is not None
        outbox_id, address = row.id, row.address
        self.pending.append(
            (
                at,
                lambda: Incoming(
                    "telegram", address, "", f"demo-cb-{outbox_id}", (kind, outbox_id)
                ),
            )
        )

    def _sms(self, member: Member, at: datetime, text: str) -> None:
        phone = member.phone or ""
        n = len(self.pending)
        self.pending.append((at, lambda: Incoming("sms", phone, text, f"SMdemo{n}")))

    def _ack(self, escalation_id: int, chat: int | None, at: datetime, action: str) -> None:
        self.pending.append((at, lambda: ("ack", escalation_id, f"{chat}:{action}")))

    def due(self, now: datetime) -> list[Incoming | tuple[str, int, str]]:
        ready = [make for at, make in self.pending if at <= now]
        self.pending = [(at, make) for at, make in self.pending if at > now]
        return [make() for make in ready]


def _revised_plan(text: str) -> str:
    """What the coordinator writes after the network meeting on 21 December."""
    return (
        text.replace(
            "Gå till skolan varje dag, check_in: adaptive",
            "Gå till skolan varje dag och till fritids på onsdagar, check_in: adaptive",
        )
        .replace(
            "Call the school when Noah is absent, due: 2026-12-04T12:00",
            "Come to the parents' evening at school, due: 2027-01-14T18:00",
        )
        .replace(
            "  - {key: revisit,",
            "  - {key: next, kind: network, at: 2027-01-18T15:00, place: Tensta träff, "
            "invite: [noah, leila, maja, karin]}\n  - {key: revisit,",
        )
    )


async def run_demo(
    *,
    catalog: Catalog,
    out: Callable[[str], None] = print,
    database_path: Path | None = None,
    days: int = DAYS,
) -> dict[str, int]:
    """Play the demo; returns counts of what happened (for tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = database_path or Path(tmp) / "demo.db"
        db = Database.from_url(f"sqlite+aiosqlite:///{path}")
        try:
            return await _play(db, catalog, out, days)
        finally:
            await db.dispose()


async def _play(
    db: Database, catalog: Catalog, out: Callable[[str], None], days: int
) -> dict[str, int]:
    await migrate(db)
    clock = FakeClock(START)
    channels = {"telegram": RecordingChannel("telegram"), "sms": RecordingChannel("sms")}
    messenger = Messenger(MessageComposer(catalog), frozenset(channels))
    dispatcher = Dispatcher(db=db, channels=channels, messenger=messenger, clock=clock)
    planner = Planner(db=db, messenger=messenger, clock=clock)
    inbound = InboundHandler(db=db, messenger=messenger, clock=clock)
    script = Script()
    text = CASE_FILE.read_text(encoding="utf-8")
    plan = parse_plan_text(text, source="demo_case.yaml", default_timezone="Europe/Stockholm")
    async with db.session() as session:
        await import_plan(session=session, plan=plan, clock=clock)
        await session.commit()
    out(f"sigbot demo — case {plan.ref}, {days} days on a simulated clock (Europe/Stockholm)")
    out("→ sent   ← answer   ⚠ escalation   ✓ acknowledged/done   ✗ missed   ⊘ withheld   ★ plan\n")
    last_journal = 0
    last_sent = datetime.min.replace(tzinfo=UTC)
    revised = False
    seen: set[int] = set()
    counts = {"sent": 0, "answers": 0, "escalations": 0, "plan_versions": 1}
    end = START + timedelta(days=days)
    while clock.now() < end:
        now = clock.now()
        if not revised and now >= datetime(2026, 12, 21, 15, 45, tzinfo=UTC):
            revised = True
            new_plan = parse_plan_text(
                _revised_plan(text), source="demo_case.yaml", default_timezone="Europe/Stockholm"
            )
            async with db.session() as session:
                await import_plan(session=session, plan=new_plan, clock=clock)
                await session.commit()
            counts["plan_versions"] += 1
        for event in script.due(now):
            if isinstance(event, Incoming):
                await inbound.handle(event)
                counts["answers"] += 1
            else:
                _, escalation_id, who = event
                chat, action = who.split(":")
                async with db.session() as session:
                    members = await session.exec(
                        select(Member).where(Member.telegram_chat_id == int(chat))
                    )
                    for member in members:
                        if await acknowledge(
                            session, escalation_id=escalation_id, by=member, action=action, now=now
                        ):
                            break
                    await session.commit()
        await planner.tick()
        await dispatcher.drain()
        async with db.session() as session:
            sent = await session.exec(
                select(OutboxMessage)
                .where(
                    col(OutboxMessage.sent_at) >= last_sent,
                    OutboxMessage.state == OutboxState.SENT,
                )
                .order_by(col(OutboxMessage.sent_at), col(OutboxMessage.id))
            )
            for row in sent:
                assert row.sent_at is not None and row.id is not None
                if row.id in seen:
                    continue
                seen.add(row.id)
                last_sent = max(last_sent, row.sent_at)
                counts["sent"] += 1
                recipient = await session.get(Member, row.member_id) if row.member_id else None
                if recipient is not None:
                    script.react(row, recipient, now)
            entries = await session.exec(
                select(JournalEntry)
                .where(col(JournalEntry.id) > last_journal)
                .order_by(col(JournalEntry.id))
            )
            for entry in entries:
                assert entry.id is not None
                last_journal = entry.id
                mark = SHOWN.get(entry.kind)
                if mark is None:
                    continue
                if entry.kind == "escalation.opened":
                    counts["escalations"] += 1
                when = entry.at.astimezone(TZ).strftime("%a %d %b %H:%M")
                out(f"{when}  {mark} {entry.summary}")
        clock.set(await _next_wake(db, clock.now(), script))
    async with db.session() as session:
        open_escalations = len(
            list(
                await session.exec(
                    select(Escalation).where(col(Escalation.acknowledged_at).is_(None))
                )
            )
        )
    counts["open_escalations"] = open_escalations
    out(
        f"\n{counts['sent']} messages sent, {counts['answers']} answers, "
        f"{counts['escalations']} escalations, {counts['plan_versions']} plan versions.\n"
        "What you saw is the case journal; on a real database: sigbot journal REF."
    )
    return counts


async def _next_wake(db: Database, now: datetime, script: Script) -> datetime:
    """Jump to the next thing that can happen, at most an hour ahead."""
    candidates = [now + timedelta(hours=1)]
    candidates += [at for at, _ in script.pending]
    async with db.session() as session:
        due = (
            await session.exec(
                select(OutboxMessage.due_at)
                .where(OutboxMessage.state == OutboxState.PENDING, col(OutboxMessage.due_at) > now)
                .order_by(col(OutboxMessage.due_at))
            )
        ).first()
        if due is not None:
            candidates.append(due)
        reply_by = (
            await session.exec(
                select(OutboxMessage.reply_by)
                .where(
                    col(OutboxMessage.answered_at).is_(None),
                    col(OutboxMessage.reply_by) > now,
                )
                .order_by(col(OutboxMessage.reply_by))
            )
        ).first()
        if reply_by is not None:
            candidates.append(reply_by)
        check_in = (
            await session.exec(
                select(Commitment.next_check_in_at)
                .where(col(Commitment.next_check_in_at) > now)
                .order_by(col(Commitment.next_check_in_at))
            )
        ).first()
        if check_in is not None:
            candidates.append(check_in)
        due_commitment = (
            await session.exec(
                select(Commitment.due_at)
                .where(col(Commitment.due_at) > now, Commitment.status == "open")
                .order_by(col(Commitment.due_at))
            )
        ).first()
        if due_commitment is not None:
            candidates.append(due_commitment)
    return max(min(candidates), now + timedelta(minutes=1))
