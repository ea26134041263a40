"""Who may receive what about a case: the consent gate every message passes, twice, and the
operations that record, change and withdraw a consent.

The young person and the case's staff always receive what concerns them; anyone else only
while a consent that has not expired or been withdrawn names them for the message's topic
(docs/architecture.md, "How a message travels"). The gate is checked when a message is queued and
again just before it is sent, so a withdrawal stops messages already waiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import RuleBroken, row_id
from sigbot.journal import record
from sigbot.models import FAMILY_ROLES, Case, Consent, JournalKind, Member, Role, Topic
from sigbot.models.enums import STAFF_ROLES


def is_case_staff(case: Case, member: Member) -> bool:
    """The case's own staff: its coordinator and backup, and its ``team_lead`` members
    (docs/plan-file.md, "Roles"). A coordinator of another case, or one handed over, is not."""
    if member.case_id != case.id or member.role not in STAFF_ROLES:
        return False
    return member.role == Role.TEAM_LEAD or member.key in (case.coordinator_key, case.backup_key)


def always_informed(case: Case, member: Member) -> bool:
    """The young person and the case's own staff need no consent to hear about it."""
    return member.role == Role.YOUTH or is_case_staff(case, member)


def may_receive(
    case: Case, member: Member, topic: str, consents: Sequence[Consent], at: datetime
) -> bool:
    """True if ``member`` may receive a message about ``topic`` in ``case`` at ``at``."""
    if not member.active:
        return False
    if always_informed(case, member):
        return True
    return any(c.covers(member.key, topic, at) for c in consents)


async def load_consents(session: AsyncSession, case_id: int) -> list[Consent]:
    return list(await session.exec(select(Consent).where(Consent.case_id == case_id)))


async def may_receive_now(
    session: AsyncSession, case: Case, member: Member, topic: str, at: datetime
) -> bool:
    """:func:`may_receive` with the case's consents read from the database."""
    assert case.id is not None
    return may_receive(case, member, topic, await load_consents(session, case.id), at)


@dataclass(frozen=True)
class ConsentTerms:
    """What a consent says: who gave it, who may hear about which topics, from when until when.

    ``valid_from`` None means "from now" for a new consent and "unchanged" for an existing one.
    """

    given_by: tuple[str, ...]
    share_with: tuple[str, ...]
    topics: tuple[str, ...]
    valid_until: datetime
    valid_from: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None

    def fields(self) -> dict[str, Any]:
        """The columns these terms set, in the order a change names them."""
        values: dict[str, Any] = {
            "given_by": list(self.given_by),
            "share_with": list(self.share_with),
            "topics": list(self.topics),
            "valid_until": self.valid_until,
            "withdrawn_at": self.withdrawn_at,
            "withdrawn_reason": self.withdrawn_reason,
        }
        if self.valid_from is not None:
            values["valid_from"] = self.valid_from
        return values


async def _check_terms(session: AsyncSession, case_id: int, terms: ConsentTerms) -> None:
    """Only the young person and guardians give consent, to people of the same case, for known
    topics (docs/plan-file.md, "Validation: all or nothing")."""
    if not terms.given_by or not terms.topics:
        raise RuleBroken("a consent needs who gave it and at least one topic")
    for topic in terms.topics:
        if topic not in set(Topic):
            raise RuleBroken(f"{topic!r} is not a topic")
    if terms.valid_from is not None and terms.valid_from > terms.valid_until:
        raise RuleBroken("valid_until is before valid_from")
    members = {
        m.key: m for m in await session.exec(select(Member).where(Member.case_id == case_id))
    }
    for key in (*terms.given_by, *terms.share_with):
        if key not in members:
            raise RuleBroken(f"unknown member key {key!r}")
    for key in terms.given_by:
        if members[key].role not in FAMILY_ROLES:
            raise RuleBroken(f"{key!r} has role {members[key].role}, expected guardian or youth")
    if terms.withdrawn_at is None:
        missing = missing_givers(terms.given_by, members.values())
        if missing:
            raise RuleBroken(not_given_by(missing[0]))


class Person(Protocol):
    """A member as a row or as the plan file's resolved entry."""

    @property
    def key(self) -> str: ...

    @property
    def role(self) -> str: ...


P = TypeVar("P", bound=Person)


def missing_givers(given_by: Sequence[str], members: Iterable[P]) -> list[P]:
    """The young person and active guardians a consent does not name: each must give it
    (docs/plan-file.md, "Consent"). ``members`` are rows or the plan file's resolved members."""
    family = [
        m
        for m in members
        if m.role in FAMILY_ROLES and getattr(m, "active", True) and m.key not in given_by
    ]
    return sorted(family, key=lambda m: (m.role != Role.YOUTH, m.key))


def not_given_by(member: Person) -> str:
    """The refusal naming who did not give a consent."""
    return (
        f"{member.key!r} ({member.role}) has not given this consent: given_by must name the "
        "young person and every guardian of the case"
    )


async def record_consent(
    session: AsyncSession, *, case: Case, key: str, terms: ConsentTerms, now: datetime
) -> Consent:
    """A new consent, journaled ``consent.recorded``; valid from now unless it says otherwise."""
    await _check_terms(session, row_id(case), terms)
    taken = await session.exec(
        select(Consent).where(Consent.case_id == case.id, Consent.key == key)
    )
    if taken.first() is not None:
        raise RuleBroken(f"case {case.ref} has a consent {key!r} already")
    values = terms.fields()
    values.setdefault("valid_from", now)
    consent = Consent(case_id=row_id(case), key=key, **values)
    session.add(consent)
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.CONSENT_RECORDED,
        summary=f"consent from {', '.join(terms.given_by)}: share with "
        f"{', '.join(terms.share_with)} about {', '.join(terms.topics)}",
        data={
            "key": key,
            "given_by": list(terms.given_by),
            "share_with": list(terms.share_with),
            "topics": list(terms.topics),
        },
    )
    return consent


async def change_consent(
    session: AsyncSession, *, consent: Consent, terms: ConsentTerms, now: datetime
) -> list[str]:
    """Set a consent's terms; returns the changed fields. Journaled ``consent.withdrawn`` when
    the new terms withdraw it, else ``consent.changed`` naming the fields."""
    await _check_terms(session, consent.case_id, terms)
    wanted = terms.fields()
    changed = [name for name, value in wanted.items() if getattr(consent, name) != value]
    if not changed:
        return []
    was_withdrawn = consent.withdrawn_at is not None
    for name in changed:
        setattr(consent, name, wanted[name])
    session.add(consent)
    if consent.withdrawn_at is not None and not was_withdrawn:
        reason = f": {consent.withdrawn_reason}" if consent.withdrawn_reason else ""
        _journal_withdrawal(session, consent, now, f"consent {consent.key} withdrawn{reason}")
    else:
        record(
            session,
            case_id=consent.case_id,
            at=now,
            kind=JournalKind.CONSENT_CHANGED,
            summary=f"consent {consent.key}: {', '.join(changed)}",
            data={"key": consent.key, "fields": list(changed)},
        )
    return changed


async def withdraw_consent(
    session: AsyncSession, *, consent: Consent, now: datetime, reason: str | None = None
) -> bool:
    """Withdraw the consent from now on; False when it was withdrawn already. Messages already
    queued for people it covered are stopped by the gate."""
    if consent.withdrawn_at is not None:
        return False
    consent.withdrawn_at = now
    consent.withdrawn_reason = reason
    session.add(consent)
    why = f" ({reason})" if reason else ""
    _journal_withdrawal(session, consent, now, f"consent {consent.key} withdrawn{why}")
    return True


def _journal_withdrawal(session: AsyncSession, consent: Consent, now: datetime, text: str) -> None:
    record(
        session,
        case_id=consent.case_id,
        at=now,
        kind=JournalKind.CONSENT_WITHDRAWN,
        summary=text,
        data={"key": consent.key, "reason": consent.withdrawn_reason},
    )
