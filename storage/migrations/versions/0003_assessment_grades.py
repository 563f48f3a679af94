"""assessment grades

The annual grade of each cadre (优秀 / 称职 / 不称职, Art. 26 and 30), one per cadre and
year, so the 20% cap on 优秀 can be checked against what is stored and a third unexcused
absence at a spot check (Art. 26.3) can record 不称职 by itself.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessmentgrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("graded_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cadre_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["graded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cadre_id", "year"),
    )
    with op.batch_alter_table("assessmentgrade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessmentgrade_cadre_id"), ["cadre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessmentgrade_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessmentgrade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessmentgrade_year"))
        batch_op.drop_index(batch_op.f("ix_assessmentgrade_cadre_id"))
    op.drop_table("assessmentgrade")
