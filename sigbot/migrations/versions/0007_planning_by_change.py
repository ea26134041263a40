"""planning by change: each case's next look, and marks for cases that changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sigbot.models.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sig_case") as batch:
        batch.add_column(sa.Column("next_look_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_sig_case_next_look_at", ["next_look_at"])
    op.create_table(
        "planning_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_planning_mark_case_id", "planning_mark", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_planning_mark_case_id", table_name="planning_mark")
    op.drop_table("planning_mark")
    with op.batch_alter_table("sig_case") as batch:
        batch.drop_index("ix_sig_case_next_look_at")
        batch.drop_column("next_look_at")
