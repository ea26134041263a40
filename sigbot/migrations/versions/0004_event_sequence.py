"""appointment and meeting sequence: the calendar file's revision counter

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("appointment", "meeting"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("sequence", sa.Integer(), nullable=False, server_default="0")
            )


def downgrade() -> None:
    for table in ("appointment", "meeting"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sequence")
