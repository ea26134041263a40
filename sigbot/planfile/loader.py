"""Read a plan file, check every rule, and resolve it into UTC times and E.164 numbers.

A plan file is accepted whole or refused whole: every problem found is reported, each naming the
key path (``members[1].phone``) and the reason, and nothing is written until all is well.

Identity of entries without an explicit ``key`` (so a re-import updates instead of duplicating):
- appointment: ``who`` + ``what``, numbered in time order when one person has several of the
  same (``ali-bup``, ``ali-bup-2``); moving the time keeps the identity. Give a ``key`` when
  appointments of the same kind are added or removed between imports.
- meeting: ``kind`` numbered in time order (``network-1``, ``network-2``).
- commitment: ``owner`` + ``area`` numbered in file order (``ali-school-1``).
- consent: the givers joined, numbered in file order (``ali+sara-1``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import yaml
from pydantic import ValidationError

from sigbot.models import Role
from sigbot.planfile.schema import PlanFile
from sigbot.timeutil import NonexistentLocalTime, local_to_utc, zone
from sigbot.timing import (
    CheckInRule,
    QuietHours,
    parse_check_in,
    parse_duration,
    parse_quiet_hours,
)

FAMILY_ROLES = frozenset({Role.YOUTH, Role.GUARDIAN})


@dataclass(frozen=True)
class PlanProblem:
    """One reason the file is refused: where (a key path) and what is wrong."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class PlanError(ValueError):
    """The plan file is refused; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[PlanProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class ResolvedMember:
    key: str
    role: str
    name: str
    language: str
    phone: str | None
    telegram_chat_id: int | None
    channel: str | None
    organisation: str | None


@dataclass(frozen=True)
class ResolvedConsent:
    key: str
    given_by: tuple[str, ...]
    share_with: tuple[str, ...]
    topics: tuple[str, ...]
    valid_from: dt.datetime | None
    valid_until: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str | None


@dataclass(frozen=True)
class ResolvedMeeting:
    key: str
    kind: str
    starts_at: dt.datetime
    place: str | None
    invite: tuple[str, ...]
    remind: tuple[dt.timedelta, ...] | None
    status: str


@dataclass(frozen=True)
class ResolvedAppointment:
    key: str
    who: str
    what: str
    starts_at: dt.datetime
    place: str | None
    remind: tuple[dt.timedelta, ...] | None
    status: str


@dataclass(frozen=True)
class ResolvedCommitment:
    key: str
    owner: str
    area: str
    text: str
    due_at: dt.datetime | None
    check_in: CheckInRule | None


@dataclass(frozen=True)
class ResolvedPlan:
    """A plan file after every check: ready to be written to the database."""

    ref: str
    coordinator: str
    backup: str | None
    status: str
    status_reason: str | None
    paused_until: dt.datetime | None
    outcome: str | None
    timezone: str
    quiet_hours: QuietHours | None
    no_reply_after: dt.timedelta
    ack_within: dt.timedelta
    members: tuple[ResolvedMember, ...]
    consents: tuple[ResolvedConsent, ...]
    meetings: tuple[ResolvedMeeting, ...]
    appointments: tuple[ResolvedAppointment, ...]
    commitments: tuple[ResolvedCommitment, ...]
    digest: str
    commitments_digest: str = field(default="")


def load_plan_file(path: Path, *, default_timezone: str) -> ResolvedPlan:
    """Read and resolve the plan at ``path``; raises :class:`PlanError` naming every problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(source, [PlanProblem("", "no such file")]) from None
    except UnicodeDecodeError:
        raise PlanError(source, [PlanProblem("", "not UTF-8 text")]) from None
    except OSError as exc:
        raise PlanError(source, [PlanProblem("", f"cannot read: {exc.strerror}")]) from None
    return parse_plan_text(text, source=source, default_timezone=default_timezone)


def parse_plan_text(text: str, *, source: str, default_timezone: str) -> ResolvedPlan:
    """Parse YAML text into a resolved plan or raise :class:`PlanError`."""
    if not text.strip():
        raise PlanError(source, [PlanProblem("", "the file is empty")])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise PlanError(source, [PlanProblem(where, f"not valid YAML: {problem}")]) from None
    if data is None:
        raise PlanError(source, [PlanProblem("", "the file is empty")])
    if not isinstance(data, dict):
        raise PlanError(
            source,
            [PlanProblem("", f"expected a mapping with case/members/..., got {_kind(data)}")],
        )
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError(source, [_from_pydantic(err) for err in exc.errors()]) from None
    problems: list[PlanProblem] = []
    resolved = _resolve(plan, default_timezone, problems)
    if problems or resolved is None:
        raise PlanError(source, problems)
    return resolved


def _kind(value: Any) -> str:
    return {list: "a list", str: "a text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _from_pydantic(err: Any) -> PlanProblem:
    loc = err.get("loc", ())
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        msg = "unknown key"
    elif err.get("type") == "missing":
        msg = "is required"
    elif err.get("type") == "string_pattern_mismatch" and where.endswith((".at", ".due")):
        msg = f"expected a date and time like 2026-12-01T15:00, got {err.get('input')!r}"
    elif err.get("type") == "string_pattern_mismatch":
        msg = f"{err.get('input')!r} is not allowed here ({msg.lower()})"
    return PlanProblem(where, msg)


def _parse_local(
    text: str, tz: ZoneInfo, where: str, problems: list[PlanProblem]
) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        problems.append(PlanProblem(where, f"not a valid date and time: {text!r}"))
        return None
    try:
        return local_to_utc(moment, tz, strict=True)
    except NonexistentLocalTime as exc:
        problems.append(PlanProblem(where, str(exc)))
        return None


def _day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return local_to_utc(dt.datetime.combine(day, dt.time()), tz, strict=False)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(str.maketrans("åäöéü", "aaoeu")))
    return slug.strip("-")[:40] or "x"


def _number(keys: Iterable[str]) -> list[str]:
    """Give repeated base keys a suffix: a, a -> a, a-2."""
    seen: Counter[str] = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return out


def _check_durations(
    values: Iterable[str] | None, where: str, problems: list[PlanProblem]
) -> tuple[dt.timedelta, ...] | None:
    if values is None:
        return None
    good = []
    for i, value in enumerate(values):
        try:
            td = parse_duration(value)
        except ValueError as exc:
            problems.append(PlanProblem(f"{where}[{i}]", str(exc)))
            continue
        if td <= dt.timedelta(0):
            problems.append(PlanProblem(f"{where}[{i}]", "must be longer than zero"))
            continue
        good.append(td)
    return tuple(good)


def _resolve(
    plan: PlanFile, default_timezone: str, problems: list[PlanProblem]
) -> ResolvedPlan | None:
    case = plan.case
    tz_name = case.timezone or default_timezone
    try:
        tz = zone(tz_name)
    except ValueError as exc:
        problems.append(PlanProblem("case.timezone", str(exc)))
        return None
    quiet_hours = None
    try:
        quiet_hours = parse_quiet_hours(case.quiet_hours)
    except ValueError as exc:
        problems.append(PlanProblem("case.quiet_hours", str(exc)))
    durations: dict[str, dt.timedelta] = {}
    for name in ("no_reply_after", "ack_within"):
        value = getattr(case.escalation, name)
        try:
            td = parse_duration(value)
            if td <= dt.timedelta(0):
                raise ValueError("must be longer than zero")
            durations[name] = td
        except ValueError as exc:
            problems.append(PlanProblem(f"case.escalation.{name}", str(exc)))

    members: dict[str, ResolvedMember] = {}
    for i, m in enumerate(plan.members):
        where = f"members[{i}]"
        if m.key in members:
            problems.append(PlanProblem(f"{where}.key", f"duplicate member key {m.key!r}"))
            continue
        phone = None
        if m.phone is not None:
            phone = _e164(m.phone, f"{where}.phone", problems)
        if m.channel == "sms" and m.phone is None:
            problems.append(PlanProblem(f"{where}.channel", "sms needs a phone number"))
        if m.telegram_chat_id is not None and m.telegram_chat_id == 0:
            problems.append(PlanProblem(f"{where}.telegram_chat_id", "0 is not a chat id"))
        members[m.key] = ResolvedMember(
            key=m.key,
            role=m.role.value,
            name=m.name,
            language=m.language,
            phone=phone,
            telegram_chat_id=m.telegram_chat_id,
            channel=m.channel,
            organisation=m.organisation,
        )
    youth = [m for m in members.values() if m.role == Role.YOUTH]
    if len(youth) != 1:
        problems.append(
            PlanProblem(
                "members", f"a case has exactly one young person (role youth), found {len(youth)}"
            )
        )

    def need(key: str | None, where: str, roles: frozenset[str] | None = None) -> None:
        if key is None:
            return
        member = members.get(key)
        if member is None:
            problems.append(PlanProblem(where, f"unknown member key {key!r}"))
        elif roles is not None and member.role not in roles:
            allowed = " or ".join(sorted(roles))
            problems.append(
                PlanProblem(where, f"{key!r} has role {member.role}, expected {allowed}")
            )

    need(case.coordinator, "case.coordinator", frozenset({Role.COORDINATOR}))
    need(case.backup, "case.backup", frozenset({Role.COORDINATOR}))
    if case.backup is not None and case.backup == case.coordinator:
        problems.append(PlanProblem("case.backup", "the backup must be another coordinator"))

    consents = []
    consent_keys = [
        c.key or _renumber(auto)
        for c, auto in zip(
            plan.consent, _number("+".join(c.given_by) + "-1" for c in plan.consent), strict=True
        )
    ]
    seen_consent: set[str] = set()
    for i, (c, key) in enumerate(zip(plan.consent, consent_keys, strict=True)):
        where = f"consent[{i}]"
        if key in seen_consent:
            problems.append(PlanProblem(f"{where}.key", f"duplicate consent key {key!r}"))
        seen_consent.add(key)
        for j, giver in enumerate(c.given_by):
            need(giver, f"{where}.given_by[{j}]", FAMILY_ROLES)
        for j, receiver in enumerate(c.share_with):
            need(receiver, f"{where}.share_with[{j}]")
        if c.valid_from and c.valid_from > c.valid_until:
            problems.append(PlanProblem(f"{where}.valid_until", "is before valid_from"))
        consents.append(
            ResolvedConsent(
                key=key,
                given_by=tuple(c.given_by),
                share_with=tuple(dict.fromkeys(c.share_with)),
                topics=tuple(dict.fromkeys(t.value for t in c.topics)),
                valid_from=_day_start(c.valid_from, tz) if c.valid_from else None,
                valid_until=_day_start(c.valid_until + dt.timedelta(days=1), tz),
                withdrawn_at=_day_start(c.withdrawn, tz) if c.withdrawn else None,
                withdrawn_reason=c.withdrawn_reason,
            )
        )

    meetings = []
    parsed_meetings = []
    for i, mt in enumerate(plan.meetings):
        where = f"meetings[{i}]"
        at = _parse_local(mt.at, tz, f"{where}.at", problems)
        for j, invitee in enumerate(mt.invite):
            need(invitee, f"{where}.invite[{j}]")
            member = members.get(invitee)
            if mt.kind == "officials" and member is not None and member.role in FAMILY_ROLES:
                problems.append(
                    PlanProblem(
                        f"{where}.invite[{j}]",
                        f"an officials' meeting invites no family member ({invitee!r})",
                    )
                )
        remind = _check_durations(mt.remind, f"{where}.remind", problems)
        parsed_meetings.append((i, mt, at, remind))
    auto = _keys_in_time_order(
        [(i, mt.key, at) for i, mt, at, _ in parsed_meetings],
        {i: f"{mt.kind}-1" for i, mt, _, _ in parsed_meetings},
    )
    for i, mt, at, remind in parsed_meetings:
        if at is None:
            continue
        key = mt.key or _renumber(auto[i])
        meetings.append(
            ResolvedMeeting(
                key, mt.kind, at, mt.place, tuple(dict.fromkeys(mt.invite)), remind, mt.status
            )
        )
    _unique((m.key for m in meetings), "meetings", problems)

    appointments = []
    parsed_appts = []
    for i, ap in enumerate(plan.appointments):
        where = f"appointments[{i}]"
        need(ap.who, f"{where}.who")
        at = _parse_local(ap.at, tz, f"{where}.at", problems)
        remind = _check_durations(ap.remind, f"{where}.remind", problems)
        parsed_appts.append((i, ap, at, remind))
    auto_a = _keys_in_time_order(
        [(i, ap.key, at) for i, ap, at, _ in parsed_appts],
        {i: f"{ap.who}-{_slug(ap.what)}" for i, ap, _, _ in parsed_appts},
    )
    for i, ap, at, remind in parsed_appts:
        if at is None:
            continue
        appointments.append(
            ResolvedAppointment(
                ap.key or auto_a[i], ap.who, ap.what, at, ap.place, remind, ap.status
            )
        )
    _unique((a.key for a in appointments), "appointments", problems)

    commitments = []
    auto_c = _number(f"{c.owner}-{c.area.value}-1" for c in plan.commitments)
    for i, cm in enumerate(plan.commitments):
        where = f"commitments[{i}]"
        need(cm.owner, f"{where}.owner")
        due = _parse_local(cm.due, tz, f"{where}.due", problems) if cm.due else None
        check_in = None
        if cm.check_in is not None:
            try:
                check_in = parse_check_in(cm.check_in)
            except ValueError as exc:
                problems.append(PlanProblem(f"{where}.check_in", str(exc)))
        key = cm.key or _renumber(auto_c[i])
        commitments.append(ResolvedCommitment(key, cm.owner, cm.area.value, cm.text, due, check_in))
    _unique((c.key for c in commitments), "commitments", problems)

    paused_until = None
    if case.paused_until is not None:
        if case.status != "paused":
            problems.append(PlanProblem("case.paused_until", "only a paused case has an end date"))
        paused_until = _day_start(case.paused_until, tz)
    if case.outcome is not None and case.status not in ("closed", "resting"):
        problems.append(PlanProblem("case.outcome", "only a closed case has an outcome"))

    if problems:
        return None
    canonical = json.dumps(
        {"plan": plan.model_dump(mode="json"), "tz": tz_name}, sort_keys=True, ensure_ascii=False
    )
    # The file's own spelling of check_in keeps the digest of existing plan versions stable.
    commitments_canonical = json.dumps(
        [
            c.__dict__
            | {"due_at": c.due_at.isoformat() if c.due_at else None, "check_in": entry.check_in}
            for c, entry in zip(commitments, plan.commitments, strict=True)
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return ResolvedPlan(
        ref=case.ref,
        coordinator=case.coordinator,
        backup=case.backup,
        status=case.status.value,
        status_reason=case.status_reason,
        paused_until=paused_until,
        outcome=case.outcome,
        timezone=tz_name,
        quiet_hours=quiet_hours,
        no_reply_after=durations["no_reply_after"],
        ack_within=durations["ack_within"],
        members=tuple(members.values()),
        consents=tuple(consents),
        meetings=tuple(meetings),
        appointments=tuple(appointments),
        commitments=tuple(commitments),
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
        commitments_digest=hashlib.sha256(commitments_canonical.encode()).hexdigest(),
    )


def _keys_in_time_order(
    entries: list[tuple[int, str | None, dt.datetime | None]], bases: dict[int, str]
) -> dict[int, str]:
    """Keys for entries without one: their base, numbered in time order (file order on ties)."""
    ordered = sorted(
        ((i, at) for i, key, at in entries if key is None and at is not None),
        key=lambda entry: (entry[1], entry[0]),
    )
    return dict(zip((i for i, _ in ordered), _number(bases[i] for i, _ in ordered), strict=True))


def _renumber(key: str) -> str:
    """``ali-school-1-2`` (second of its kind) reads better as ``ali-school-2``."""
    match = re.fullmatch(r"(.+)-1-(\d+)", key)
    return f"{match.group(1)}-{match.group(2)}" if match else key


def _unique(keys: Iterable[str], section: str, problems: list[PlanProblem]) -> None:
    counts = Counter(keys)
    for key, count in counts.items():
        if count > 1:
            problems.append(PlanProblem(section, f"duplicate key {key!r}"))


def _e164(raw: str, where: str, problems: list[PlanProblem]) -> str | None:
    try:
        number = phonenumbers.parse(raw, "SE")
    except phonenumbers.NumberParseException:
        problems.append(PlanProblem(where, f"{raw!r} is not a phone number"))
        return None
    if not phonenumbers.is_valid_number(number):
        problems.append(PlanProblem(where, f"{raw!r} is not a valid phone number"))
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
