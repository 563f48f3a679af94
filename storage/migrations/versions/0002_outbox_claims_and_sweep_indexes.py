"""outbox claims and sweep indexes

The scheduler's outbox (``reminder``) gets a claim (token + time, so two dispatchers never
send one row and a dead dispatcher's claim can be taken over after a lease), an attempt
count and an expiry; a partial index finds the unsent rows. Check-ins and diaries get the
indexes the roster-wide sweeps read (who was on site on a day; diaries per month),
and ``onsitemonth`` rolls on-site days up per cadre and month (a bitmask of the days) so a
sweep over a year reads 12 rows per cadre, not every check-in; ``sweepstate`` keeps the
rollup's watermark.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ON_SITE = sa.text("on_site")
_UNSENT = sa.text("sent_at IS NULL AND failed IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("not_after", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_index(
        "ix_reminder_unsent",
        "reminder",
        ["id"],
        unique=False,
        sqlite_where=_UNSENT,
        postgresql_where=_UNSENT,
    )
    op.create_index(
        "ix_checkin_onsite_day_person",
        "checkin",
        ["day", "person_id"],
        unique=False,
        sqlite_where=_ON_SITE,
        postgresql_where=_ON_SITE,
    )
    op.create_table(
        "onsitemonth",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("work", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("person_id", "month"),
    )
    op.create_index(
        "ix_onsitemonth_month_person",
        "onsitemonth",
        ["month", "person_id", "count", "work"],
        unique=False,
    )
    op.create_table(
        "sweepstate",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index(
        "ix_diary_day_person",
        "diaryentry",
        ["day", "person_id", "week_signoff_id", "month_signoff_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("sweepstate")
    op.drop_index("ix_onsitemonth_month_person", table_name="onsitemonth")
    op.drop_table("onsitemonth")
    op.drop_index("ix_diary_day_person", table_name="diaryentry")
    op.drop_index("ix_checkin_onsite_day_person", table_name="checkin")
    op.drop_index("ix_reminder_unsent", table_name="reminder")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("not_after")
        batch_op.drop_column("attempts")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claim_token")
