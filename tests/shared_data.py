"""Real public sample data lives in ../shared beside the checkout, never in the repository;
tests that read it skip, saying so, when it is absent."""
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def shared_data(folder: str) -> Path:
    """`../shared/data/<folder>` relative to the checkout, or skip with the reason."""
    path = (SHARED_DATA / folder).resolve()
    if not path.is_dir():
        pytest.skip(f"real sample data {folder!r} not present at {path} (../shared is optional)")
    return path
