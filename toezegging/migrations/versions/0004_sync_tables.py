"""sync with outside registers (sync_state, sync_record); ministries under their canonical name

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import toezegging.model

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("high_water", toezegging.model.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", toezegging.model.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", toezegging.model.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("register_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("modified", toezegging.model.UTCDateTime(timezone=True), nullable=True),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("synced_at", toezegging.model.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["promise_id"], ["promise.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "register_id", name="uq_sync_record_source_id"),
    )
    with op.batch_alter_table("sync_record") as batch:
        batch.create_index(batch.f("ix_sync_record_promise_id"), ["promise_id"], unique=False)
    _canonical_ministries()


def _canonical_ministries() -> None:
    """Store the ministries already in the register under their canonical names, as every
    new entry is (`ministries.as_stored`); a name the data does not know stays as it is."""
    from toezegging import ministries

    conn = op.get_bind()
    promise = sa.table("promise", sa.column("ministry", sa.String))
    stored = [r[0] for r in conn.execute(sa.select(promise.c.ministry).distinct()) if r[0] is not None]
    for value in stored:
        name = ministries.as_stored(value)
        if name != value:
            conn.execute(promise.update().where(promise.c.ministry == value).values(ministry=name))


def downgrade() -> None:
    with op.batch_alter_table("sync_record") as batch:
        batch.drop_index(batch.f("ix_sync_record_promise_id"))
    op.drop_table("sync_record")
    op.drop_table("sync_state")
