"""How the register's deadlines were read: windows, events, unreadable, and the kinds.

Over the promises in the register (removed ones left out): a promise has a window when
its deadline gave dates; it is an event when its phrase waits on something without a date
("na afloop van de pilot"); it is unreadable when no deadline was found at all (a record of
the Kamer's register whose text holds no time phrase and which gives no date). On a
register filled by `sync tk` this measures the parser on the Kamer's own text.
"""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session, col

from .model import Promise


@dataclass
class Stats:
    promises: int = 0
    window: int = 0
    event: int = 0
    unreadable: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # of the promises with a window

    def share(self, n: int) -> float:
        return n / self.promises if self.promises else 0.0

    def to_dict(self) -> dict:
        return {
            "promises": self.promises,
            "window": self.window,
            "event": self.event,
            "unreadable": self.unreadable,
            "kinds": self.kinds,
        }


def register_stats(session: Session, *, register_only: bool = False) -> Stats:
    """The counts over the register (`register_only`: the Kamer's records, with a number)."""
    unread = (col(Promise.deadline) == "").label("unread")
    dated = col(Promise.latest).is_not(None).label("dated")
    stmt = (
        select(unread, col(Promise.kind), dated, col(Promise.open_ended), func.count(col(Promise.id)))
        .where(col(Promise.deleted_at).is_(None))
        .group_by(unread, col(Promise.kind), dated, col(Promise.open_ended))
    )
    if register_only:
        stmt = stmt.where(col(Promise.number).is_not(None))
    out, kinds = Stats(), Counter[str]()
    for is_unread, kind, has_dates, open_ended, n in session.execute(stmt):
        out.promises += n
        if is_unread:
            out.unreadable += n
        elif has_dates and not open_ended:
            out.window += n
            kinds[kind] += n
        else:
            out.event += n
    out.kinds = dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
