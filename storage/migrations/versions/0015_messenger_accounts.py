"""messenger accounts: a stable chat number for each DingTalk staff id

``messengeraccount``: one row per account on a messenger whose ids are strings
(DingTalk's ``senderStaffId``); the chat number the conversations know it by is
``10**15 + id`` (``storage.repositories.messenger``).

Revision ID: 0015_messenger_accounts
Revises: 0014_unit_duties
Create Date: 2026-12-03 18:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015_messenger_accounts"
down_revision = "0014_unit_duties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messengeraccount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("messenger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("messenger", "external_id"),
    )


def downgrade() -> None:
    op.drop_table("messengeraccount")
