"""filings: written reports (Art. 15) and plans (Art. 14) a cadre files

``filing``: a half-year written report, a term summary, a three-year plan or a year's
goals, for a period (``2026-H2``, ``2026``, ``term``), as typed text or a document
Telegram holds (its file id and name). A resubmission sets ``replaced_at`` on the earlier
row: the partial unique index allows one live filing per cadre, kind and period.

Revision ID: 0011_filings
Revises: 0010_term
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011_filings"
down_revision = "0010_term"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("file_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("filed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("replaced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.create_index(
            "ix_filing_live",
            ["person_id", "kind", "period"],
            unique=True,
            sqlite_where=sa.text("replaced_at IS NULL"),
            postgresql_where=sa.text("replaced_at IS NULL"),
        )
        batch_op.create_index("ix_filing_period", ["kind", "period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.drop_index("ix_filing_period")
        batch_op.drop_index("ix_filing_live")
    op.drop_table("filing")
