"""assessment records

``assessmentrecord``: the township's 日常考核 and 半年考核 of a cadre, a note on each of the
four items (在岗、走访调研、项目实施、工作开展, Art. 26.1), and the graders' 民主测评 and
个别谈话 with their raters' and people's count (Art. 28), append only, indexed by cadre
and year.

``graderecall``: the recall a 不称职 year grade opens (Art. 30), one per cadre and year, so
its district-wide notice goes once however often the grade is recorded again.

Revision ID: 0012_assessment_records
Revises: 0011_filings
Create Date: 2026-12-03 17:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_assessment_records"
down_revision = "0011_filings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "assessmentrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", text(length=24), nullable=False),
        sa.Column("on_post", text(length=200), nullable=True),
        sa.Column("visits", text(length=200), nullable=True),
        sa.Column("projects", text(length=200), nullable=True),
        sa.Column("work", text(length=200), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("note", text(length=300), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cadre_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessmentrecord", schema=None) as batch_op:
        batch_op.create_index("ix_assessmentrecord_cadre_year", ["cadre_id", "year"], unique=False)
    op.create_table(
        "graderecall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["cadre_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cadre_id", "year"),
    )


def downgrade() -> None:
    op.drop_table("graderecall")
    with op.batch_alter_table("assessmentrecord", schema=None) as batch_op:
        batch_op.drop_index("ix_assessmentrecord_cadre_year")
    op.drop_table("assessmentrecord")
