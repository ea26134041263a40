"""escalation dedupe key (open once, unique per case) and the hand_over table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00

An escalation was opened "once" by reading first and inserting after, so two ``sigbot run``
processes could both open it (docs/architecture.md, "Planning rules"). The key it was deduped on
lived in ``detail["key"]``; it becomes a column with a unique constraint per case. Old rows are
backfilled from ``detail["key"]``; a row without one, or a second row of a case with the same
key (the duplicates this fixes), gets ``legacy|<id>`` so the constraint can be made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sigbot.models.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_escalation = sa.table(
    "escalation",
    sa.column("id", sa.Integer()),
    sa.column("case_id", sa.Integer()),
    sa.column("detail", sa.JSON()),
    sa.column("dedupe_key", sa.String()),
)


def _backfill() -> None:
    """dedupe_key from detail["key"], unique per case (a clash keeps the first row's key)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_escalation.c.id, _escalation.c.case_id, _escalation.c.detail).order_by(
            _escalation.c.id
        )
    ).all()
    seen: set[tuple[int, str]] = set()
    for row_id, case_id, detail in rows:
        key = (detail or {}).get("key") if isinstance(detail, dict) else None
        key = str(key)[:200] if key else None
        if key is None or (case_id, key) in seen:
            key = f"legacy|{row_id}"
        seen.add((case_id, key))
        conn.execute(
            _escalation.update().where(_escalation.c.id == row_id).values(dedupe_key=key)
        )


def upgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    _backfill()
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.alter_column(
            "dedupe_key",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
        )
        batch_op.create_unique_constraint("uq_escalation_case_dedupe", ["case_id", "dedupe_key"])

    op.create_table(
        "hand_over",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("from_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("to_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("at", sigbot.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", sigbot.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["sig_case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hand_over", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hand_over_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hand_over_done_at"), ["done_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hand_over", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hand_over_done_at"))
        batch_op.drop_index(batch_op.f("ix_hand_over_case_id"))
    op.drop_table("hand_over")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_escalation_case_dedupe", type_="unique")
        batch_op.drop_column("dedupe_key")
