"""Chord-melody-dataset reader: one uncompressed MusicXML lead sheet per song.

``chord-melody-dataset/<song>/<key>.xml`` (one file per song in the shared
copy). The README guarantees 4/4 and exactly two chords per bar, and the
OCR'd harmony offsets are unreliable, so a bar's two chords are placed on
beats 1 and 3 (``two_chords_per_bar``). The scores carry no title: the
folder name (underscores as spaces) is used. Local id: the folder name.
"""

from __future__ import annotations

from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.musicxml import parse_leadsheet
from image2music.data.readers.base import ProgressFn, archive_path, read_sorted
from image2music.data.song import DatasetReport, SongRecord

__all__ = ["read"]

ARCHIVE = "chord_melody_one_key_per_song.tar.gz"


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every lead sheet, by folder name (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "chord-melody")
    files: dict[str, bytes] = {}
    for name, data in iter_archive(path, lambda n: n.endswith(".xml")):
        parts = name.split("/")
        song = parts[-2] if len(parts) >= 2 else parts[-1].removesuffix(".xml")
        files.setdefault(song, data)

    def parse(song: str, data: bytes) -> SongRecord:
        rec = parse_leadsheet(
            data,
            dataset="chord_melody",
            local_id=song,
            two_chords_per_bar=True,
            counters=report.notes,
        )
        if not rec.title:
            rec.title = song.replace("_", " ")
        return rec

    return read_sorted(files, parse, report, progress)
