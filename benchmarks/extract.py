"""How long `find_promises` takes on a 100-page letter (issues 6 and 11: under 2 s).

Builds a letter of 100 pages of about 3,000 characters each, with fixed-width lines as a
PDF extraction gives them, footnote markers, run-in headings, past facts and a promise
with its own date every few paragraphs; then times reading it from a .txt file and,
for comparison, from a PDF of the same pages (pypdf's text extraction included).

    .venv/bin/python benchmarks/extract.py
"""

import random
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from toezegging.extract import extract_file  # noqa: E402
from toezegging.lang import month_names  # noqa: E402

MONTHS = month_names("nl")
FILLER = [
    "Professionals moeten bij vermoedens van huiselijk geweld en kindermishandeling in actie komen.{n}",
    "De verplichte meldcode ondersteunt de professionals om de juiste afweging te maken bij "
    "signalen of vermoedens van onveiligheid in regio {k}.",
    "Veilig Thuis is daarmee een centrale schakel in de aanpak van huiselijk geweld (o.a. in "
    "{k} gemeenten, zie art. {k} van de wet).",
    "Op dit moment wordt door gemeenten en opvanginstellingen gewerkt aan de realisatie van "
    "{k} extra plekken.",
    "In het schooljaar 2022/2023 hebben de vertrouwensinspecteurs over {k} dossiers meldingen ontvangen.",
]
PAST = [
    "De resultaten van deze verkenning zijn op {d} {m} 2025 gepubliceerd.",
    "Verder startte in {m} 2025 een traject met {k} deelnemers.",
]
PROMISE = [
    "De Kamer wordt over onderdeel {k} voor eind {y} verder geïnformeerd.",
    "Over traject {k} ontvangt uw Kamer in het eerste kwartaal van {y} een brief.",
    "De minister van Justitie en Veiligheid verwacht de bevindingen van pilot {k} in {m} {y} "
    "met uw Kamer te kunnen delen.",
]


def letter(pages: int = 100, seed: int = 6) -> list[list[str]]:
    rnd = random.Random(seed)
    out, k = [], 0
    for _ in range(pages):
        text = []
        while sum(map(len, text)) < 3000:
            k += 1
            kind = rnd.random()
            pool = PROMISE if kind < 0.12 else PAST if kind < 0.25 else FILLER
            text.append(
                rnd.choice(pool).format(
                    k=k,
                    n=rnd.choice(["", "1", " 2"]),
                    d=rnd.randint(1, 28),
                    m=rnd.choice(MONTHS),
                    y=rnd.choice([2026, 2027, 2028]),
                )
            )
        heading = f"Onderdeel {k} van de aanpak"
        out.append(textwrap.wrap(heading + " " + " ".join(text), 95))
    out[-1] += ["", "Hoogachtend,", "", "De minister van Justitie en Veiligheid,", "", "D.M. van Weel"]
    return out


def timed(path: Path, ref: date) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (the CPU figure is the fair one on a busy machine)."""
    t0, c0 = time.perf_counter(), time.process_time()
    found = extract_file(path, ref)
    return time.perf_counter() - t0, time.process_time() - c0, len(found)


def main() -> None:
    from extract_docs import make_pdf

    pages = letter()
    ref = date(2026, 1, 15)
    with tempfile.TemporaryDirectory() as tmp:
        txt = Path(tmp) / "brief.txt"
        txt.write_text("\n\n".join("\n".join(p) for p in pages), encoding="utf-8")
        pdf = Path(tmp) / "brief.pdf"
        pdf.write_bytes(make_pdf(pages))
        extract_file(txt, ref)  # warm up: load the rules and the engine once
        chars = txt.stat().st_size
        for label, path in (("text", txt), ("pdf", pdf)):
            runs = [timed(path, ref) for _ in range(3)]
            wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
            print(
                f"extract {label}: {len(pages)} pages, {chars:,} characters: "
                f"{wall:.2f} s ({cpu:.2f} s CPU), {runs[0][2]} promises (target < 2 s)"
            )


if __name__ == "__main__":
    main()
