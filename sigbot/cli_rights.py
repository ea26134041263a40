"""``sigbot export`` and ``sigbot erase``: a person's right of access and right to erasure
(docs/privacy.md). Registered on the ``sigbot`` command in ``sigbot/cli.py``; kept apart so that
module stays small."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from sigbot.clock import SystemClock
from sigbot.db import Database, migrate

RefArg = Annotated[str, typer.Argument(help="the case reference, e.g. ST-2026-014")]


def _done(out: str) -> None:
    """Print ``out``; a leading "!" marks a lookup error: stderr and exit code 1."""
    if out.startswith("!"):
        typer.echo(f"sigbot: {out[1:]}", err=True)
        raise typer.Exit(1)
    typer.echo(out)


def export(
    ref: RefArg,
    member: Annotated[
        str | None, typer.Option("--member", help="only what is stored about this member key")
    ] = None,
) -> None:
    """Print everything stored about case REF, or about one person in it, as JSON."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.rights import UnknownMember, export_case, export_member
    from sigbot.journal import UnknownCase

    async def _work(db: Database) -> str:
        await migrate(db)
        async with db.session() as session:
            try:
                if member is None:
                    data = await export_case(session, ref)
                else:
                    data = await export_member(session, ref, member)
            except UnknownCase:
                return f"!no case with reference {ref!r}"
            except UnknownMember:
                return f"!case {ref} has no member {member!r}"
        return json.dumps(data, ensure_ascii=False, indent=2)

    _done(_run_db(_settings(), _work))


def erase(
    ref: RefArg,
    member: Annotated[str, typer.Option("--member", help="the member key of the person")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Erase one person: name, phone, chat id and the texts of their messages, in every case
    that has their number or chat. The journal keeps the events, showing them as erased."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.rights import UnknownMember, erase_member
    from sigbot.domain.rights.erase import person
    from sigbot.journal import UnknownCase

    settings = _settings()

    async def _find(db: Database) -> str:
        await migrate(db)
        async with db.session() as session:
            try:
                people = await person(session, ref=ref, key=member)
            except UnknownCase:
                return f"!no case with reference {ref!r}"
            except UnknownMember:
                return f"!case {ref} has no member {member!r}"
        return f"Erase {member} of {ref} ({people[0].role}) in {len(people)} case(s)?"

    question = _run_db(settings, _find)
    if question.startswith("!"):
        _done(question)
    if not yes:
        typer.confirm(question, abort=True)

    async def _erase(db: Database) -> str:
        async with db.session() as session:
            report = await erase_member(session, ref=ref, key=member, now=SystemClock().now())
            await session.commit()
        return report.summary()

    _done(_run_db(settings, _erase))
