"""What feeds and pages read from the store: promises, postponement counts, history
rows, a cheap change marker, and the hashed tokens of private feeds.

Tokens are 32 random bytes (URL-safe base64); only their SHA-256 is stored, and a
given token is compared with `hmac.compare_digest`. A slow password hash buys
nothing for a random 256-bit secret.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from .model import ChangeKind, DeadlineChange, FeedToken, Promise

HASH_PREFIX = "sha256:"


def load_promises(session: Session) -> tuple[list[Promise], dict[int, int]]:
    """Every promise, and how often each one's deadline was moved (postponements only)."""
    promises = list(session.exec(select(Promise).order_by(col(Promise.id))))
    promise_id = col(DeadlineChange.promise_id)
    counts = session.exec(
        select(promise_id, func.count(col(DeadlineChange.id)))
        .where(DeadlineChange.kind == ChangeKind.POSTPONEMENT.value)
        .group_by(promise_id)
    ).all()
    return promises, {pid: n for pid, n in counts}


def load_changes(session: Session) -> dict[int, list[DeadlineChange]]:
    """Every history row (all kinds), by promise id, oldest first: the pages' history."""
    out: dict[int, list[DeadlineChange]] = {}
    stmt = select(DeadlineChange).order_by(
        col(DeadlineChange.promise_id), col(DeadlineChange.changed_at), col(DeadlineChange.id)
    )
    for change in session.exec(stmt):
        out.setdefault(change.promise_id, []).append(change)
    return out


def recurring_history(session: Session) -> dict[int, list[DeadlineChange]]:
    """The history rows of the recurring promises only, by promise id, oldest first: what
    a feed reads of history (`feeds.build(history=...)`: their fulfilled occurrences)."""
    out: dict[int, list[DeadlineChange]] = {}
    stmt = (
        select(DeadlineChange)
        .join(Promise, col(Promise.id) == col(DeadlineChange.promise_id))
        .where(col(Promise.recurrence).is_not(None))
        .order_by(col(DeadlineChange.promise_id), col(DeadlineChange.id))
    )
    for change in session.exec(stmt):
        out.setdefault(change.promise_id, []).append(change)
    return out


def data_version(session: Session) -> tuple[object, ...]:
    """A marker that changes whenever a promise or its deadline history does."""
    p = session.exec(
        select(
            func.count(col(Promise.id)), func.max(col(Promise.updated_at)), func.sum(col(Promise.revision))
        )
    ).one()
    d = session.exec(select(func.count(col(DeadlineChange.id)), func.max(col(DeadlineChange.id)))).one()
    return tuple(p) + tuple(d)


def hash_token(token: str) -> str:
    return HASH_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str | None) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    if not stored_hash:
        hmac.compare_digest(hash_token(token), hash_token(""))  # same work either way
        return False
    return hmac.compare_digest(hash_token(token).encode(), stored_hash.encode())


def token_hashes(session: Session) -> dict[str, str]:
    return {t.feed: t.token_hash for t in session.exec(select(FeedToken))}


def rotate_token(session: Session, feed: str, now: datetime) -> str:
    """Give `feed` a new token (the old one stops working); returns it, in clear, once."""
    token = secrets.token_urlsafe(32)
    row = session.get(FeedToken, feed)
    if row is None:
        row = FeedToken(feed=feed, token_hash=hash_token(token), created_at=now)
    else:
        row.token_hash, row.created_at = hash_token(token), now
    session.add(row)
    return token
