"""Where the project's shared material (../shared: corpus, spec, tools) lives, if present."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared corpus sits beside the checkout)")
    return path
