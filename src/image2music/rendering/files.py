"""Atomic file output: stage every file in a scratch folder beside its target, then rename."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from image2music.errors import ExistingFileError, WriteError
from image2music.rendering.scratch import make_scratch_dir, sweep_stale

__all__ = ["SCRATCH_PREFIX", "check_targets", "write_files_atomically"]

#: Start of the names of the scratch folders files are staged in.
SCRATCH_PREFIX = ".i2m-"
#: Permissions of written files: readable by all, writable by the owner.
_FILE_MODE = 0o644


def check_targets(paths: Iterable[Path], *, force: bool = False) -> None:
    """Refuse targets that are folders, or that exist unless ``force``.

    Called before rendering, so that a refused write costs nothing.

    Raises:
        ExistingFileError: If a target exists without ``force``.
        WriteError: If a target is a directory.
    """
    for path in paths:
        if path.is_dir():
            raise WriteError(f"{path} is a directory")
        if path.exists() and not force:
            raise ExistingFileError(path)


def write_files_atomically(outputs: Mapping[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write every file or none.

    All targets are checked before anything is written. The files are first
    written into a private scratch folder in each target's folder
    (``.i2m-<pid>-XXXX/``, short names inside, so a final name of up to 255
    bytes still works); only when all of them are complete are they renamed
    into place, so a full disk or an error part-way leaves no target behind,
    and a reader never sees half a file. Scratch folders of runs that were
    killed (``kill -9``) are removed by the next write into the same folder.

    Args:
        outputs: Target path -> content.
        force: Overwrite existing files (default: refuse).

    Returns:
        The paths written, in the order given.

    Raises:
        ExistingFileError: If a target exists (without ``force``).
        WriteError: If a target is a directory or cannot be written.
    """
    check_targets(outputs, force=force)
    scratch: dict[Path, Path] = {}
    staged: list[tuple[Path, Path]] = []
    try:
        for i, (path, data) in enumerate(outputs.items()):
            folder = scratch.get(path.parent)
            if folder is None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise WriteError(f"cannot write {path}: {e.strerror or e}") from e
                sweep_stale(path.parent, SCRATCH_PREFIX)
                folder = scratch[path.parent] = make_scratch_dir(path.parent, SCRATCH_PREFIX)
            tmp = folder / str(i)
            staged.append((tmp, path))
            try:
                with tmp.open("xb") as fh:
                    os.fchmod(fh.fileno(), _FILE_MODE)
                    fh.write(data)
            except OSError as e:
                raise WriteError(f"cannot write {path}: {e.strerror or e}") from e
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
            raise WriteError(f"cannot write {target}: {e.strerror or e}") from e
    finally:
        for folder in scratch.values():
            shutil.rmtree(folder, ignore_errors=True)
    return [target for _, target in staged]
