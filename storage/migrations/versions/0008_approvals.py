"""recall pending on a posting

A confirmed recall (a continuous absence over 30 days is not a leave: 超过30天的由派出部门
召回并重新选派, Art. 11) marks the cadre's posting ``recall_pending`` until the roster
import posts a replacement to the village, which closes the old posting.

Revision ID: 0008_approvals
Revises: 0007_township
Create Date: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_approvals"
down_revision = "0007_township"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recall_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("recall_pending")
