"""The labelled dev corpus (../shared/corpus/deadlines-dev.tsv) as a parametrised test,
and the dated promises of the two gold letters read in search mode."""

import csv
from datetime import date

import pytest
from corpus_paths import CORPUS, corpus_file

from toezegging.deadline import parse, search


def _rows(name: str):
    path = CORPUS / name
    if not path.exists():
        return [pytest.param(None, id="corpus-missing")]
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        pytest.param(r, id=f"{r.get('phrase') or r.get('time_phrase')}@{r.get('reference', '')}")
        for r in rows
    ]


@pytest.mark.parametrize("row", _rows("deadlines-dev.tsv"))
def test_dev_corpus(row):
    if row is None:
        corpus_file("deadlines-dev.tsv")
    w = parse(row["phrase"], date.fromisoformat(row["reference"]))
    if row["kind"] == "event":
        assert w.kind == "event" and w.earliest is None and w.latest is None
        return
    got = (w.earliest.isoformat(), w.latest.isoformat())
    assert got == (row["earliest"], row["latest"]), w.explanation
    assert (w.recurrence or "") == row["recurrence"]
    assert w.earliest <= w.latest


GOLD = {
    "promises-kabinetsreactie.tsv": date(2026, 6, 10),
    "promises-ocw-vertrouwensinspecteurs.tsv": date(2024, 1, 22),
}


@pytest.mark.parametrize("name,ref", GOLD.items())
def test_gold_time_phrases_in_search_mode(name, ref):
    """Each gold sentence start (with its time phrase) yields the labelled window."""
    path = corpus_file(name)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        sentence = r["sentence_start"]
        if r["time_phrase"].lower() not in sentence.lower():
            sentence = f"{sentence} {r['time_phrase']}"
        found = search(sentence, ref)
        assert found is not None, sentence
        assert found.text.lower().endswith(r["time_phrase"].lower().split()[-1]), found.text
        assert (found.window.earliest.isoformat(), found.window.latest.isoformat()) == (
            r["earliest"],
            r["latest"],
        ), (sentence, found.window.explanation)
        assert found.window.hedged == (r["hedged"] == "true"), sentence
