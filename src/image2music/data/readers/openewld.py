"""OpenEWLD reader: compressed MusicXML lead sheets (``.mxl``) from the archive.

Each ``dataset/<composers>/<title>/<title>.mxl`` is one song, read with the
direct lead-sheet reader (:func:`image2music.data.musicxml.parse_leadsheet`);
its local id is ``<composers>/<title>``. Title and composer come from the
score's ``work-title`` and ``creator``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.musicxml import mxl_to_xml, parse_leadsheet
from image2music.data.readers.base import DatasetSpec, ProgressFn, read_items
from image2music.data.song import DatasetReport, SongRecord
from image2music.errors import DataError

__all__ = ["SPEC", "read"]

ARCHIVE = "OpenEWLD_dataset.tar.gz"


def _local_id(member: str) -> str:
    parts = member.split("/")
    return "/".join(parts[-3:-1]) if len(parts) >= 3 else parts[-1]


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every lead sheet of OpenEWLD.

    Args:
        folder: The ``openewld`` dataset folder.
        report: Receives counts and skip reasons.
        progress: Progress callback.

    Returns:
        The songs, by archive path.

    Raises:
        DataError: If the archive is missing or unreadable.
    """
    path = folder / ARCHIVE
    if not path.is_file():
        raise DataError(f"openewld: {path} not found")
    files = sorted(
        (_local_id(name), data) for name, data in iter_archive(path, lambda n: n.endswith(".mxl"))
    )
    counters: Counter[str] = Counter()

    def parse(local_id: str, data: bytes) -> SongRecord:
        return parse_leadsheet(
            mxl_to_xml(data), dataset="openewld", local_id=local_id, counters=counters
        )

    songs = read_items(files, len(files), parse, report, progress)
    report.notes.update(counters)
    return songs


SPEC = DatasetSpec(
    name="openewld",
    folder="openewld",
    licence="MIT / public domain",
    permissive=True,
    inputs=(ARCHIVE,),
    read=read,
)
