"""POP909 reader: melody track, ``chord_midi.txt``, ``key_audio.txt``, ``beat_midi.txt``.

Per song folder ``POP909/NNN/`` (read straight from ``POP909.tar.gz``):

* time: ``beat_midi.txt`` lists every quarter-note beat (seconds) with a
  downbeat flag in the third column. Seconds are mapped to beats by linear
  interpolation between beat times (extrapolated with the first/last beat
  interval). Bars start on the flagged downbeats; beats before the first
  downbeat are a pickup, padded to a full bar.
* metre: downbeats every 4 beats -> 4/4; every 3 or 6 beats -> 3/4 (the
  29 songs with 6 are marked as 3 "beats" per measure in ``index.xlsx``).
* chords: ``chord_midi.txt`` (``start end label``, Harte syntax).
* key: ``key_audio.txt`` segments (``Gb:maj``), key changes kept.
* melody: the ``MELODY`` track of ``NNN.mid``.
* tempo: median beat interval of ``beat_midi.txt``.
* title/artist: ``index.xlsx`` (read with :mod:`zipfile`; no spreadsheet
  library needed).
"""

from __future__ import annotations

import html
import itertools
import math
import re
import zipfile
from collections import Counter, defaultdict
from io import BytesIO
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from image2music.data.archive import iter_archive
from image2music.data.harte import parse_harte
from image2music.data.keys import estimate_key_from_chords, parse_key_name
from image2music.data.midi import parse_midi
from image2music.data.readers.base import ProgressFn, archive_path, read_sorted
from image2music.data.song import (
    ChordEvent,
    DatasetReport,
    NoteEvent,
    SongRecord,
    SongSkip,
    bar_starts_for,
)
from image2music.types import Key

__all__ = ["parse_index_xlsx", "parse_song", "read"]

ARCHIVE = "POP909.tar.gz"
_SONG = re.compile(r"(?:^|/)POP909/(\d{3})/([^/]+)$")
_WANTED = frozenset({"chord_midi.txt", "beat_midi.txt", "key_audio.txt"})


def parse_index_xlsx(data: bytes) -> dict[str, tuple[str, str]]:
    """Song id -> (title, artist) from POP909's ``index.xlsx``.

    Args:
        data: The workbook's bytes.

    Returns:
        The mapping (empty if the sheet cannot be read).
    """
    try:
        sheet = zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    except (KeyError, zipfile.BadZipFile):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for body in re.findall(r"<row [^>]*>(.*?)</row>", sheet, flags=re.S):
        vals = [html.unescape(v) for v in re.findall(r"<t[^>]*>(.*?)</t>", body, flags=re.S)]
        if len(vals) >= 3 and vals[0].isdigit():
            out[vals[0].zfill(3)] = (vals[1], vals[2])
    return out


def _rows(text: str, name: str, ncols: int) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) < ncols:
            raise SongSkip(f"malformed {name}")
        rows.append(parts)
    return rows


def parse_song(song: str, files: dict[str, bytes], meta: tuple[str, str] = ("", "")) -> SongRecord:
    """Build one POP909 song from its folder's files.

    Args:
        song: The three-digit song id.
        files: File name -> bytes for ``NNN.mid``, ``chord_midi.txt``,
            ``beat_midi.txt`` and (optionally) ``key_audio.txt``.
        meta: ``(title, artist)``.

    Returns:
        The song.

    Raises:
        SongSkip: If a required file is missing or malformed.
    """
    for need in ("chord_midi.txt", "beat_midi.txt", f"{song}.mid"):
        if need not in files:
            raise SongSkip(f"missing {need.replace(song, 'NNN')}")
    try:
        beats = _rows(files["beat_midi.txt"].decode(), "beat_midi.txt", 3)
        beat_t = np.array([float(r[0]) for r in beats])
        down = [i for i, r in enumerate(beats) if float(r[2]) == 1.0]
        chord_rows = _rows(files["chord_midi.txt"].decode(), "chord_midi.txt", 3)
        chord_spans = [(float(r[0]), float(r[1]), r[2]) for r in chord_rows]
        key_rows = _rows(files.get("key_audio.txt", b"").decode(), "key_audio.txt", 3)
    except ValueError as e:
        raise SongSkip("malformed annotation file") from e
    if len(beat_t) < 4 or not down or np.any(np.diff(beat_t) <= 0):
        raise SongSkip("unusable beat_midi.txt")
    if not chord_spans:
        raise SongSkip("no chord annotations")
    gaps = Counter(b - a for a, b in itertools.pairwise(down))
    gap = gaps.most_common(1)[0][0] if gaps else 4
    bar_len = 3 if gap in (3, 6) else (gap if 2 <= gap <= 12 else 4)
    shift = (bar_len - down[0] % bar_len) % bar_len
    first_dt, last_dt = beat_t[1] - beat_t[0], beat_t[-1] - beat_t[-2]
    idx = np.arange(len(beat_t), dtype=float)

    def to_beats(sec: NDArray[np.float64]) -> NDArray[np.float64]:
        b = np.interp(sec, beat_t, idx)
        b = np.where(sec < beat_t[0], (sec - beat_t[0]) / first_dt, b)
        b = np.where(sec > beat_t[-1], len(beat_t) - 1 + (sec - beat_t[-1]) / last_dt, b)
        return np.asarray(np.maximum(b + shift, 0.0), dtype=np.float64)

    spans = to_beats(np.array([[a, b] for a, b, _ in chord_spans], dtype=float))
    chords = [
        ChordEvent(float(on), float(off - on), parse_harte(label))
        for (on, off), (_, _, label) in zip(spans, chord_spans, strict=True)
        if off > on
    ]
    midi = parse_midi(
        files[f"{song}.mid"], skip_track=lambda name: name.strip().upper() != "MELODY"
    )
    track = next((t for t in midi.tracks if t.name.strip().upper() == "MELODY"), None)
    notes: list[NoteEvent] = []
    if track is not None and track.notes:
        k = len(track.notes)
        secs = midi.tick_to_seconds([n.start for n in track.notes] + [n.end for n in track.notes])
        b = to_beats(secs)
        notes = [
            NoteEvent(float(b[i]), float(b[k + i] - b[i]), n.pitch)
            for i, n in enumerate(track.notes)
            if b[k + i] > b[i]
        ]
    keys: list[tuple[float, Key]] = []
    for r in key_rows:
        key = parse_key_name(r[2])
        if key is not None:
            onset = float(to_beats(np.array([float(r[0])]))[0])
            keys.append((0.0 if not keys else onset, key))
    key_source = "annotated"
    if not keys:
        keys = [(0.0, estimate_key_from_chords((c.duration, c.chord) for c in chords))]
        key_source = "estimated"
    end = max([c.onset + c.duration for c in chords] + [n.onset + n.duration for n in notes])
    n_bars = max(1, math.ceil(end / bar_len - 1e-6))
    title, artist = meta
    return SongRecord(
        dataset="pop909",
        local_id=song,
        title=title,
        artist=artist,
        time_signature=(bar_len, 4),
        bar_starts=bar_starts_for(n_bars, bar_len),
        end=n_bars * bar_len,
        keys=keys,
        chords=chords,
        notes=notes,
        tempo_bpm=float(60.0 / np.median(np.diff(beat_t))),
        key_source=key_source,
    )


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every POP909 song from ``POP909.tar.gz``, by song id (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "pop909")
    per_song: dict[str, dict[str, bytes]] = defaultdict(dict)
    index = b""
    for name, data in iter_archive(
        path, lambda n: n.endswith(("index.xlsx", ".mid", ".txt")) and "/versions/" not in n
    ):
        if name.endswith("index.xlsx"):
            index = data
            continue
        m = _SONG.search(name)
        if m is None:
            continue
        song, fname = m.groups()
        if fname in _WANTED or fname == f"{song}.mid":
            per_song[song][fname] = data
    meta = parse_index_xlsx(index) if index else {}
    return read_sorted(
        per_song,
        lambda s, files: parse_song(s, files, meta.get(s, ("", ""))),
        report,
        progress,
    )
