"""leave: 补假 (retroactive leave)

``leaverequest.retroactive``: a leave asked for sudden illness or an emergency whose first
day is up to 3 days back (补假); every approver's card shows it. Existing requests were all
asked in advance, so they get ``false``.

Revision ID: 0005_leave
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_leave"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leaverequest", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retroactive", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("leaverequest", schema=None) as batch_op:
        batch_op.drop_column("retroactive")
