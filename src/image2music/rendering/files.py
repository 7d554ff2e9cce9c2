"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from image2music.errors import ExistingFileError, OutputError

__all__ = ["check_targets", "write_files_atomically"]

#: Permissions of written files: readable by all, writable by the owner.
_FILE_MODE = 0o644


def check_targets(paths: Iterable[Path], *, force: bool = False) -> None:
    """Refuse targets that are folders, or that exist unless ``force``.

    Called before rendering, so that a refused write costs nothing.

    Raises:
        OutputError: If a target is a directory, or exists without ``force``.
    """
    for path in paths:
        if path.is_dir():
            raise OutputError(f"{path} is a directory")
        if path.exists() and not force:
            raise ExistingFileError(path)


def write_files_atomically(outputs: Mapping[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write every file or none.

    All targets are checked before anything is written; each file is written
    to a temporary name in its own folder and renamed into place, so a reader
    never sees half a file.

    Args:
        outputs: Target path -> content.
        force: Overwrite existing files (default: refuse).

    Returns:
        The paths written, in the order given.

    Raises:
        OutputError: If a target exists (without ``force``), is a directory,
            or cannot be written.
    """
    check_targets(outputs, force=force)
    written: list[Path] = []
    for path, data in outputs.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            try:
                os.fchmod(fd, _FILE_MODE)  # mkstemp makes files private (0600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                Path(tmp).replace(path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        written.append(path)
    return written
