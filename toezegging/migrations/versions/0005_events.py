"""promises that wait on an event: anchor, offset, offset_mode, event_name, event_date

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promise") as batch:
        batch.add_column(sa.Column("anchor", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("offset", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("offset_mode", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("event_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("event_date", sa.Date(), nullable=True))
        batch.create_index("ix_promise_event_name", ["event_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("promise") as batch:
        batch.drop_index("ix_promise_event_name")
        batch.drop_column("event_date")
        batch.drop_column("event_name")
        batch.drop_column("offset_mode")
        batch.drop_column("offset")
        batch.drop_column("anchor")
