"""work funds (Art. 20)

``fundallocation``: each year's allocation to a village's fund (``first_secretary`` or
``team``), one row per year and fund. ``fundexpense``: each expense a First Secretary
signed off, with its day, amount (fen), purpose and the receipt photo's file id, indexed
by year and fund for the balance and the yearly statement.

Revision ID: 0013_work_funds
Revises: 0012_assessment_records
Create Date: 2026-12-03 17:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013_work_funds"
down_revision = "0012_assessment_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fundallocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("fund", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("allocated_by_id", sa.Integer(), nullable=True),
        sa.Column("allocated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["allocated_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "village_id", "fund"),
    )
    op.create_table(
        "fundexpense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("fund", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("receipt_file_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fundexpense", schema=None) as batch_op:
        batch_op.create_index("ix_fundexpense_fund", ["year", "village_id", "fund"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fundexpense", schema=None) as batch_op:
        batch_op.drop_index("ix_fundexpense_fund")
    op.drop_table("fundexpense")
    op.drop_table("fundallocation")
