"""inbox and reply outbox

The durable inbox (``inbox``: every update stored, keyed by ``update_id``, before it is
confirmed to the Bot API; claimed by one worker at a time, one update per chat in flight)
and the reply outbox (``reply_outbox``: the replies stored in the transaction that handled
their update, marked sent once Telegram accepted them), so neither a crash nor a database
or Telegram outage loses a check-in, an approval or its answer.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UNHANDLED = sa.text("handled_at IS NULL")
_CLAIMED = sa.text("claim_token IS NOT NULL")
_UNSENT = sa.text("sent_at IS NULL AND failed IS NULL")


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("handled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("handled_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index(
        "ix_inbox_unhandled",
        "inbox",
        ["chat_id", "update_id"],
        unique=False,
        sqlite_where=_UNHANDLED,
        postgresql_where=_UNHANDLED,
    )
    op.create_index(
        "ix_inbox_claimed",
        "inbox",
        ["chat_id"],
        unique=False,
        sqlite_where=_CLAIMED,
        postgresql_where=_CLAIMED,
    )
    op.create_index("ix_inbox_handled_at", "inbox", ["handled_at"], unique=False)
    op.create_table(
        "reply_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("failed", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reply_outbox_unsent",
        "reply_outbox",
        ["chat_id", "id"],
        unique=False,
        sqlite_where=_UNSENT,
        postgresql_where=_UNSENT,
    )
    op.create_index("ix_reply_outbox_created_at", "reply_outbox", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reply_outbox_created_at", table_name="reply_outbox")
    op.drop_index("ix_reply_outbox_unsent", table_name="reply_outbox")
    op.drop_table("reply_outbox")
    op.drop_index("ix_inbox_handled_at", table_name="inbox")
    op.drop_index("ix_inbox_claimed", table_name="inbox")
    op.drop_index("ix_inbox_unhandled", table_name="inbox")
    op.drop_table("inbox")
