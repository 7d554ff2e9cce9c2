"""McGill Billboard reader: ``salami_chords.txt`` (bar-wise chords with sections).

Format, per line: ``<seconds>`` TAB ``[<letter>, <section type>, ]| bar | bar |[, xN][, (instr]``.
Header lines ``# title:``, ``# artist:``, ``# metre:``, ``# tonic:`` (the
last two may change mid-song).

* A bar's tokens share the bar equally; ``.`` repeats the previous chord for
  its slot; ``(3/4)`` at the start of a bar sets that bar's metre; ``xN``
  after the last bar line repeats the line's bars N times.
* Chords are Harte labels (:mod:`image2music.data.harte`); ``N`` and
  ``&pause`` are no-chord; ``*`` (unannotated) and ``X`` are dropped.
* Bars are in quarter-note beats: a 6/8 bar is 3 beats, 12/8 is 6.
* Key: the header gives the tonic only; the mode of each tonic segment is
  estimated from the chords (:func:`image2music.data.keys.mode_for_tonic`).
* Sections: a line starting with a letter (``A, verse,``) starts a section
  labelled with its type.
* Tempo: median over lines of 60 / (seconds per beat) from the line
  timestamps.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import statistics
from fractions import Fraction
from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.chords import ParsedChord
from image2music.data.harte import parse_harte
from image2music.data.keys import mode_for_tonic
from image2music.data.readers.base import (
    ProgressFn,
    archive_path,
    decode_text,
    read_sorted,
)
from image2music.data.song import ChordEvent, DatasetReport, SongRecord, SongSkip, add_change
from image2music.errors import TheoryError
from image2music.theory import name_to_pc
from image2music.types import Key

__all__ = ["parse_salami", "read"]

ARCHIVE = "billboard_salami_chords_and_lab.tar.gz"
_FILE = re.compile(r"(?:^|/)billboard-2\.0-salami_chords/(\d+)/salami_chords\.txt$")
_METRE = re.compile(r"^\((\d+)/(\d+)\)$")
_LETTER = re.compile(r"^[A-Z]'*$")
_REPEAT = re.compile(r"^x(\d+)$")


def _metre(text: str) -> tuple[int, int] | None:
    m = re.match(r"^\s*(\d+)\s*/\s*(\d+)\s*$", text)
    if m is None or int(m.group(1)) == 0 or int(m.group(2)) == 0:
        return None
    return int(m.group(1)), int(m.group(2))


def parse_salami(local_id: str, text: str) -> SongRecord:
    """Parse one ``salami_chords.txt``.

    Args:
        local_id: The song's folder number (e.g. ``"0003"``).
        text: The file's text.

    Returns:
        The song.

    Raises:
        SongSkip: If the file has no tonic, no metre or no bars.
    """
    title = artist = ""
    metre: tuple[int, int] | None = None
    first_metre: tuple[int, int] | None = None
    tonic: int | None = None
    pos = Fraction(0)
    bar_starts: list[float] = []
    slots: list[tuple[Fraction, Fraction, ParsedChord | None]] = []  # None = "."
    sections: list[tuple[float, str]] = []
    tonics: list[tuple[Fraction, int]] = []
    timed: list[tuple[float, Fraction, Fraction]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "title":
                title = value
            elif key == "artist":
                artist = value
            elif key == "metre":
                metre = _metre(value)
                if metre is None:
                    raise SongSkip("unreadable metre")
                first_metre = first_metre or metre
            elif key == "tonic":
                try:
                    pc = name_to_pc(value)
                except TheoryError:
                    raise SongSkip("unreadable tonic") from None
                tonic = pc
                tonics.append((pos, pc))
            continue
        stamp, _, content = line.partition("\t")
        if "|" not in content:
            continue
        if metre is None or tonic is None:
            raise SongSkip("bars before the metre/tonic header")
        a, b = content.index("|"), content.rindex("|")
        prefix, bars_text, suffix = content[:a], content[a : b + 1], content[b + 1 :]
        fields = [f.strip() for f in prefix.split(",") if f.strip()]
        if fields and _LETTER.match(fields[0]):
            label = fields[1] if len(fields) > 1 and not fields[1].startswith("(") else fields[0]
            sections.append((float(pos), label))
        repeat = 1
        for f in suffix.split(","):
            m = _REPEAT.match(f.strip())
            if m:
                repeat = max(1, int(m.group(1)))
        bars = [bar.split() for bar in bars_text.split("|")[1:-1]]
        line_start = pos
        for _ in range(repeat):
            for tokens in bars:
                bar_metre = metre
                if tokens and (mm := _METRE.match(tokens[0])):
                    bar_metre = (int(mm.group(1)), int(mm.group(2)))
                    tokens = tokens[1:]
                bar_beats = Fraction(4 * bar_metre[0], bar_metre[1])
                bar_starts.append(float(pos))
                if tokens:
                    slot = bar_beats / len(tokens)
                    for i, tok in enumerate(tokens):
                        chord = None if tok == "." else _label(tok)
                        slots.append((pos + i * slot, slot, chord))
                pos += bar_beats
        with contextlib.suppress(ValueError):
            timed.append((float(stamp), line_start, pos))
    if not bar_starts or first_metre is None or tonic is None:
        raise SongSkip("no bars")
    chords: list[ChordEvent] = []
    for onset, dur, chord in slots:
        if chord is None:
            if chords:
                last = chords[-1]
                chords[-1] = ChordEvent(last.onset, last.duration + float(dur), last.chord)
            continue
        chords.append(ChordEvent(float(onset), float(dur), chord))
    if not chords:
        raise SongSkip("no chord annotations")
    keys = _keys(tonics, chords)
    return SongRecord(
        dataset="billboard",
        local_id=local_id,
        title=title,
        artist=artist,
        time_signature=first_metre,
        bar_starts=bar_starts,
        end=float(pos),
        keys=keys,
        chords=chords,
        sections=sections,
        tempo_bpm=_tempo(timed),
    )


def _label(token: str) -> ParsedChord:
    if token == "*":
        return ParsedChord.dropped(token, "unannotated chord (*)")
    return parse_harte(token)


def _keys(tonics: list[tuple[Fraction, int]], chords: list[ChordEvent]) -> list[tuple[float, Key]]:
    # Merge tonic headers at the same position, keep changes only.
    segs: list[tuple[float, int]] = []
    for pos, pc in tonics:
        add_change(segs, float(pos), pc)
    segs[0] = (0.0, segs[0][1])
    keys: list[tuple[float, Key]] = []
    for i, (start, pc) in enumerate(segs):
        end = segs[i + 1][0] if i + 1 < len(segs) else float("inf")
        inside = [(c.duration, c.chord) for c in chords if start <= c.onset < end]
        keys.append((start, mode_for_tonic(pc, inside)))
    return keys


def _tempo(timed: list[tuple[float, Fraction, Fraction]]) -> float:
    bpms = []
    for (t0, b0, _b1), (t1, b1, _) in itertools.pairwise(timed):
        beats = float(b1 - b0)
        if t1 > t0 and beats > 0:
            bpm = 60.0 * beats / (t1 - t0)
            if 30 <= bpm <= 300:
                bpms.append(bpm)
    return statistics.median(bpms) if bpms else float("nan")


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every ``salami_chords.txt``, by folder number (a :data:`~.base.ReadFn`)."""
    files: dict[str, bytes] = {}
    path = archive_path(folder, ARCHIVE, "billboard")
    for name, data in iter_archive(path, lambda n: n.endswith("salami_chords.txt")):
        m = _FILE.search(name)
        if m:
            files[m.group(1)] = data
    return read_sorted(files, lambda i, data: parse_salami(i, decode_text(data)), report, progress)
