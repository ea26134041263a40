"""From a structurally valid plan file to a :class:`ResolvedPlan`: every cross-reference, time,
duration and number checked, every problem collected (docs/plan-file.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

from sigbot.domain.consent import missing_givers, not_given_by
from sigbot.models import FAMILY_ROLES, CaseStatus, MeetingKind, Role
from sigbot.models.enums import STAFF_ROLES
from sigbot.planfile.identity import check_unique, keys_in_time_order, number, renumber, slug
from sigbot.planfile.resolved import (
    PlanProblem,
    ResolvedAppointment,
    ResolvedCommitment,
    ResolvedConsent,
    ResolvedMeeting,
    ResolvedMember,
    ResolvedPlan,
)
from sigbot.planfile.schema import CaseSection, PlanFile
from sigbot.planfile.values import (
    References,
    check_durations,
    day_start,
    e164,
    parse_local,
)
from sigbot.timeutil import zone
from sigbot.timing import QuietHours, parse_check_in, parse_duration, parse_quiet_hours

COORDINATORS = STAFF_ROLES  # a team lead may coordinate or back up a case too


def resolve(
    plan: PlanFile, default_timezone: str, problems: list[PlanProblem]
) -> ResolvedPlan | None:
    """The resolved plan, or None with ``problems`` saying why."""
    case = plan.case
    tz_name = case.timezone or default_timezone
    try:
        tz = zone(tz_name)
    except ValueError as exc:
        problems.append(PlanProblem("case.timezone", str(exc)))
        return None
    quiet_hours, durations = _timings(case, problems)
    members = _members(plan, problems)
    refs = References(members, problems)
    refs.need(case.coordinator, "case.coordinator", COORDINATORS)
    refs.need(case.backup, "case.backup", COORDINATORS)
    if case.backup is not None and case.backup == case.coordinator:
        problems.append(PlanProblem("case.backup", "the backup must be another coordinator"))
    consents = _consents(plan, tz, refs)
    meetings = _meetings(plan, tz, refs)
    appointments = _appointments(plan, tz, refs)
    commitments = _commitments(plan, tz, refs)
    paused_until = None
    if case.paused_until is not None:
        if case.status != CaseStatus.PAUSED:
            problems.append(PlanProblem("case.paused_until", "only a paused case has an end date"))
        paused_until = day_start(case.paused_until, tz)
    if case.outcome is not None and case.status not in (CaseStatus.CLOSED, CaseStatus.RESTING):
        problems.append(PlanProblem("case.outcome", "only a closed case has an outcome"))
    if problems:
        return None
    digest, commitments_digest = _digests(plan, tz_name, commitments)
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
        consents=consents,
        meetings=meetings,
        appointments=appointments,
        commitments=commitments,
        digest=digest,
        commitments_digest=commitments_digest,
    )


def _timings(
    case: CaseSection, problems: list[PlanProblem]
) -> tuple[QuietHours | None, dict[str, dt.timedelta]]:
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
    return quiet_hours, durations


def _members(plan: PlanFile, problems: list[PlanProblem]) -> dict[str, ResolvedMember]:
    members: dict[str, ResolvedMember] = {}
    for i, m in enumerate(plan.members):
        where = f"members[{i}]"
        if m.key in members:
            problems.append(PlanProblem(f"{where}.key", f"duplicate member key {m.key!r}"))
            continue
        phone = None
        if m.phone is not None:
            phone = e164(m.phone, f"{where}.phone", problems)
        if m.channel == "sms" and m.phone is None:
            problems.append(PlanProblem(f"{where}.channel", "sms needs a phone number"))
        if m.telegram_chat_id is not None and m.telegram_chat_id == 0:
            problems.append(PlanProblem(f"{where}.telegram_chat_id", "0 is not a chat id"))
        if m.account is not None and m.role not in STAFF_ROLES:
            why = f"only staff (coordinator, team_lead) log in; {m.key!r} has role {m.role.value}"
            problems.append(PlanProblem(f"{where}.account", why))
        members[m.key] = ResolvedMember(
            key=m.key,
            role=m.role.value,
            name=m.name,
            language=m.language,
            phone=phone,
            telegram_chat_id=m.telegram_chat_id,
            channel=m.channel,
            organisation=m.organisation,
            account=m.account,
        )
    youth = [m for m in members.values() if m.role == Role.YOUTH]
    if len(youth) != 1:
        problems.append(
            PlanProblem(
                "members", f"a case has exactly one young person (role youth), found {len(youth)}"
            )
        )
    return members


def _consents(plan: PlanFile, tz: ZoneInfo, refs: References) -> tuple[ResolvedConsent, ...]:
    problems = refs.problems
    auto = number("+".join(c.given_by) + "-1" for c in plan.consent)
    consents = []
    seen: set[str] = set()
    for i, (c, auto_key) in enumerate(zip(plan.consent, auto, strict=True)):
        where = f"consent[{i}]"
        key = c.key or renumber(auto_key)
        if key in seen:
            problems.append(PlanProblem(f"{where}.key", f"duplicate consent key {key!r}"))
        seen.add(key)
        for j, giver in enumerate(c.given_by):
            refs.need(giver, f"{where}.given_by[{j}]", FAMILY_ROLES)
        if c.withdrawn is None:  # a withdrawal by any one of them stops it (docs/plan-file.md)
            for missing in missing_givers(c.given_by, refs.members.values()):
                problems.append(PlanProblem(f"{where}.given_by", not_given_by(missing)))
        for j, receiver in enumerate(c.share_with):
            refs.need(receiver, f"{where}.share_with[{j}]")
        if c.valid_from and c.valid_from > c.valid_until:
            problems.append(PlanProblem(f"{where}.valid_until", "is before valid_from"))
        consents.append(
            ResolvedConsent(
                key=key,
                given_by=tuple(c.given_by),
                share_with=tuple(dict.fromkeys(c.share_with)),
                topics=tuple(dict.fromkeys(t.value for t in c.topics)),
                valid_from=day_start(c.valid_from, tz) if c.valid_from else None,
                valid_until=day_start(c.valid_until + dt.timedelta(days=1), tz),
                withdrawn_at=day_start(c.withdrawn, tz) if c.withdrawn else None,
                withdrawn_reason=c.withdrawn_reason,
            )
        )
    return tuple(consents)


def _meetings(plan: PlanFile, tz: ZoneInfo, refs: References) -> tuple[ResolvedMeeting, ...]:
    problems = refs.problems
    parsed = []
    for i, mt in enumerate(plan.meetings):
        where = f"meetings[{i}]"
        at = parse_local(mt.at, tz, f"{where}.at", problems)
        for j, invitee in enumerate(mt.invite):
            refs.need(invitee, f"{where}.invite[{j}]")
            member = refs.members.get(invitee)
            if (
                MeetingKind(mt.kind) == MeetingKind.OFFICIALS
                and member
                and member.role in FAMILY_ROLES
            ):
                problems.append(
                    PlanProblem(
                        f"{where}.invite[{j}]",
                        f"an officials' meeting invites no family member ({invitee!r})",
                    )
                )
        remind = check_durations(mt.remind, f"{where}.remind", problems)
        parsed.append((i, mt, at, remind))
    auto = keys_in_time_order(
        [(i, mt.key, at) for i, mt, at, _ in parsed], {i: f"{mt.kind}-1" for i, mt, _, _ in parsed}
    )
    meetings = [
        ResolvedMeeting(
            mt.key or renumber(auto[i]),
            mt.kind,
            at,
            mt.place,
            tuple(dict.fromkeys(mt.invite)),
            remind,
            mt.status,
        )
        for i, mt, at, remind in parsed
        if at is not None
    ]
    check_unique((m.key for m in meetings), "meetings", problems)
    return tuple(meetings)


def _appointments(
    plan: PlanFile, tz: ZoneInfo, refs: References
) -> tuple[ResolvedAppointment, ...]:
    problems = refs.problems
    parsed = []
    for i, ap in enumerate(plan.appointments):
        where = f"appointments[{i}]"
        refs.need(ap.who, f"{where}.who")
        at = parse_local(ap.at, tz, f"{where}.at", problems)
        remind = check_durations(ap.remind, f"{where}.remind", problems)
        parsed.append((i, ap, at, remind))
    auto = keys_in_time_order(
        [(i, ap.key, at) for i, ap, at, _ in parsed],
        {i: f"{ap.who}-{slug(ap.what)}" for i, ap, _, _ in parsed},
    )
    appointments = [
        ResolvedAppointment(ap.key or auto[i], ap.who, ap.what, at, ap.place, remind, ap.status)
        for i, ap, at, remind in parsed
        if at is not None
    ]
    check_unique((a.key for a in appointments), "appointments", problems)
    return tuple(appointments)


def _commitments(plan: PlanFile, tz: ZoneInfo, refs: References) -> tuple[ResolvedCommitment, ...]:
    problems = refs.problems
    auto = number(f"{c.owner}-{c.area.value}-1" for c in plan.commitments)
    commitments = []
    for i, cm in enumerate(plan.commitments):
        where = f"commitments[{i}]"
        refs.need(cm.owner, f"{where}.owner")
        due = parse_local(cm.due, tz, f"{where}.due", problems) if cm.due else None
        check_in = None
        if cm.check_in is not None:
            try:
                check_in = parse_check_in(cm.check_in)
            except ValueError as exc:
                problems.append(PlanProblem(f"{where}.check_in", str(exc)))
        key = cm.key or renumber(auto[i])
        commitments.append(ResolvedCommitment(key, cm.owner, cm.area.value, cm.text, due, check_in))
    check_unique((c.key for c in commitments), "commitments", problems)
    return tuple(commitments)


def _digests(
    plan: PlanFile, tz_name: str, commitments: tuple[ResolvedCommitment, ...]
) -> tuple[str, str]:
    """The whole file's digest (same file, nothing written) and the commitments' (same
    commitments, no new plan version)."""
    dumped = plan.model_dump(mode="json")
    for member in dumped["members"]:
        if member["account"] is None:  # files written before ``account:`` keep their digest
            del member["account"]
    canonical = json.dumps({"plan": dumped, "tz": tz_name}, sort_keys=True, ensure_ascii=False)
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
    return (
        hashlib.sha256(canonical.encode()).hexdigest(),
        hashlib.sha256(commitments_canonical.encode()).hexdigest(),
    )
