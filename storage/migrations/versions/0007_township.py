"""township attendance entries

The township's own entries of a cadre's day (``attendanceentry``: on site, absent or
duty, with a reason; one per cadre and day), written as corrections in the monthly review
and as exceptions on the weekly grid (Art. 11: the township owns attendance). They
override every other evidence of their day.

Revision ID: 0007_township
Revises: 0006_duty
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_township"
down_revision = "0006_duty"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendanceentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "day"),
    )
    with op.batch_alter_table("attendanceentry", schema=None) as batch_op:
        batch_op.create_index("ix_attendanceentry_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendanceentry", schema=None) as batch_op:
        batch_op.drop_index("ix_attendanceentry_day")
    op.drop_table("attendanceentry")
