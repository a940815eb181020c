"""outbox: one row per recipient, fixed digests, the mail server's state

Revision ID: 0003
Revises: 0002

A reminder row now stands for one delivery to one address, so that a recipient the
server refuses fails or waits alone and the others are not mailed twice. Rows still to
be sent that name several addresses are split into one row per address.
"""

from email.utils import getaddresses

import sqlalchemy as sa
import sqlmodel
from alembic import op

import toezegging.model

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _split_pending_rows() -> None:
    conn = op.get_bind()
    reminder = sa.table(
        "reminder",
        sa.column("id", sa.Integer),
        sa.column("promise_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("due_on", sa.Date),
        sa.column("recipient", sa.String),
        sa.column("state", sa.String),
        sa.column("attempts", sa.Integer),
        sa.column("next_attempt_at", toezegging.model.UTCDateTime()),
        sa.column("message_id", sa.String),
        sa.column("created_at", toezegging.model.UTCDateTime()),
    )
    rows = conn.execute(
        sa.select(reminder).where(
            reminder.c.state.in_(("pending", "sending")), reminder.c.recipient.like("%,%")
        )
    ).all()
    for r in rows:
        addresses = [a for _, a in getaddresses([r.recipient]) if a] or [r.recipient]
        conn.execute(
            sa.update(reminder).where(reminder.c.id == r.id).values(recipient=addresses[0], state="pending")
        )
        for a in addresses[1:]:
            conn.execute(
                sa.insert(reminder).values(
                    promise_id=r.promise_id,
                    kind=r.kind,
                    due_on=r.due_on,
                    recipient=a,
                    state="pending",
                    attempts=0,
                    next_attempt_at=r.next_attempt_at,
                    message_id="",
                    created_at=r.created_at,
                )
            )


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_constraint("uq_reminder_promise_kind_due", type_="unique")
        batch.create_unique_constraint(
            "uq_reminder_promise_kind_due_recipient", ["promise_id", "kind", "due_on", "recipient"]
        )
        batch.add_column(sa.Column("digest_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.create_index("ix_reminder_digest_id", ["digest_id"], unique=False)
    _split_pending_rows()
    op.create_table(
        "mail_server_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("down_since", toezegging.model.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_try_at", toezegging.model.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("mail_server_state")
    with op.batch_alter_table("reminder") as batch:
        batch.drop_index("ix_reminder_digest_id")
        batch.drop_column("digest_id")
        batch.drop_constraint("uq_reminder_promise_kind_due_recipient", type_="unique")
        batch.create_unique_constraint("uq_reminder_promise_kind_due", ["promise_id", "kind", "due_on"])
