"""Checking single values of a plan file: local times, durations, phone numbers and references to
members. Each check adds a :class:`PlanProblem` naming the key path instead of raising, so a
refused file lists every problem at once (docs/plan-file.md, "Validation: all or nothing")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import phonenumbers

from sigbot.planfile.resolved import PlanProblem, ResolvedMember
from sigbot.timeutil import NonexistentLocalTime, local_to_utc
from sigbot.timing import parse_duration


def parse_local(
    text: str, tz: ZoneInfo, where: str, problems: list[PlanProblem]
) -> dt.datetime | None:
    """A local date and time in UTC; a time in a daylight-saving gap is a problem."""
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


def day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Local midnight of ``day`` in UTC."""
    return local_to_utc(dt.datetime.combine(day, dt.time()), tz, strict=False)


def check_durations(
    values: Iterable[str] | None, where: str, problems: list[PlanProblem]
) -> tuple[dt.timedelta, ...] | None:
    """Reminder offsets: ISO durations longer than zero."""
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


def e164(raw: str, where: str, problems: list[PlanProblem]) -> str | None:
    """A phone number as written (Swedish unless it says otherwise) in E.164."""
    try:
        parsed = phonenumbers.parse(raw, "SE")
    except phonenumbers.NumberParseException:
        problems.append(PlanProblem(where, f"{raw!r} is not a phone number"))
        return None
    if not phonenumbers.is_valid_number(parsed):
        problems.append(PlanProblem(where, f"{raw!r} is not a valid phone number"))
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


class References:
    """Checks that a key names a member of the file, in one of the expected roles."""

    def __init__(self, members: dict[str, ResolvedMember], problems: list[PlanProblem]) -> None:
        self.members = members
        self.problems = problems

    def need(self, key: str | None, where: str, roles: frozenset[str] | None = None) -> None:
        if key is None:
            return
        member = self.members.get(key)
        if member is None:
            self.problems.append(PlanProblem(where, f"unknown member key {key!r}"))
        elif roles is not None and member.role not in roles:
            allowed = " or ".join(sorted(roles))
            self.problems.append(
                PlanProblem(where, f"{key!r} has role {member.role}, expected {allowed}")
            )
