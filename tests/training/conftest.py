"""Fixtures of the training tests: the synthetic corpora of the harmony and melody tests."""

from __future__ import annotations

import pytest

from tests.harmony.conftest import FakeCorpus, fake_corpus
from tests.melody.conftest import melody_corpus


@pytest.fixture(scope="session")
def corpus() -> FakeCorpus:
    """Synthetic chord songs (2/3 train, 1/6 valid, 1/6 test)."""
    return fake_corpus()


@pytest.fixture(scope="session")
def mcorpus() -> FakeCorpus:
    """The same songs with small melodies."""
    return melody_corpus()
