"""OpenEWLD reader: compressed MusicXML lead sheets (``.mxl``) from the archive.

Each ``dataset/<composers>/<title>/<title>.mxl`` is one song, read with the
direct lead-sheet reader (:func:`image2music.data.musicxml.parse_leadsheet`);
its local id is ``<composers>/<title>``. Title and composer come from the
score's ``work-title`` and ``creator``.
"""

from __future__ import annotations

from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.musicxml import mxl_to_xml, parse_leadsheet
from image2music.data.readers.base import ProgressFn, archive_path, read_items
from image2music.data.song import DatasetReport, SongRecord

__all__ = ["read"]

ARCHIVE = "OpenEWLD_dataset.tar.gz"


def _local_id(member: str) -> str:
    parts = member.split("/")
    return "/".join(parts[-3:-1]) if len(parts) >= 3 else parts[-1]


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every lead sheet of OpenEWLD, by archive path (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "openewld")
    files = sorted(
        (_local_id(name), data) for name, data in iter_archive(path, lambda n: n.endswith(".mxl"))
    )

    def parse(local_id: str, data: bytes) -> SongRecord:
        xml = mxl_to_xml(data)
        return parse_leadsheet(xml, dataset="openewld", local_id=local_id, counters=report.notes)

    return read_items(files, len(files), parse, report, progress)
