"""planner and dispatcher indexes: outbox rows by subject, cases by status

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_subject",
        "outbox_message",
        ["subject_type", "subject_id", "member_id", "due_at"],
    )
    op.create_index("ix_sig_case_status", "sig_case", ["status"])


def downgrade() -> None:
    op.drop_index("ix_sig_case_status", table_name="sig_case")
    op.drop_index("ix_outbox_subject", table_name="outbox_message")
