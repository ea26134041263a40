"""Clone planned template cases at SQL level: one ``INSERT ... SELECT`` per table.

The templates are cases imported and planned with the real code (``planner_scale.plan_text``
names case ``i`` in a fixed-width form everywhere: ``BENCH-000042``, ``noah-c000042``,
``+46700000420``, chat ``5550000420``). Clone ``j`` of template ``t`` is every row of ``t`` with

- every id and reference to an id (``id``, ``*_id``, ``fallback_of``, ``in_reply_to``) moved by
  one offset, the same for every table, so references stay consistent;
- ``t``'s names, numbers and chats replaced by ``j``'s in every text and JSON column (refs, keys,
  consent lists, addresses, journal lines), and chat id columns moved by ``10 * (j - t)``;
- the outbox's idempotency keys rebuilt with the moved ids (``appt|12|1795683600|0``), so the
  planner finds on each clone exactly the rows it would have queued itself.

The rows of a table are tied to their template case through ``case_id``, a parent row, or (for
the morning overviews, which belong to no case) the coordinator's chat named in the row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Table, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import AutoString, SQLModel

NOT_CLONED = frozenset({"planning_mark"})  # "this case changed": the clones did not
# Which '|'-separated parts of an outbox idempotency key are row ids (scheduler/rules/*.py).
ID_PARTS: dict[str, tuple[int, ...]] = {
    "welcome": (1,),
    "appt": (1,),
    "meet": (1, 3),
    "plan": (1, 2),
    "unreachable": (1,),
    "checkin": (1,),
    "due": (1,),
    "resting": (1,),
    "cadence": (1,),
    "consent-warn": (1,),
    "escalation": (1,),
    "overview": (),
}
MARKERS = 4  # ref, member keys, phone numbers, chat ids


def markers(i: int) -> tuple[str, ...]:
    """How case ``i`` is named in text (``planner_scale.plan_text``)."""
    return f"BENCH-{i:06d}", f"-c{i:06d}", f"+4670{i:06d}", f"555{i:06d}"


def key_parts(key: str) -> tuple[str, int | None, str | None, int | None, str | None]:
    """``appt|12|1795683600|0`` -> ``("appt|", 12, "|1795683600|0", None, None)``."""
    parts = key.split("|")
    ids = ID_PARTS.get(parts[0])
    if ids is None:
        raise ValueError(f"unknown idempotency key {parts[0]!r}: add it to bulk_clone.ID_PARTS")
    pieces: list[Any] = []
    literal: list[str] = []
    for n, part in enumerate(parts):
        if n in ids:
            pieces += ["|".join(literal) + "|", int(part)]
            literal = [""]
        else:
            literal.append(part)
    pieces.append("|".join(literal))
    pieces += [None] * (5 - len(pieces))
    return pieces[0], pieces[1], pieces[2], pieces[3], pieces[4]


@dataclass(frozen=True)
class Templates:
    """The template cases: database id -> index ``t``, and the id offset one clone moves by."""

    index: dict[int, int]
    stride: int


def tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_CLONED]


def is_id(column: Any) -> bool:
    return isinstance(column.type, Integer) and (
        column.name == "id"
        or (column.name.endswith("_id") and "chat" not in column.name)
        or column.name in ("fallback_of", "in_reply_to")
    )


def is_chat(column: Any) -> bool:
    return isinstance(column.type, BigInteger) and "chat" in column.name


def owner_by_text(row: dict[str, Any], by_marker: dict[str, int]) -> int | None:
    """The template case a case-less row names (a coordinator's chat, a ref)."""
    blob = " ".join(str(v) for v in row.values() if isinstance(v, str | dict | list))
    return next((case for marker, case in by_marker.items() if marker in blob), None)


async def owners(conn: AsyncConnection, tpl: Templates) -> list[dict[str, Any]]:
    """Every template row with its template case (and the outbox key's parts)."""
    by_marker = {m: case for case, t in tpl.index.items() for m in markers(t)}
    found: dict[str, dict[int, int]] = {}
    out: list[dict[str, Any]] = []
    for table in tables():
        mine = found.setdefault(table.name, {})
        for row in (await conn.execute(select(table))).mappings():
            case = row["id"] if table.name == "sig_case" else row.get("case_id")
            for column in table.columns:
                for fk in column.foreign_keys:
                    parent = found.get(fk.column.table.name, {})
                    if case is None and row[column.name] in parent:
                        case = parent[row[column.name]]
            if case is None:
                case = owner_by_text(dict(row), by_marker)
            if case is None:
                continue
            mine[row["id"]] = case
            parts = key_parts(row["idempotency_key"]) if "idempotency_key" in row else (None,) * 5
            out.append(
                {
                    "tbl": table.name,
                    "row_id": row["id"],
                    "tpl_case": case,
                    **dict(zip(("ka", "ki1", "kb", "ki2", "kc"), parts, strict=True)),
                }
            )
    return out


def clone_rows(tpl: Templates, first_clone: int, cases: int) -> Iterable[dict[str, Any]]:
    """One row per clone: its template, id offset, chat shift and (old, new) names."""
    count = len(tpl.index)
    for case, t in tpl.index.items():
        for j in range(first_clone + (t - first_clone) % count, cases, count):
            row: dict[str, Any] = {
                "tpl_case": case,
                "id_shift": (j - t) // count * tpl.stride,
                "chat_delta": 10 * (j - t),
            }
            for n, (old, new) in enumerate(zip(markers(t), markers(j), strict=True)):
                row[f"o{n}"], row[f"n{n}"] = old, new
            yield row


SCRATCH = """
CREATE TEMPORARY TABLE bench_src (tbl VARCHAR(64), row_id INTEGER, tpl_case INTEGER,
  ka TEXT, ki1 INTEGER, kb TEXT, ki2 INTEGER, kc TEXT);
CREATE TEMPORARY TABLE bench_clone (tpl_case INTEGER, id_shift INTEGER, chat_delta BIGINT,
  o0 TEXT, n0 TEXT, o1 TEXT, n1 TEXT, o2 TEXT, n2 TEXT, o3 TEXT, n3 TEXT);
CREATE INDEX bench_src_row ON bench_src (tbl, row_id);
CREATE INDEX bench_clone_tpl ON bench_clone (tpl_case)
"""


def renamed(expr: str) -> str:
    for n in range(MARKERS):
        expr = f"replace({expr}, bc.o{n}, bc.n{n})"
    return expr


def select_list(table: Table, q: Any, postgres: bool) -> tuple[list[str], list[str]]:
    """The columns of ``table`` and what each clone gets in them."""
    names, exprs = [], []
    for column in table.columns:
        src = f"s.{q(column.name)}"
        if column.name == "idempotency_key":
            expr = renamed(
                "r.ka || COALESCE(CAST(r.ki1 + bc.id_shift AS TEXT), '') || COALESCE(r.kb, '')"
                " || COALESCE(CAST(r.ki2 + bc.id_shift AS TEXT), '') || COALESCE(r.kc, '')"
            )
        elif is_id(column):
            expr = f"{src} + bc.id_shift"
        elif is_chat(column):
            expr = f"{src} + bc.chat_delta"
        elif isinstance(column.type, String | AutoString):
            expr = renamed(src)
        elif type(column.type) is JSON:
            expr = renamed(f"CAST({src} AS TEXT)")
            expr = f"CAST({expr} AS JSON)" if postgres else expr
        else:
            expr = src
        names.append(q(column.name))
        exprs.append(expr)
    return names, exprs


async def clone(
    conn: AsyncConnection, tpl: Templates, first_clone: int, cases: int
) -> dict[str, int]:
    """Clone the templates into cases ``first_clone .. cases - 1``; rows added per table."""
    postgres = conn.dialect.name == "postgresql"
    q = conn.dialect.identifier_preparer.quote
    rows = await owners(conn, tpl)
    for statement in SCRATCH.split(";"):
        await conn.execute(text(statement))
    await conn.execute(
        text("INSERT INTO bench_src VALUES (:tbl, :row_id, :tpl_case, :ka, :ki1, :kb, :ki2, :kc)"),
        rows,
    )
    clones = list(clone_rows(tpl, first_clone, cases))
    if clones:
        columns = ", ".join(f":{c}" for c in clones[0])
        await conn.execute(text(f"INSERT INTO bench_clone VALUES ({columns})"), clones)
    added: dict[str, int] = {}
    for table in tables():
        names, exprs = select_list(table, q, postgres)
        result = await conn.execute(
            text(
                f"INSERT INTO {q(table.name)} ({', '.join(names)}) SELECT {', '.join(exprs)} "
                f"FROM {q(table.name)} s JOIN bench_src r ON r.tbl = '{table.name}' "
                "AND r.row_id = s.id JOIN bench_clone bc ON bc.tpl_case = r.tpl_case"
            )
        )
        added[table.name] = result.rowcount
        if postgres:
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {q(table.name)}), 0) + 1, false)"
                )
            )
    await conn.execute(text("DROP TABLE bench_src"))
    await conn.execute(text("DROP TABLE bench_clone"))
    return {name: n for name, n in added.items() if n}
