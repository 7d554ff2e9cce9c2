"""Private scratch folders, and the removal of those left behind by killed runs.

A process killed with ``kill -9`` runs no clean-up code, so whatever it had
in flight stays on disk. Scratch folders are therefore named after the
process that made them, ``PREFIX<pid>-<random>``, and every later run first
removes the folders of its prefix whose process no longer exists
(:func:`sweep_stale`). A folder of a live process is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from image2music.errors import WriteError

__all__ = ["make_scratch_dir", "sweep_stale"]


def make_scratch_dir(parent: Path, prefix: str) -> Path:
    """Create a private folder ``PREFIX<pid>-<random>`` in ``parent`` (mode 0700).

    Args:
        parent: Where to create it (it must exist).
        prefix: Start of the name, e.g. ``".i2m-"``.

    Returns:
        The new folder.

    Raises:
        WriteError: If it cannot be created.
    """
    try:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    except OSError as e:
        raise WriteError(f"cannot write in {parent}: {e.strerror or e}") from e


def sweep_stale(parent: Path, prefix: str) -> int:
    """Remove the scratch folders in ``parent`` whose process has ended.

    Only folders named exactly as :func:`make_scratch_dir` names them are
    considered; errors (a folder of another user, a vanished folder) are
    ignored, so a sweep never fails the run that makes it.

    Args:
        parent: The folder to look in.
        prefix: The prefix the scratch folders were made with.

    Returns:
        How many folders were removed.
    """
    pattern = re.compile(re.escape(prefix) + r"(\d+)-[A-Za-z0-9_]+")
    removed = 0
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        if _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed += not os.path.lexists(entry.path)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (ours counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or a pid no process can have
        return False
    except PermissionError:  # another user's process
        return True
    return True
