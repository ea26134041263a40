"""``sigbot import FILE...``: many plan files in one command, for a district moving its cases
in. Each file is its own case and its own transaction: refused whole or taken whole. Kept apart
so ``sigbot/cli.py`` stays small."""

from __future__ import annotations

from pathlib import Path

import typer

from sigbot.clock import SystemClock
from sigbot.db import Database, migrate
from sigbot.settings import Settings


async def import_files(settings: Settings, files: list[Path], *, check: bool) -> list[Path]:
    """Import each file in its own transaction; returns the files refused."""
    from sigbot.planfile.importer import import_plan
    from sigbot.planfile.loader import PlanError, load_plan_file
    from sigbot.planfile.warnings import reachability_warnings

    refused: list[Path] = []
    db = Database.from_url(settings.database_url)
    try:
        if not check:
            await migrate(db)
        for file in files:
            try:
                plan = load_plan_file(file, default_timezone=settings.timezone)
                for warning in reachability_warnings(plan):
                    typer.echo(f"sigbot: warning: {plan.ref}: {warning}", err=True)
                if check:
                    typer.echo(f"{plan.ref}: the plan file is valid (nothing written)")
                    continue
                async with db.session() as session:
                    report = await import_plan(session=session, plan=plan, clock=SystemClock())
                    await session.commit()
            except PlanError as exc:
                typer.echo(f"sigbot: plan file refused, nothing was written:\n{exc}", err=True)
                refused.append(file)
                continue
            typer.echo(report.summary())
            for warning in report.warnings:
                typer.echo(f"sigbot: warning: {plan.ref}: {warning}", err=True)
    finally:
        await db.dispose()
    return refused


def say_totals(files: int, refused: list[Path], *, check: bool) -> None:
    """One closing line over many files, naming each refused one (on stderr if any)."""
    taken = "valid" if check else "taken"
    names = f": {', '.join(str(f) for f in refused)}" if refused else ""
    typer.echo(
        f"sigbot: {files - len(refused)} plan files {taken}, {len(refused)} refused{names}",
        err=bool(refused),
    )
