"""official duty days

``dutyrecord``: spans of official duty (公务: the district's training of Art. 13, the
meetings of Art. 16, other duty called by the district or township) on which a cadre is
neither on site nor absent, indexed by person and start for the per-cadre and the
roster-wide reads.

Revision ID: 0006_duty
Revises: 0005_leave
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_duty"
down_revision = "0005_leave"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dutyrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.create_index("ix_dutyrecord_person_start", ["person_id", "start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.drop_index("ix_dutyrecord_person_start")
    op.drop_table("dutyrecord")
