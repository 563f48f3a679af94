"""myleave: 销假 and the leave cards whose buttons go stale

``leaverequest.approved_end``: the last day as approved, kept when the cadre came back
early and ended the leave (销假); ``end`` then is the day before they were back, so every
figure counts the released days as ordinary days. Existing requests were never ended
early: NULL.

``leavecard``: each delivered message with buttons about a leave request (a holder's
card of a step, the applicant's /myleave card), with its chat, message id and text, so
the bot can edit it (buttons removed, a line saying what happened) once its buttons no
longer apply. The reply outbox keeps message ids too, but it is pruned after two days
and does not say which request a message is about; reminders keep none.

Revision ID: 0009_myleave
Revises: 0008_approvals
Create Date: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_myleave"
down_revision = "0008_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leaverequest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_end", sa.Date(), nullable=True))
    op.create_table(
        "leavecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["leaverequest.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["leavestep.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leavecard", schema=None) as batch_op:
        batch_op.create_index(
            "ix_leavecard_live",
            ["request_id"],
            unique=False,
            sqlite_where=sa.text("retired_at IS NULL"),
            postgresql_where=sa.text("retired_at IS NULL"),
        )
        batch_op.create_index("ix_leavecard_message", ["chat_id", "message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leavecard", schema=None) as batch_op:
        batch_op.drop_index("ix_leavecard_message")
        batch_op.drop_index("ix_leavecard_live")
    op.drop_table("leavecard")
    with op.batch_alter_table("leaverequest", schema=None) as batch_op:
        batch_op.drop_column("approved_end")
