"""One e-mail address: a promise's owner, or one entry of `[mail] to`.

A reminder goes to the owner (else to `mail.to`), and an address field is a list
language of its own: `victim,attacker@evil.example` is two addresses, `a;b@x` sends to
the envelope address `a`, `Bcc:x@evil.example` is a group. So an owner is exactly one
plain address (`name@example.org`), and a `mail.to` entry is one address, optionally
with a display name (`Staf <staf@example.org>`). Each is read with `email.utils`, which
must find that one address and nothing else, and the address itself must be a plain
`local@domain.tld` (Unicode letters allowed, no quoting, comments or routes).
"""

import re
from email.utils import getaddresses, parseaddr

_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*\.[^\W\d_]{{2,}}")
# "Display Name <address>": the name without anything an address list gives meaning to.
NAMED = re.compile(r"(?P<name>[^<>,;:\"\\@()\[\]]*?)\s*<(?P<address>[^<>]*)>")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_address(value: str, what: str, *, with_name: bool = False) -> str | None:
    """`value` stripped (None when empty) if it is exactly one address; else `ValueError`
    saying so, naming `what`. `with_name` also allows `Name <address>`."""
    v = (value or "").strip()
    if not v:
        return None
    name, address = "", v
    if with_name and (m := NAMED.fullmatch(v)):
        name, address = m.group("name").strip(), m.group("address").strip()
    if (
        CONTROL.search(v) is None
        and ADDRESS.fullmatch(address)
        and getaddresses([v]) == [(name, address)]
        and parseaddr(v) == (name, address)
    ):
        return v
    example = "name@example.org" + (" or Name <name@example.org>" if with_name else "")
    raise ValueError(
        f"{what} {value!r} is not an e-mail address: give exactly one, like {example} "
        "(no lists, groups or other address syntax)."
    )
