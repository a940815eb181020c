"""A status's names have one home, `data/statuses.toml`, read through `status.name`."""

from importlib import resources

import pytest

from toezegging import status
from toezegging.model import REMOVED
from toezegging.status import Status


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_status_has_a_name_in_each_language(language):
    names = status.names(language)
    assert set(names) == {*(s.value for s in Status), REMOVED}
    assert all(name.strip() for name in names.values())


def test_the_names_are_the_kamers_own_in_dutch():
    assert [status.name(s, "nl") for s in Status] == [
        "Openstaand",
        "Voldaan",
        "Deels voldaan",
        "Vervallen",
        "Ingetrokken",
    ]
    assert status.name(Status.PARTLY, "en") == "Partly fulfilled"
    assert status.name("unknown", "nl") == "unknown"  # shown as it is


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("toezegging", "data/feeds.toml"),
        ("toezegging.pages", "words.toml"),
        ("toezegging.mail_templates", "words.toml"),
    ],
)
def test_no_other_word_file_names_the_statuses(package, name):
    text = resources.files(package).joinpath(name).read_text("utf-8")
    for word in ("Openstaand", "Deels voldaan", "Vervallen", "Ingetrokken", "Partly fulfilled"):
        assert f'"{word}"' not in text, (name, word)
