"""Everything people send us: SMS replies, Telegram messages and button presses.

Each message is stored first (nothing is lost, even what we cannot understand), matched to the
person and to the reminder or check-in it answers, then acted on. Senders we do not know get a
short neutral answer that says nothing about any case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.answers import apply_answer
from sigbot.domain.escalations import escalate
from sigbot.domain.opt_out import from_unknown_sender, stop_or_start
from sigbot.journal import record
from sigbot.messages.replies import ReplyKind, parse_reply
from sigbot.models import (
    REACHED_STATES,
    Case,
    CaseStatus,
    ChannelKind,
    EscalationReason,
    InboundMessage,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    Topic,
)
from sigbot.outbox.messenger import Messenger, coordinators
from sigbot.outbox.store import Route

log = structlog.get_logger(__name__)

ANSWER_WINDOW = timedelta(days=7)
ACKS = {
    ReplyKind.YES: MessageKind.ACK_YES,
    ReplyKind.HELP: MessageKind.ACK_HELP,
    ReplyKind.NO: MessageKind.ACK_NO,
}
ANSWERABLE = tuple(ACKS)


@dataclass(frozen=True)
class Incoming:
    """One message as a provider handed it to us."""

    channel: str
    address: str
    text: str
    provider_id: str | None = None
    callback: tuple[ReplyKind, int] | None = None


@dataclass
class InboundResult:
    """What became of a message, for the webhook/handler to answer and for tests to check."""

    kind: ReplyKind
    duplicate: bool = False
    unknown_sender: bool = False
    inbound_id: int | None = None
    prompt_id: int | None = None
    member_keys: list[str] = field(default_factory=list)


class InboundHandler:
    """Stores, matches and acts on incoming messages."""

    def __init__(self, *, db: Database, messenger: Messenger, clock: Clock) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock

    async def handle(self, incoming: Incoming) -> InboundResult:
        """Process one incoming message in one transaction."""
        async with self.db.session() as session:
            result = await self._handle(session, incoming)
            await session.commit()
        log.info(
            "inbound",
            channel=incoming.channel,
            kind=result.kind,
            known=not result.unknown_sender,
            duplicate=result.duplicate,
        )
        return result

    async def _handle(self, session: AsyncSession, incoming: Incoming) -> InboundResult:
        now = self.clock.now()
        kind = incoming.callback[0] if incoming.callback else parse_reply(incoming.text)
        if incoming.provider_id is not None:
            seen = await session.exec(
                select(InboundMessage.id).where(InboundMessage.provider_id == incoming.provider_id)
            )
            if seen.first() is not None:
                return InboundResult(kind=kind, duplicate=True)
        members = await self._members(session, incoming)
        if not members:
            inbound_id = await from_unknown_sender(
                session,
                self.messenger,
                channel=incoming.channel,
                address=incoming.address,
                text=incoming.text,
                provider_id=incoming.provider_id,
                kind=kind,
                now=now,
            )
            return InboundResult(kind=kind, unknown_sender=True, inbound_id=inbound_id)
        result = InboundResult(kind=kind, member_keys=[m.key for m in members])
        if incoming.channel == ChannelKind.SMS and kind in (ReplyKind.STOP, ReplyKind.START):
            result.inbound_id = await stop_or_start(
                session,
                self.messenger,
                address=incoming.address,
                text=incoming.text,
                provider_id=incoming.provider_id,
                members=members,
                stop=kind is ReplyKind.STOP,
                now=now,
            )
            return result
        return await self._from_member(session, incoming, kind, members, now, result)

    async def _from_member(
        self,
        session: AsyncSession,
        incoming: Incoming,
        kind: ReplyKind,
        members: list[Member],
        now: datetime,
        result: InboundResult,
    ) -> InboundResult:
        """Store what a case member wrote, then act on it: an answer, help, or free text."""
        prompt = await self._prompt(session, incoming, members, now)
        member = next((m for m in members if prompt and m.id == prompt.member_id), members[0])
        case = await session.get(Case, member.case_id)
        assert case is not None
        row = await self._store(session, incoming, kind, case, member, prompt, now)
        result.inbound_id = row.id
        result.prompt_id = prompt.id if prompt else None
        if prompt is not None and kind in ANSWERABLE:
            await apply_answer(
                session, self.messenger, prompt=prompt, member=member, case=case, kind=kind, now=now
            )
            await self._ack(session, case, member, ACKS[kind], row, now)
        elif kind is ReplyKind.HELP:
            await escalate(
                session,
                self.messenger,
                case=case,
                member=member,
                reason=EscalationReason.HELP,
                what="asked for help",
                answer=incoming.text,
                now=now,
                dedupe_key=f"help|inbound|{row.id}",
            )
            await self._ack(session, case, member, MessageKind.ACK_HELP, row, now)
        else:
            # Free text, or an answer with nothing open to answer: the coordinator reads it.
            await self.messenger.to_coordinators(
                session,
                case=case,
                kind=MessageKind.REPLY_ATTENTION,
                params={"who": member.name, "text": incoming.text, "case": case.ref},
                key=f"reply-attention|{row.id}",
                now=now,
            )
            await self._ack(session, case, member, MessageKind.ACK_UNKNOWN, row, now)
        return result

    @staticmethod
    async def _store(
        session: AsyncSession,
        incoming: Incoming,
        kind: ReplyKind,
        case: Case,
        member: Member,
        prompt: OutboxMessage | None,
        now: datetime,
    ) -> InboundMessage:
        """Keep the message and journal it before anything else happens."""
        row = InboundMessage(
            channel=incoming.channel,
            address=incoming.address,
            provider_id=incoming.provider_id,
            case_id=case.id,
            member_id=member.id,
            body=incoming.text,
            reply_kind=kind,
            in_reply_to=prompt.id if prompt else None,
            received_at=now,
        )
        session.add(row)
        await session.flush()
        shown = incoming.text if not incoming.callback else f"[button: {kind}]"
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.REPLY_RECEIVED,
            member_key=member.key,
            summary=f"{member.name} wrote via {incoming.channel}: {shown} → {kind}",
            data={"inbound_id": row.id, "reply": kind, "in_reply_to": row.in_reply_to},
        )
        return row

    async def _members(self, session: AsyncSession, incoming: Incoming) -> list[Member]:
        """Active members reachable at this address, in cases that are not closed."""
        query = (
            select(Member)
            .join(Case, col(Case.id) == col(Member.case_id))
            .where(col(Member.active), Case.status != CaseStatus.CLOSED)
        )
        if incoming.channel == ChannelKind.SMS:
            query = query.where(Member.phone == incoming.address)
        else:
            try:
                chat = int(incoming.address)
            except ValueError:
                return []
            query = query.where(Member.telegram_chat_id == chat)
        return list(await session.exec(query.order_by(col(Member.id))))

    async def _prompt(
        self, session: AsyncSession, incoming: Incoming, members: list[Member], now: datetime
    ) -> OutboxMessage | None:
        """The reminder or check-in this message answers: the button's, or the latest open one."""
        ids = [m.id for m in members]
        if incoming.callback is not None:
            prompt = await session.get(OutboxMessage, incoming.callback[1])
            if prompt is None or prompt.member_id not in ids or prompt.answered_at is not None:
                return None
            return prompt
        rows = await session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.member_id).in_(ids),
                col(OutboxMessage.expects_reply),
                col(OutboxMessage.answered_at).is_(None),
                col(OutboxMessage.state).in_(REACHED_STATES),
                col(OutboxMessage.sent_at) >= now - ANSWER_WINDOW,
            )
        )
        # The newest question wins; among questions sent together, the one with the nearest
        # deadline (a reminder before an invitation to a meeting weeks away).
        far = now + timedelta(days=3650)
        candidates = sorted(
            rows,
            key=lambda r: (
                -(r.sent_at or now).timestamp(),
                (r.reply_by or far).timestamp(),
                -(r.id or 0),
            ),
        )
        return candidates[0] if candidates else None

    async def _ack(
        self,
        session: AsyncSession,
        case: Case,
        member: Member,
        kind: MessageKind,
        row: InboundMessage,
        now: datetime,
    ) -> None:
        """Answer on the channel they wrote on, naming their coordinator."""
        found = await coordinators(session, case, [case.coordinator_key])
        coordinator = found[0] if found else None
        await self.messenger.to_member(
            session,
            case=case,
            member=member,
            kind=kind,
            topic=Topic.REMINDERS,
            params={"coordinator": coordinator.name if coordinator else ""},
            key=f"ack|{row.id}",
            due_at=now,
            now=now,
            exclude=frozenset(
                r
                for r in (
                    Route(ChannelKind.SMS, member.phone or ""),
                    Route(ChannelKind.TELEGRAM, str(member.telegram_chat_id)),
                )
                if r.channel != row.channel
            ),
        )
