"""history kinds (postponement, correction, event, status) and removed promises

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import toezegging.model

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_change") as batch:
        batch.add_column(
            sa.Column(
                "kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="postponement"
            )
        )
        batch.add_column(sa.Column("old_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("new_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("promise") as batch:
        batch.add_column(sa.Column("deleted_at", toezegging.model.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promise") as batch:
        batch.drop_column("deleted_at")
    with op.batch_alter_table("deadline_change") as batch:
        batch.drop_column("new_status")
        batch.drop_column("old_status")
        batch.drop_column("kind")
