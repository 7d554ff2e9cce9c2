"""Shared test helpers.

Tests that need an optional dependency call :func:`need`. Normally a missing
dependency skips the test; with ``IMAGE2MUSIC_STRICT_DEPS=1`` (set by CI) it
fails instead, so a green CI means every test really ran.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest

#: Fixtures shared across folders: clips made from the test photos.
pytest_plugins = ["tests.clips"]

STRICT = os.environ.get("IMAGE2MUSIC_STRICT_DEPS", "") not in ("", "0", "false", "no")


def need(module: str, why: str = "") -> ModuleType:
    """Import ``module`` or skip (fail under IMAGE2MUSIC_STRICT_DEPS=1)."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        msg = f"optional dependency {module!r} missing{': ' + why if why else ''} ({e})"
        if STRICT:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg, allow_module_level=True)


def need_program(name: str) -> str:
    """Path of an executable or skip (fail under IMAGE2MUSIC_STRICT_DEPS=1)."""
    path = shutil.which(name)
    if path is None:
        msg = f"program {name!r} not on PATH"
        if STRICT:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg, allow_module_level=True)
    return path
