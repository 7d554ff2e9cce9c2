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

    All targets are checked before anything is written. Every file is first
    written to a short temporary name in its own folder (``.i2m-XXXX.tmp``, so a
    final name of up to 255 bytes still works); only when all of them are
    complete are they renamed into place, so a full disk or an error part-way
    leaves no target behind, and a reader never sees half a file.

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
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".i2m-", suffix=".tmp", dir=path.parent)
            except OSError as e:
                raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
            staged.append((Path(tmp), path))
            try:
                os.fchmod(fd, _FILE_MODE)  # mkstemp makes files private (0600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
            except OSError as e:
                raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        existed = {target for _, target in staged if target.exists()}
        done: list[Path] = []
        try:
            for tmp_path, target in staged:
                tmp_path.replace(target)
                done.append(target)
        except OSError as e:
            for target in done:  # undo what this call created
                if target not in existed:
                    target.unlink(missing_ok=True)
            raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
    finally:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
    return [target for _, target in staged]
