"""The invented people of ``sigbot demo`` and what they answer: a young person who mostly
answers, a parent who forgets, two coordinators, a teacher; and the plan written after the
network meeting on 21 December."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sigbot.domain.inbound import Incoming
from sigbot.messages.replies import ReplyKind
from sigbot.models import ChannelKind, EscalationAction, Member, MessageKind, OutboxMessage

START = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Stockholm
MEETING_KINDS = (MessageKind.MEETING_INVITATION, MessageKind.MEETING_REMINDER)


@dataclass(frozen=True)
class Ack:
    """A coordinator pressing an alert's button in their chat."""

    escalation_id: int
    chat_id: int
    action: EscalationAction


Event = Incoming | Ack


@dataclass
class Script:
    """What the invented people answer, and when."""

    pending: list[tuple[datetime, Callable[[], Event]]] = field(default_factory=list)
    check_ins_seen: int = 0

    def react(self, row: OutboxMessage, member: Member, now: datetime) -> None:
        """Schedule the answer (if any) of ``member`` to a message they just got."""
        if member.key == "noah":
            self._noah(row, now)
        elif member.key == "leila" and row.kind in MEETING_KINDS:
            self._sms(member, now + timedelta(minutes=50), "1")
        elif member.key == "leila" and row.kind == MessageKind.WELCOME_SMS:
            self._sms(member, now + timedelta(minutes=5), "ok tack")
        # Leila forgets her commitment_due: no answer, so it counts as missed.
        elif member.key == "karin" and row.kind == MessageKind.CHECK_IN:
            self._button(row, now + timedelta(hours=1), ReplyKind.YES)
        elif row.kind == MessageKind.ESCALATION and row.subject_id is not None:
            self._coordinator(row.subject_id, member, now)

    def _noah(self, row: OutboxMessage, now: datetime) -> None:
        if row.kind == MessageKind.CHECK_IN:
            self.check_ins_seen += 1
            answer = ReplyKind.NO if self.check_ins_seen == 6 else ReplyKind.YES
            self._button(row, now + timedelta(minutes=25), answer)
        elif row.kind == MessageKind.APPOINTMENT_REMINDER and row.expects_reply:
            if "Jobbtorg" in str(row.params.get("what")):
                self._button(row, now + timedelta(minutes=10), ReplyKind.HELP)
            elif row.params.get("variant") == "plan":  # asked how he gets there: he says
                self._text(row, now + timedelta(minutes=40), "Tar bussen 9.20 från Tensta")
            else:
                self._button(row, now + timedelta(minutes=40), ReplyKind.YES)
        elif row.kind == MessageKind.APPOINTMENT_FOLLOW_UP:
            self._button(row, now + timedelta(minutes=15), ReplyKind.YES)  # yes, he went
        elif row.kind in MEETING_KINDS:
            self._button(row, now + timedelta(minutes=30), ReplyKind.YES)

    def _coordinator(self, escalation_id: int, member: Member, now: datetime) -> None:
        """Maja acknowledges the first alerts within the hour; in week two she is away and the
        alert climbs to Jonas, who calls a meeting."""
        chat = member.telegram_chat_id
        if chat is None:
            return
        if member.key == "maja" and (now - START).days < 9:
            ack = Ack(escalation_id, chat, EscalationAction.CALL)
            self.pending.append((now + timedelta(minutes=45), lambda: ack))
        elif member.key == "jonas":
            ack = Ack(escalation_id, chat, EscalationAction.MEETING)
            self.pending.append((now + timedelta(minutes=20), lambda: ack))

    def _button(self, row: OutboxMessage, at: datetime, kind: ReplyKind) -> None:
        assert row.id is not None
        outbox_id, address = row.id, row.address
        self.pending.append(
            (
                at,
                lambda: Incoming(
                    ChannelKind.TELEGRAM, address, "", f"demo-cb-{outbox_id}", (kind, outbox_id)
                ),
            )
        )

    def _text(self, row: OutboxMessage, at: datetime, text: str) -> None:
        address, n = row.address, len(self.pending)
        self.pending.append(
            (at, lambda: Incoming(ChannelKind.TELEGRAM, address, text, f"demo-text-{n}"))
        )

    def _sms(self, member: Member, at: datetime, text: str) -> None:
        phone = member.phone or ""
        n = len(self.pending)
        self.pending.append((at, lambda: Incoming(ChannelKind.SMS, phone, text, f"SMdemo{n}")))

    def due(self, now: datetime) -> list[Event]:
        ready = [make for at, make in self.pending if at <= now]
        self.pending = [(at, make) for at, make in self.pending if at > now]
        return [make() for make in ready]


def revised_plan(text: str) -> str:
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
