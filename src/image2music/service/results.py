"""The results folder: one sub-folder per composition, found by an unguessable id.

Layout: ``ROOT/ID/STEM.EXT``. An id is ``secrets.token_urlsafe(16)`` (128 random
bits, 22 characters). Nothing from a request becomes a path until it has passed
three checks: the id matches :data:`ID_PATTERN`, the file name matches
:data:`FILE_PATTERN` and is one of the files actually written for that id, and
the resolved path lies inside the root. A result appears all at once: its files
are written into a hidden temporary folder that is then renamed to the id.
Results older than the TTL are refused and deleted by :meth:`ResultStore.sweep`.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from image2music.errors import OutputError, WriteError

if TYPE_CHECKING:
    from image2music.composition import Composition

__all__ = [
    "FILE_PATTERN",
    "ID_PATTERN",
    "ResultNotFoundError",
    "ResultStore",
    "StoreFullError",
    "StoredResult",
    "stage_result",
]

#: Shape of a result id: what ``secrets.token_urlsafe(16)`` returns.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")
#: Shape of a result file name: a plain stem and a known extension.
FILE_PATTERN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(?:mid|wav|flac|ogg|mp3|musicxml|png|json|mp4)"
)

_TMP_PREFIX = ".tmp-"
_DEFAULT_STEM = "image2music"


class ResultNotFoundError(LookupError):
    """No such result or file (or it has expired)."""


class StoreFullError(OutputError):
    """The results folder is at its disk budget, or its disk is full."""


@dataclass(frozen=True)
class StoredResult:
    """A composition saved in the store.

    Attributes:
        id: The result's id.
        files: Format -> file name, in the order written.
        created: When it was saved (seconds since the epoch).
    """

    id: str
    files: dict[str, str]
    created: float


def stage_result(
    root: Path, composition: Composition, formats: Iterable[str], name: str | None
) -> tuple[str, dict[str, str]]:
    """Write a composition's files as a new result in ``root``, all or none.

    The files go into a hidden folder that is renamed to the new id when
    complete (a worker process may do this; the store then
    :meth:`~ResultStore.adopt` s it).

    Returns:
        The new id and format -> file name.

    Raises:
        ConfigError: For an unknown format.
        StoreFullError: If the disk is full.
        OutputError: If rendering or writing fails (the message never shows
            the server's folders).
    """
    result_id = secrets.token_urlsafe(16)
    tmp = root / f"{_TMP_PREFIX}{result_id}"
    try:
        written = composition.write(tmp, formats, stem=safe_stem(name))
        tmp.replace(root / result_id)
    except (WriteError, OSError) as e:
        cause = e if isinstance(e, OSError) else e.__cause__
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreFullError("the server has no room for results now; try later") from e
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else "failed"
        raise OutputError(f"the server could not store the result ({reason})") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result_id, {fmt: p.name for fmt, p in written.items()}


def safe_stem(name: str | None) -> str:
    """A file-name stem made from an uploaded file's name.

    Keeps ASCII letters, digits, ``-`` and ``_`` of the name's stem (accents
    folded, other characters turned into ``-``), at most 64 characters;
    ``image2music`` when nothing is left.
    """
    stem = Path(name or "").stem
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", folded).strip("-_")[:64].rstrip("-_")
    return cleaned if cleaned and FILE_PATTERN.fullmatch(f"{cleaned}.mid") else _DEFAULT_STEM


class ResultStore:
    """Saves compositions under unguessable ids and hands back their files safely.

    Thread-safe: every save goes to its own folder, and reads only look.

    Args:
        root: The results folder (created, private to the user, when missing).
        ttl_sec: Seconds a result lives.
        max_bytes: Disk budget of the folder, in bytes (default: none).
        clock: Returns the time in seconds since the epoch (for tests).

    Raises:
        OutputError: If the folder cannot be created.
    """

    def __init__(
        self,
        root: Path,
        ttl_sec: float,
        *,
        max_bytes: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise OutputError(f"cannot create the results folder {root}: {e.strerror or e}") from e
        self.root = root.resolve()
        self.ttl_sec = ttl_sec
        self.max_bytes = max_bytes
        self._clock = clock

    def save(
        self, composition: Composition, formats: Iterable[str], *, name: str | None = None
    ) -> StoredResult:
        """Render ``formats`` of a composition and store them under a new id.

        Args:
            composition: The composition.
            formats: Extensions from :data:`image2music.composition.FORMATS`.
            name: The picture's file name (for the files' stem).

        Returns:
            The stored result.

        The disk budget is checked by the caller before composing
        (:meth:`check_room`), once per request, not again here: counting the
        folder walks every result.

        Raises:
            ConfigError: For an unknown format.
            StoreFullError: If the disk is full.
            OutputError: If rendering or writing fails (the message never
                shows the server's folders).
        """
        result_id, files = stage_result(self.root, composition, formats, name)
        return self.adopt(result_id, files)

    def adopt(self, result_id: str, files: dict[str, str]) -> StoredResult:
        """Take in a result written by :func:`stage_result` (in this or another process).

        Its age starts now, by this store's clock.
        """
        now = self._clock()
        # The folder's time is the result's age, whatever the file system's clock.
        os.utime(self.root / result_id, (now, now))
        return StoredResult(result_id, dict(files), now)

    def usage_bytes(self) -> int:
        """Bytes used by the files in the results folder (results and leftovers).

        Folders and files that vanish during the count (a save renaming its
        temporary folder, a sweep deleting) are skipped, not errors.
        """
        total = 0
        folders = [self.root]
        while folders:
            try:
                entries = list(os.scandir(folders.pop()))
            except OSError:  # gone meanwhile
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
        return total

    def check_room(self) -> None:
        """Refuse new results while the folder is at its budget.

        Raises:
            StoreFullError: If ``max_bytes`` is set and used up.
        """
        if self.max_bytes is not None and self.usage_bytes() >= self.max_bytes:
            raise StoreFullError(
                "the server's space for results is used up; try again when older results expire"
            )

    def delete(self, result_id: str) -> None:
        """Delete a result now (nothing happens for an unknown id)."""
        if ID_PATTERN.fullmatch(result_id):
            shutil.rmtree(self.root / result_id, ignore_errors=True)

    def path(self, result_id: str, filename: str) -> Path:
        """The file ``filename`` of result ``result_id``, checked.

        Raises:
            ResultNotFoundError: If the id or name is malformed, unknown or expired,
                or would lead outside the root.
        """
        if not ID_PATTERN.fullmatch(result_id) or not FILE_PATTERN.fullmatch(filename):
            raise ResultNotFoundError("no such result")
        folder = self.root / result_id
        try:
            names = {e.name for e in os.scandir(folder) if e.is_file(follow_symlinks=False)}
            age = self._clock() - folder.stat().st_mtime
        except OSError:
            raise ResultNotFoundError("no such result") from None
        if age > self.ttl_sec:
            raise ResultNotFoundError("this result has expired")
        if filename not in names:
            raise ResultNotFoundError("no such file in this result")
        path = (folder / filename).resolve()
        if not path.is_relative_to(self.root) or path.parent != folder.resolve():
            raise ResultNotFoundError("no such result")
        return path

    def sweep(self) -> int:
        """Delete results (and leftover temporary folders) older than the TTL.

        Returns:
            How many were deleted.
        """
        deadline = self._clock() - self.ttl_sec
        removed = 0
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return 0
        for entry in entries:
            is_result = ID_PATTERN.fullmatch(entry.name) is not None
            is_tmp = entry.name.startswith(_TMP_PREFIX)
            if not (is_result or is_tmp) or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                old = entry.stat(follow_symlinks=False).st_mtime < deadline
            except OSError:
                continue
            if old:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        return removed
