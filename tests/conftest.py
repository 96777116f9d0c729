"""Shared fixtures of the test suite (helpers that are not fixtures live in ``_support.py``)."""
from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, fixed-seed Generator for every test, so tests never depend on their order."""
    return np.random.default_rng(20240611)
