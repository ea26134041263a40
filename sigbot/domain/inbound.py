"""Everything people send us: SMS replies, Telegram messages and button presses.

Each message is stored first (nothing is lost, even what we cannot understand), matched to the
person and to the reminder or check-in it answers, then acted on. Senders we do not know get a
short neutral answer that says nothing about any case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.answers import apply_answer
from sigbot.domain.danger_reply import alert_danger, helplines_anyway
from sigbot.domain.escalations import escalate
from sigbot.domain.matching import find_prompt, members_at, named_cases
from sigbot.domain.opt_out import from_unknown_sender, stop_or_start
from sigbot.domain.received import receipt, store_inbound
from sigbot.domain.shared_numbers import file_held, held, hold, one_per_case
from sigbot.domain.staff_sms import acknowledge_by_sms, alert_to_acknowledge
from sigbot.domain.travel_plans import asks_plan, keep_travel_plan
from sigbot.messages.danger import detect
from sigbot.messages.replies import ReplyKind, parse_reply
from sigbot.models import (
    Case,
    ChannelKind,
    EscalationReason,
    InboundMessage,
    Member,
    MessageKind,
    OutboxMessage,
    Role,
)
from sigbot.outbox.messenger import Messenger

log = structlog.get_logger(__name__)

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
    command: ReplyKind | None = None  # a command that says what it is: /help is INFO


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
        kind = incoming.callback[0] if incoming.callback else incoming.command
        kind = kind or parse_reply(incoming.text)
        if incoming.provider_id is not None:
            seen = await session.exec(
                select(InboundMessage.id).where(InboundMessage.provider_id == incoming.provider_id)
            )
            if seen.first() is not None:
                return InboundResult(kind=kind, duplicate=True)
        members = await members_at(session, incoming.channel, incoming.address)
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
                danger=detect(incoming.text),
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
        """Store what a case member wrote, then act on it: an answer (a staff member's `1` to
        an alert by SMS included), help, or free text."""
        callback = incoming.callback[1] if incoming.callback else None
        prompt = await find_prompt(session, members, now, callback)
        staff_ack = None
        if incoming.channel == ChannelKind.SMS and kind is ReplyKind.YES:
            staff_ack = await alert_to_acknowledge(session, incoming.address, members, prompt)
        if staff_ack is not None:
            alert, staff, staff_case = staff_ack
            row = await store_inbound(session, incoming, kind, staff_case, staff, alert, now)
            result.inbound_id = row.id
            await acknowledge_by_sms(
                session,
                self.messenger,
                alert=alert,
                member=staff,
                case=staff_case,
                row=row,
                now=now,
            )
            return result
        if (prompt is None or kind not in ANSWERABLE) and len(one_per_case(members)) > 1:
            return await self._from_shared(session, incoming, kind, members, now, result)
        member = next((m for m in members if prompt and m.id == prompt.member_id), members[0])
        case = await session.get(Case, member.case_id)
        assert case is not None
        row = await store_inbound(session, incoming, kind, case, member, prompt, now)
        result.inbound_id = row.id
        result.prompt_id = prompt.id if prompt else None
        ack = await self._act(session, incoming, kind, case, member, prompt, row, now)
        sent = await receipt(session, self.messenger, case, member, ack, row, now)
        if sent is None and ack is MessageKind.DANGER_ANSWER:  # no consent covers them
            await helplines_anyway(session, self.messenger, incoming, row.id, now)
        return result

    async def _act(
        self,
        session: AsyncSession,
        incoming: Incoming,
        kind: ReplyKind,
        case: Case,
        member: Member,
        prompt: OutboxMessage | None,
        row: InboundMessage,
        now: datetime,
    ) -> MessageKind:
        """Danger, an answer to ``prompt``, help, or free text the coordinator reads; returns
        the kind of receipt the sender gets."""
        danger = detect(incoming.text) if not (incoming.callback or incoming.command) else None
        if danger is not None:
            await alert_danger(
                session, self.messenger, case=case, member=member, row=row, match=danger, now=now
            )
            return MessageKind.DANGER_ANSWER
        if prompt is not None and kind in ANSWERABLE:
            await apply_answer(
                session, self.messenger, prompt=prompt, member=member, case=case, kind=kind, now=now
            )
            return ACKS[kind]
        if kind is ReplyKind.HELP:  # with no question open: the coordinator is alerted at once
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
            return MessageKind.ACK_HELP
        if kind is ReplyKind.INFO:
            return MessageKind.INFO  # what the bot does, who their coordinator is, how to stop
        if kind is ReplyKind.UNKNOWN and prompt is not None and asks_plan(prompt):
            await keep_travel_plan(
                session, self.messenger, prompt=prompt, case=case, member=member, row=row, now=now
            )
            return MessageKind.ACK_PLAN
        # Free text, or an answer with nothing open to answer: the coordinator reads it.
        await self.messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.REPLY_ATTENTION,
            params={"who": member.name, "text": incoming.text, "case": case.ref},
            key=f"reply-attention|{row.id}",
            now=now,
        )
        return MessageKind.ACK_UNKNOWN

    async def _to_cases(
        self,
        session: AsyncSession,
        incoming: Incoming,
        kind: ReplyKind,
        targets: list[Member],
        now: datetime,
        result: InboundResult,
    ) -> InboundResult:
        """Keep and act on the message in each target's case; one receipt. A single target
        also gets the messages held for sorting (``sigbot.domain.shared_numbers``)."""
        waiting = await held(session, incoming.channel, incoming.address, now)
        for n, member in enumerate(targets):
            case = await session.get(Case, member.case_id)
            assert case is not None
            if len(targets) == 1:
                await file_held(
                    session, self.messenger, ids=waiting, case=case, member=member, now=now
                )
            row = await store_inbound(session, incoming, kind, case, member, None, now, n == 0)
            ack = await self._act(session, incoming, kind, case, member, None, row, now)
            if n == 0:
                result.inbound_id = row.id
                first = (case, member, ack, row)
        case, member, ack, row = first
        await receipt(session, self.messenger, case, member, ack, row, now)
        return result

    async def _from_shared(
        self,
        session: AsyncSession,
        incoming: Incoming,
        kind: ReplyKind,
        members: list[Member],
        now: datetime,
        result: InboundResult,
    ) -> InboundResult:
        """Free text or help from an address in several cases, with no question it answers
        (``sigbot.domain.shared_numbers``): to the one case it names, every case for help,
        otherwise held until the sender names the young person."""
        per_case = one_per_case(members)
        named = await named_cases(session, [m.case_id for m in per_case], incoming.text)
        targets = [m for m in per_case if m.case_id in named]
        urgent = kind is ReplyKind.HELP or detect(incoming.text) is not None
        if len(targets) != 1 and (urgent or all(m.role == Role.YOUTH for m in per_case)):
            targets = per_case  # help cannot wait; a young person writing about themself
        if targets:
            return await self._to_cases(session, incoming, kind, targets, now, result)
        unsorted = InboundMessage(
            channel=incoming.channel,
            address=incoming.address,
            provider_id=incoming.provider_id,
            body=incoming.text,
            reply_kind=kind,
            received_at=now,
        )
        session.add(unsorted)
        await session.flush()
        await hold(session, self.messenger, row=unsorted, members=members, now=now)
        result.inbound_id = unsorted.id
        return result
