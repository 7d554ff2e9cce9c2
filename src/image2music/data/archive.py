"""Reading dataset files straight from ``.tar.gz`` archives.

The shared dataset folder is read-only and must stay untouched: archives are
streamed member by member with :mod:`tarfile` (nothing is unpacked to disk).
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

from image2music.errors import DataError

__all__ = ["iter_archive"]


def iter_archive(path: Path, accept: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """Stream the regular files of a tar archive whose name ``accept`` approves.

    Args:
        path: The ``.tar.gz`` (or any tar) file.
        accept: Predicate on the member name (POSIX path inside the archive).

    Yields:
        ``(member_name, content)`` in archive order.

    Raises:
        DataError: If the archive is missing or cannot be read.
    """
    try:
        with tarfile.open(path, "r:*") as tf:
            for member in tf:
                if not member.isfile() or not accept(member.name):
                    continue
                f = tf.extractfile(member)
                if f is None:
                    continue
                yield member.name, f.read()
    except (OSError, tarfile.TarError, EOFError) as e:
        raise DataError(f"cannot read archive {path}: {e}") from e
