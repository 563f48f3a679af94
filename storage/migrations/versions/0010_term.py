"""term: the approval of a mid-term change, and the visits a diary is tagged with

``assignment.change_approval``: the city organisation department's consent (a document
number or a note) to a First Secretary's change of village or unit before the term is
up (Art. 6: 报经市委组织部同意), given in the roster's ``approval`` column and kept with
the posting it began. Postings before this revision needed none: NULL.

``diaryvisit``: whom a diary entry's visit was to (Art. 10.1 五必访五必问: 党员干部,
村民代表, 致富能手, 贫困家庭, 上访人员), one row per entry and kind, so a year's count per
kind is one grouped query.

Revision ID: 0010_term
Revises: 0009_myleave
Create Date: 2026-12-03 17:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_term"
down_revision = "0009_myleave"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "change_approval", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
            )
        )
    op.create_table(
        "diaryvisit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["diaryentry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("diaryvisit")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("change_approval")
