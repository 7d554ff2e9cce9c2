"""Nottingham reader: the dataset's MIDI renderings plus titles from the ABC files.

The MIDI files (``MIDI/<book><n>.mid`` in ``MIDI.tar.gz``) were rendered from
the cleaned ABC by the dataset's authors with repeats written out: track 0
is the melody, track 1 the chords as block chords. Reading them avoids a
full ABC parser (repeats, endings, broken rhythms) and gives the tunes as
played. The chord symbols are recovered from each block chord's pitch
classes (:func:`image2music.data.chords.recognise_pitch_classes`; lowest note
= bass). A chord lasts until the next one. Tunes whose MIDI has no chord
track (13) are skipped and counted.

* Metre: MIDI time signatures (metre changes kept); the renderer already
  pads pickups to a full bar.
* Key: MIDI key signatures with their major/minor flag (from ``K:``),
  key changes kept. No tempo (NaN).
* Title: ``T:`` of tune ``X: <n>`` in ``ABC_cleaned/<book>.abc``.
"""

from __future__ import annotations

import re
from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.chords import recognise_pitch_classes
from image2music.data.midi import MidiNote, parse_midi
from image2music.data.readers.base import ProgressFn, archive_path, read_items
from image2music.data.song import (
    ChordEvent,
    DatasetReport,
    NoteEvent,
    SongRecord,
    SongSkip,
    add_change,
    bars_from_metres,
)
from image2music.theory import key_from_signature
from image2music.types import Key

__all__ = ["abc_titles", "parse_tune_midi", "read"]

ARCHIVE = "MIDI.tar.gz"
_MIDI = re.compile(r"(?:^|/)MIDI/([A-Za-z\-]+?)(\d+)\.mid$")


def abc_titles(text: str) -> dict[int, str]:
    """Tune number -> first title, from an ABC file.

    Args:
        text: The ABC file's text.

    Returns:
        The mapping.
    """
    titles: dict[int, str] = {}
    current: int | None = None
    for line in text.splitlines():
        if line.startswith("X:"):
            try:
                current = int(line[2:].strip())
            except ValueError:
                current = None
        elif line.startswith("T:") and current is not None and current not in titles:
            titles[current] = line[2:].strip()
    return titles


def _block_chords(notes: list[MidiNote], tpb: int) -> list[tuple[float, list[int]]]:
    groups: dict[int, list[int]] = {}
    for n in notes:
        groups.setdefault(n.start, []).append(n.pitch)
    return [(tick / tpb, pitches) for tick, pitches in sorted(groups.items())]


def parse_tune_midi(local_id: str, data: bytes, title: str = "") -> SongRecord:
    """Build one tune from its MIDI rendering.

    Args:
        local_id: Stable id (the MIDI file's stem, e.g. ``"jigs12"``).
        data: The MIDI bytes.
        title: The tune's title.

    Returns:
        The song.

    Raises:
        SongSkip: If the MIDI has no melody or no chord track.
    """
    midi = parse_midi(data)
    tpb = midi.ticks_per_beat
    tracks = [t for t in midi.tracks if t.notes]
    if len(tracks) < 2:
        raise SongSkip("no chord track")
    melody_track, chord_track = tracks[0], tracks[1]
    notes = [NoteEvent(n.start / tpb, (n.end - n.start) / tpb, n.pitch) for n in melody_track.notes]
    blocks = _block_chords(chord_track.notes, tpb)
    end_tick = max(n.end for t in tracks for n in t.notes)
    end_beats = end_tick / tpb
    chords = []
    for i, (onset, pitches) in enumerate(blocks):
        nxt = blocks[i + 1][0] if i + 1 < len(blocks) else end_beats
        label = "+".join(str(p) for p in sorted(pitches))
        chord = recognise_pitch_classes(pitches, min(pitches) % 12, label)
        if nxt > onset:
            chords.append(ChordEvent(onset, nxt - onset, chord))
    metres: list[tuple[float, int, int]] = []
    for tick, num, den in midi.time_signatures:
        if metres and abs(metres[-1][0] - tick / tpb) < 1e-9:
            metres[-1] = (tick / tpb, num, den)
        elif not metres or metres[-1][1:] != (num, den):
            metres.append((tick / tpb, num, den))
    if metres:
        metres[0] = (0.0, metres[0][1], metres[0][2])
    bars = bars_from_metres(metres, end_beats)
    first = metres[0] if metres else (0.0, 4, 4)
    bar_len = 4.0 * first[1] / first[2]
    end = bars[-1] + (4.0 * metres[-1][1] / metres[-1][2] if metres else bar_len)
    keys: list[tuple[float, Key]] = []
    for tick, sf, minor in midi.key_signatures:
        key = key_from_signature(sf, "minor" if minor else "major")
        add_change(keys, 0.0 if not keys else tick / tpb, key)
    if not keys:
        raise SongSkip("no key signature")
    return SongRecord(
        dataset="nottingham",
        local_id=local_id,
        title=title,
        artist="",
        time_signature=(first[1], first[2]),
        bar_starts=bars,
        end=end,
        keys=keys,
        chords=chords,
        notes=notes,
    )


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every tune, by book and tune number (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "nottingham")
    titles: dict[tuple[str, int], str] = {}
    for abc in sorted((folder / "ABC_cleaned").glob("*.abc")):
        for num, title in abc_titles(abc.read_text(encoding="latin-1")).items():
            titles[(abc.stem, num)] = title
    files: dict[tuple[str, int], bytes] = {}
    for name, data in iter_archive(path, lambda n: n.endswith(".mid")):
        m = _MIDI.search(name)
        if m and "/melody/" not in name and "/chords/" not in name:
            files[(m.group(1), int(m.group(2)))] = data
    keys = sorted(files)
    return read_items(
        ((f"{book}{num}", (files[(book, num)], titles.get((book, num), ""))) for book, num in keys),
        len(keys),
        lambda lid, payload: parse_tune_midi(lid, payload[0], payload[1]),
        report,
        progress,
    )
