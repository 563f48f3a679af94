"""unit duties: the unit's meetings and visits, each cadre's health check and insurance

``unitmeeting``: the dispatching unit's monthly 驻村扶贫专题会议 (Art. 15), by unit and day.
``unitvisit``: its leadership's visits to a village of its postings (Art. 15: every 2
months), with who went. ``carerecord``: a cadre's yearly health check or accident
insurance (valid until ``day``) recorded by their unit (Art. 19), by person and kind.

Revision ID: 0014_unit_duties
Revises: 0013_work_funds
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_unit_duties"
down_revision = "0013_work_funds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unitmeeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unitmeeting", schema=None) as batch_op:
        batch_op.create_index("ix_unitmeeting_unit_day", ["unit_id", "day"], unique=False)
    op.create_table(
        "unitvisit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visitors", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unitvisit", schema=None) as batch_op:
        batch_op.create_index("ix_unitvisit_unit_day", ["unit_id", "day"], unique=False)
    op.create_table(
        "carerecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("carerecord", schema=None) as batch_op:
        batch_op.create_index("ix_carerecord_person_kind", ["person_id", "kind"], unique=False)


def downgrade() -> None:
    for table, index in (
        ("carerecord", "ix_carerecord_person_kind"),
        ("unitvisit", "ix_unitvisit_unit_day"),
        ("unitmeeting", "ix_unitmeeting_unit_day"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
        op.drop_table(table)
