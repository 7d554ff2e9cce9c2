"""Helpers of the fault suite: set up a fault for real, or say why it cannot be.

A fault that needs something pytest cannot always have (a small full disk
needs a tmpfs mount, which needs root) is set up by the test itself; where it
truly cannot be, the test is skipped with the reason, and under
``IMAGE2MUSIC_STRICT_DEPS=1`` (CI, which runs as root) the skip is a failure.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import STRICT
from tests.service.conftest import make_client  # noqa: F401  (a fixture used here too)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def cannot_provoke(why: str) -> None:
    """Skip: the fault cannot be set up here (a failure under strict CI)."""
    if STRICT:
        pytest.fail(f"cannot set up the fault: {why}", pytrace=False)
    pytest.skip(f"cannot set up the fault: {why}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs mounted on a fresh folder: a disk that fills up at once."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        cannot_provoke("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        cannot_provoke(f"mount -t tmpfs failed: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
