"""The build puts everything the tool needs into the package: every folder of Python code
under toezegging/ is a listed package, and every data folder is mapped and its files
declared (tests/test_install.py builds the wheel itself and installs it)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _folder(package: str) -> Path:
    """Where a package's files are in the source tree (following package-dir)."""
    mapped = SETUPTOOLS.get("package-dir", {})
    for prefix in sorted(mapped, key=len, reverse=True):
        if package == prefix or package.startswith(prefix + "."):
            rest = package[len(prefix) :].lstrip(".").replace(".", "/")
            return ROOT / mapped[prefix] / rest
    return ROOT / package.replace(".", "/")


def test_every_code_folder_is_a_listed_package():
    listed = set(SETUPTOOLS["packages"])
    found = {
        str(p.parent.relative_to(ROOT)).replace("/", ".")
        for p in (ROOT / "toezegging").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_the_cards_data_folders_sit_at_the_root_and_install_inside_the_package():
    assert SETUPTOOLS["package-dir"] == {
        "toezegging.calendars": "calendars",
        "toezegging.mail_templates": "mail_templates",
    }
    assert not (ROOT / "toezegging" / "calendars").exists()
    assert not (ROOT / "toezegging" / "mail_templates").exists()


def test_every_data_file_is_declared():
    data = SETUPTOOLS["package-data"]
    undeclared = []
    for package in SETUPTOOLS["packages"]:
        folder = _folder(package)
        patterns = data.get(package, [])
        for f in folder.iterdir():
            if f.is_dir() or f.suffix in (".py", ".pyc") or f.name.startswith("."):
                continue
            if not any(f.match(p) for p in patterns):
                undeclared.append(str(f.relative_to(ROOT)))
    assert not undeclared, f"declare in [tool.setuptools.package-data]: {undeclared}"


def test_the_installed_paths_are_read_through_importlib_resources():
    from importlib import resources

    assert resources.files("toezegging.calendars").joinpath("recesses.toml").is_file()
    assert resources.files("toezegging.mail_templates").joinpath("nl", "mail.txt.j2").is_file()
