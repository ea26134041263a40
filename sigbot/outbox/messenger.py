"""Queue messages for people: choose the route, pass the consent gate, render, write the row.

Everything that wants to tell someone something (the engine, the dispatcher's fallback, the
inbound handler) goes through here, so the consent rule and the idempotency key are applied in
one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.channels.base import Attachment, Button
from sigbot.domain.consent import may_receive_now
from sigbot.journal import record
from sigbot.models import (
    Case,
    ChannelKind,
    JournalKind,
    Member,
    OutboxMessage,
    OutboxState,
    Topic,
)
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.quiet_hours import allowed_at
from sigbot.outbox.store import Route, choose_route, insert_once

# A message to an address outside any case (an unknown sender) is about nothing consent covers.
NO_CASE_TOPIC = "system"


class Composer(Protocol):
    """Turns a message kind and its parameters into the text a person reads."""

    def render(self, kind: str, channel: str, language: str, params: dict[str, Any]) -> str:
        """The message body for ``channel`` in ``language``."""

    def buttons(
        self, kind: str, channel: str, language: str, outbox_id: int, params: dict[str, Any]
    ) -> tuple[tuple[Button, ...], ...]:
        """Answer buttons (Telegram) for a message; empty when it asks nothing."""
        ...

    def attachment(self, row: OutboxMessage) -> Attachment | None:
        """A file the message carries (a calendar file on Telegram), or None."""
        ...

    def expects_reply(self, kind: str) -> bool:
        """Whether a message of ``kind`` asks the person to answer."""
        ...


class Messenger:
    """Queues messages; knows which channels are switched on."""

    def __init__(
        self,
        composer: Composer,
        enabled_channels: frozenset[str],
        *,
        coordinator_alerts_in_quiet_hours: bool = True,
    ) -> None:
        self.composer = composer
        self.enabled = enabled_channels
        # SIGBOT_COORDINATOR_ALERTS_IN_QUIET_HOURS=false: alerts wait for the morning too.
        self.coordinator_alerts_in_quiet_hours = coordinator_alerts_in_quiet_hours

    def allowed_at(
        self, case: Case, member: Member, kind: str, at: datetime, event: datetime | None = None
    ) -> datetime | None:
        """When a message planned for ``at`` may go (see ``sigbot.outbox.quiet_hours``)."""
        return allowed_at(
            case,
            member,
            kind,
            at,
            event,
            coordinator_alerts_in_quiet_hours=self.coordinator_alerts_in_quiet_hours,
        )

    async def to_member(
        self,
        session: AsyncSession,
        *,
        case: Case,
        member: Member,
        kind: str,
        topic: str,
        params: dict[str, Any],
        key: str,
        due_at: datetime,
        now: datetime,
        not_after: datetime | None = None,
        reply_by: datetime | None = None,
        subject: tuple[str, int] | None = None,
        exclude: frozenset[Route] = frozenset(),
        fallback_of: int | None = None,
        quiet_hours_applied: bool = False,
    ) -> int | None:
        """Queue ``kind`` for ``member``; returns the new row id, or None if not queued.

        Not queued when: the key was queued before (idempotent), the consent does not cover
        the member for ``topic``, or the member has no usable route. The last two are journaled.
        ``due_at`` is moved out of quiet hours unless the caller did so already.
        """
        assert case.id is not None and member.id is not None
        if await self.exists(session, key):
            return None
        route = await self._route(session, case, member, kind, topic, key, now, exclude)
        if route is None:
            return None
        if not quiet_hours_applied:
            due_at = self.allowed_at(case, member, kind, due_at) or due_at
        body = self.composer.render(kind, route.channel, member.language, params)
        row = OutboxMessage(
            idempotency_key=key,
            case_id=case.id,
            member_id=member.id,
            channel=route.channel,
            address=route.address,
            language=member.language,
            topic=topic,
            kind=kind,
            body=body,
            params=params,
            subject_type=subject[0] if subject else None,
            subject_id=subject[1] if subject else None,
            due_at=due_at,
            not_after=not_after,
            expects_reply=self.composer.expects_reply(kind),
            reply_by=reply_by,
            fallback_of=fallback_of,
            created_at=now,
        )
        return await insert_once(session, row)

    async def _route(
        self,
        session: AsyncSession,
        case: Case,
        member: Member,
        kind: str,
        topic: str,
        key: str,
        now: datetime,
        exclude: frozenset[Route],
    ) -> Route | None:
        """The route to use, or None (journaled once) when consent or channels forbid it."""
        if not await may_receive_now(session, case, member, topic, now):
            summary = f"{kind} not sent to {member.name}: no consent covers {topic}"
            data = {"kind": kind, "topic": topic}
            await self.remember(session, key, case, member, kind, topic, now, "no consent")
            record(
                session,
                case_id=case.id,
                at=now,
                kind=JournalKind.MESSAGE_WITHHELD,
                member_key=member.key,
                summary=summary,
                data=data,
            )
            return None
        route = await choose_route(session, member, enabled=self.enabled, exclude=exclude)
        if route is None:
            await self.remember(session, key, case, member, kind, topic, now, "no channel")
            record(
                session,
                case_id=case.id,
                at=now,
                kind=JournalKind.MESSAGE_UNROUTABLE,
                member_key=member.key,
                summary=f"{kind} for {member.name}: no usable channel",
                data={"kind": kind},
            )
        return route

    async def to_coordinators(
        self,
        session: AsyncSession,
        *,
        case: Case,
        kind: str,
        params: dict[str, Any],
        key: str,
        now: datetime,
        include_backup: bool = False,
        subject: tuple[str, int] | None = None,
    ) -> list[int]:
        """Queue ``kind`` for the case's coordinator (and backup); returns the row ids."""
        keys = [case.coordinator_key] + ([case.backup_key] if include_backup else [])
        ids = []
        for member in await coordinators(session, case, keys):
            new = await self.to_member(
                session,
                case=case,
                member=member,
                kind=kind,
                topic=Topic.ESCALATIONS,
                params=params,
                key=f"{key}|{member.key}",
                due_at=now,
                now=now,
                subject=subject,
            )
            if new is not None:
                ids.append(new)
        return ids

    async def to_address(
        self,
        session: AsyncSession,
        *,
        route: Route,
        language: str,
        kind: str,
        params: dict[str, Any],
        key: str,
        now: datetime,
        case_id: int | None = None,
        member_id: int | None = None,
    ) -> int | None:
        """Queue a message to a bare address (an unknown sender, a team lead's chat)."""
        if route.channel not in self.enabled:
            return None
        body = self.composer.render(kind, route.channel, language, params)
        row = OutboxMessage(
            idempotency_key=key,
            case_id=case_id,
            member_id=member_id,
            channel=route.channel,
            address=route.address,
            language=language,
            topic=Topic.ESCALATIONS if case_id else NO_CASE_TOPIC,
            kind=kind,
            body=body,
            params=params,
            due_at=now,
            expects_reply=False,
            created_at=now,
        )
        return await insert_once(session, row)

    @staticmethod
    async def remember(
        session: AsyncSession,
        key: str,
        case: Case,
        member: Member,
        kind: str,
        topic: str,
        now: datetime,
        reason: str,
    ) -> None:
        """Write a cancelled row for ``key``: the decision not to send is kept, and not redone."""
        await insert_once(
            session,
            OutboxMessage(
                idempotency_key=key,
                case_id=case.id,
                member_id=member.id,
                channel=ChannelKind.NONE,
                address="",
                language=member.language,
                topic=topic,
                kind=kind,
                body="",
                due_at=now,
                state=OutboxState.CANCELLED,
                last_error=reason,
                created_at=now,
            ),
        )

    @staticmethod
    async def exists(session: AsyncSession, key: str) -> bool:
        found = await session.exec(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
        )
        return found.first() is not None


async def coordinators(
    session: AsyncSession, case: Case, keys: Sequence[str | None]
) -> list[Member]:
    """The active staff members (``STAFF_ROLES``) of ``case`` with the given keys, in order."""
    wanted = [k for k in keys if k]
    rows = {
        m.key: m
        for m in await session.exec(
            select(Member).where(
                Member.case_id == case.id, col(Member.role).in_(STAFF_ROLES), Member.active
            )
        )
    }
    return [rows[k] for k in wanted if k in rows]
