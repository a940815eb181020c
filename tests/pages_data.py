"""A small register for the page tests, seen on TODAY: every state a page must show.

1  BZK   overdue (window June..September 2026), owner, notes, a source link
2  BZK   due within 30 days
3  JenV  open, postponed twice: two ghosts
4  JenV  overdue, with a correction in its history (no move, no ghost)
5  OCW   waiting on an event (no window)
6  OCW   fulfilled late (after its first deadline)
7  OCW   fulfilled on time
8  none  open, due next year; its text holds markup that must stay text
9  JenV  withdrawn
10 BZK   removed (a tombstone): on no page
11 BZK   open, with a status row in its history (no move)
"""

from datetime import UTC, date, datetime

from served import FEEDS

from toezegging.model import DeadlineChange, Promise

TODAY = date(2026, 12, 1)
BZK = "Binnenlandse Zaken en Koninkrijksrelaties"
JENV = "Justitie en Veiligheid"
OCW = "Onderwijs, Cultuur en Wetenschap"
MARKUP = 'Een <script>alert("x")</script> & <b>vet</b> “citaat”'
OVERDUE = {1, 4}
OPEN = {1, 2, 3, 4, 5, 8, 11}
VISIBLE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11}

CONFIG = (
    """
language = "{language}"
[database]
url = "{url}"
[mail]
language = "{language}"
[server]
base_url = "{base_url}"
[web]
access = "{access}"
page_size = {page_size}
"""
    + FEEDS
)


def _moment(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, tzinfo=UTC)


def _p(id: int, text: str, earliest, latest, ministry, **kw) -> Promise:
    reference = kw.pop("reference", date(2026, 1, 15))
    return Promise(
        id=id,
        text=text,
        deadline=kw.pop("deadline", "voor de zomer"),
        reference=reference,
        earliest=earliest,
        latest=latest,
        kind=kw.pop("kind", "recess"),
        ministry=ministry,
        explanation=kw.pop("explanation", "Voor de zomer: voor het zomerreces."),
        created_at=_moment(reference),
        updated_at=_moment(reference),
        **kw,
    )


def _change(pid: int, on: date, old: tuple, new: tuple, kind: str = "postponement", **kw) -> DeadlineChange:
    return DeadlineChange(
        promise_id=pid,
        kind=kind,
        changed_at=_moment(on),
        reference=on,
        old_deadline=old[0],
        old_earliest=old[1],
        old_latest=old[2],
        new_deadline=new[0],
        new_earliest=new[1],
        new_latest=new[2],
        **kw,
    )


def fill(store) -> None:
    d = date
    with store.session() as s:
        s.add_all(
            [
                _p(
                    1,
                    "De minister stuurt de Kamer een brief over de Woo-verzoeken.",
                    d(2026, 6, 1),
                    d(2026, 9, 30),
                    BZK,
                    tags=["woo"],
                    owner="staf@example.org",
                    notes="geheime notitie",
                    by="J. Jansen",
                    function="minister van BZK",
                    to="Van der Werf",
                    fraction="D66",
                    source="Commissiedebat Woo",
                    kamerstuk="36 811",
                    url="https://www.tweedekamer.nl/toezegging/TZ1",
                    number="TZ202601-001",
                ),
                _p(
                    2,
                    "De evaluatie van de Wet open overheid komt binnenkort naar de Kamer.",
                    d(2026, 11, 15),
                    d(2026, 12, 20),
                    BZK,
                    tags=["woo"],
                    deadline="eind 2026",
                ),
                _p(
                    3,
                    "Het wetsvoorstel over femicide wordt in consultatie gebracht.",
                    d(2027, 1, 1),
                    d(2027, 3, 31),
                    JENV,
                    tags=["femicide"],
                    current_deadline="in het eerste kwartaal van 2027",
                    revision=2,
                ),
                _p(
                    4,
                    "De Kamer ontvangt de voortgangsrapportage over de aanpak van stalking.",
                    d(2026, 1, 1),
                    d(2026, 6, 30),
                    JENV,
                    tags=["stalking"],
                    owner="staf@example.org",
                ),
                _p(
                    5,
                    "Na de Voorjaarsnota informeert de minister de Kamer over de middelen.",
                    None,
                    None,
                    OCW,
                    kind="event",
                    open_ended=True,
                    deadline="na de Voorjaarsnota",
                    explanation="Een gebeurtenis zonder datum.",
                ),
                _p(
                    6,
                    "De beleidsreactie op de monitor sociale veiligheid volgt.",
                    d(2026, 3, 1),
                    d(2026, 6, 30),
                    OCW,
                    status="fulfilled",
                    closed_on=d(2026, 8, 1),
                ),
                _p(
                    7,
                    "Het onderzoek naar pesten op school wordt gedeeld.",
                    d(2026, 1, 1),
                    d(2026, 4, 30),
                    OCW,
                    status="fulfilled",
                    closed_on=d(2026, 3, 15),
                ),
                _p(8, MARKUP, d(2026, 12, 1), d(2027, 6, 30), None),
                _p(
                    9,
                    "Een ingetrokken toezegging over de ICT-agenda.",
                    d(2026, 5, 1),
                    d(2026, 7, 1),
                    JENV,
                    status="withdrawn",
                    closed_on=d(2026, 6, 1),
                ),
                _p(
                    10,
                    "Een verwijderde toezegging die nergens mag staan.",
                    d(2026, 5, 1),
                    d(2026, 7, 1),
                    BZK,
                    deleted_at=_moment(d(2026, 7, 2)),
                ),
                _p(
                    11,
                    "De minister deelt het advies over de basisregistratie.",
                    d(2027, 5, 1),
                    d(2027, 5, 31),
                    BZK,
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                _change(
                    3,
                    d(2026, 2, 1),
                    ("voor de zomer", d(2026, 1, 1), d(2026, 3, 31)),
                    ("voor het zomerreces", d(2026, 4, 1), d(2026, 6, 30)),
                    reason="Het advies van de Raad van State kwam later.",
                ),
                _change(
                    3,
                    d(2026, 6, 20),
                    ("voor het zomerreces", d(2026, 4, 1), d(2026, 6, 30)),
                    ("in het eerste kwartaal van 2027", d(2027, 1, 1), d(2027, 3, 31)),
                ),
                _change(
                    4,
                    d(2026, 1, 20),
                    ("voor de zomer", d(2025, 1, 1), d(2025, 6, 30)),
                    ("voor de zomer", d(2026, 1, 1), d(2026, 6, 30)),
                    kind="correction",
                    reason="Verkeerde datum ingevoerd.",
                ),
                _change(
                    11,
                    d(2026, 10, 1),
                    ("binnen een jaar", d(2027, 5, 1), d(2027, 5, 31)),
                    ("binnen een jaar", d(2027, 5, 1), d(2027, 5, 31)),
                    kind="status",
                    old_status="fulfilled",
                    new_status="open",
                ),
            ]
        )
