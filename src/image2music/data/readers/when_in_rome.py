"""When in Rome reader: RomanText analyses (``analysis.txt`` / ``analysis.rntxt``).

A minimal RomanText reader (music21's parser is far slower and not needed):

* headers ``Title:``, ``Composer:``, ``Time Signature:`` (``C`` = 4/4,
  ``Cut`` = 2/2; a change applies from the next measure line);
* measure lines ``m12 b1 V b3 I``: ``bN`` (1-based, fractional allowed) is a
  beat of the metre (a dotted quarter in 6/8, 9/8, 12/8, else the
  denominator's note); a key token ``a:`` / ``Ab:`` (lower case = minor)
  changes the key for what follows; ``||`` between two chords marks a pivot
  and the second reading (in the new key) replaces the first;
* repeats ``m5-6 = m1-2`` copy the chords (and key changes) of the source
  measures, starting in the key that was in force at the source;
* variant lines (``m12var1``), notes, pedals and repeat signs are ignored.

Bars: measure lengths follow the metre; a pickup measure ``m0`` is a full
bar 0 (its chords keep their beats, so it is padded at the front). Chords
last until the next chord; the last until the end of its measure. Only the
main analysis of each work is read (``analysis.txt``, else
``analysis.rntxt``); the alternative analyses by other analysts are left out
so that a work appears once. No melody (scores are not read), no tempo.
"""

from __future__ import annotations

import re
from pathlib import Path

from image2music.data.archive import iter_archive
from image2music.data.chords import ParsedChord
from image2music.data.keys import parse_key_name
from image2music.data.readers.base import (
    ProgressFn,
    archive_path,
    decode_text,
    read_sorted,
)
from image2music.data.roman import parse_roman
from image2music.data.song import ChordEvent, DatasetReport, SongRecord, SongSkip, add_change
from image2music.types import Key

__all__ = ["parse_romantext", "read"]

ARCHIVE = "WiR_analyses.tar.gz"
_MEASURE = re.compile(r"^m(\d+)([a-z]\w*)?\s*(.*)$")
_REPEAT = re.compile(r"^m(\d+)(?:-(\d+))?\s*=\s*m(\d+)(?:-(\d+))?\s*$")
_BEAT = re.compile(r"^b(\d+(?:\.\d+)?)$")
_KEY = re.compile(r"^([A-Ga-g][#b\-]*):$")


def _metre(text: str) -> tuple[int, int] | None:
    t = text.strip().lower().replace("slow", "").replace("fast", "").strip()
    if t == "c":
        return (4, 4)
    if t in ("cut", "c|"):
        return (2, 2)
    m = re.match(r"^(\d+)\s*/\s*(\d+)$", t)
    if m and int(m.group(1)) > 0 and int(m.group(2)) > 0:
        return int(m.group(1)), int(m.group(2))
    return None


def _beat_unit(metre: tuple[int, int]) -> float:
    num, den = metre
    if num % 3 == 0 and num > 3 and den >= 8:
        return 3 * 4.0 / den
    return 4.0 / den


def _key_token(tok: str) -> Key | None:
    """The key of a key token such as ``"a:"``, ``"Ab:"`` or ``"b-:"`` (lower case: minor)."""
    if _KEY.match(tok) is None:
        return None
    return parse_key_name(tok.replace("-", "b"))


def parse_romantext(local_id: str, text: str) -> SongRecord:
    """Parse one RomanText analysis.

    Args:
        local_id: Stable id (the analysis folder's path in the corpus).
        text: The file's text.

    Returns:
        The song (chords only).

    Raises:
        SongSkip: If there is no key, no metre or no chord.
    """
    title = composer = ""
    metre: tuple[int, int] | None = None
    pending_metre: tuple[int, int] | None = None
    metre_at: dict[int, tuple[int, int]] = {}
    # (measure, beat offset in quarter beats, chord); key changes likewise.
    events: list[tuple[int, float, ParsedChord]] = []
    key_events: list[tuple[int, float, Key]] = []
    per_measure: dict[int, list[tuple[float, ParsedChord | Key]]] = {}
    key: Key | None = None
    start_key: dict[int, Key] = {}  # key in force when a measure starts
    first_measure: int | None = None
    last_measure = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head, sep, value = line.partition(":")
        low = head.strip().lower()
        if (sep and not line.startswith("m")) or low in ("note", "pedal", "form"):
            if low == "title":
                title = value.strip()
            elif low == "composer":
                composer = value.strip()
            elif low == "time signature":
                pending_metre = _metre(value) or pending_metre
            continue
        rep = _REPEAT.match(line)
        if rep:
            a = int(rep.group(1))
            b = int(rep.group(2) or rep.group(1))
            src = int(rep.group(3))
            if src in start_key:
                key = start_key[src]
                key_events.append((a, 0.0, key))
            for i in range(b - a + 1):
                if key is not None:
                    start_key.setdefault(a + i, key)
                for beat, item in per_measure.get(src + i, []):
                    if isinstance(item, Key):
                        key_events.append((a + i, beat, item))
                        key = item
                    else:
                        events.append((a + i, beat, item))
                    per_measure.setdefault(a + i, []).append((beat, item))
            last_measure = max(last_measure, b)
            continue
        mm = _MEASURE.match(line)
        if mm is None or mm.group(2):
            continue  # variants ("m12var1") and unknown lines
        measure = int(mm.group(1))
        if pending_metre is not None:
            metre_at[measure] = pending_metre
            metre = pending_metre
            pending_metre = None
        if metre is None:
            metre = (4, 4)
            metre_at[measure] = metre
        first_measure = measure if first_measure is None else first_measure
        last_measure = max(last_measure, measure)
        if key is not None:
            start_key.setdefault(measure, key)
        unit = _beat_unit(metre)
        beat = 0.0
        pivot = False
        for tok in mm.group(3).split():
            if (bm := _BEAT.match(tok)) is not None:
                beat = (float(bm.group(1)) - 1.0) * unit
                pivot = False
                continue
            if tok in ("||", "|"):
                pivot = bool(events) and events[-1][0] == measure
                continue
            if tok.strip(":|") == "":
                continue
            if ":" in tok and not tok.endswith(":"):
                ktok, _, tok = tok.partition(":")
                ktok += ":"
            else:
                ktok = ""
            if ktok or _KEY.match(tok):
                k = _key_token(ktok or tok)
                if k is None:
                    raise SongSkip("unreadable key")
                key = k
                key_events.append((measure, beat, k))
                per_measure.setdefault(measure, []).append((beat, k))
                if not ktok:
                    continue
            if key is None:
                raise SongSkip("chord before any key")
            chord = parse_roman(tok, key)
            if pivot and events and events[-1][0] == measure:
                events.pop()
                items = per_measure[measure]
                last = max(i for i, (_, it) in enumerate(items) if not isinstance(it, Key))
                items.pop(last)
            pivot = False
            events.append((measure, beat, chord))
            per_measure.setdefault(measure, []).append((beat, chord))
    if not events or first_measure is None:
        raise SongSkip("no chords")
    # Bar onsets from the metre of each measure; m0 (pickup) is a full bar.
    start_measure = min(first_measure, min(m for m, _, _ in events))
    bar_start: dict[int, float] = {}
    bar_len: dict[int, float] = {}
    pos = 0.0
    cur = metre_at.get(start_measure) or next(iter(metre_at.values()))
    first_metre = cur
    for m in range(start_measure, last_measure + 1):
        cur = metre_at.get(m, cur)
        bar_start[m] = pos
        bar_len[m] = 4.0 * cur[0] / cur[1]
        pos += bar_len[m]
    end = pos
    timed = sorted(
        ((bar_start[m] + min(b, bar_len[m] - 0.25), i, c) for i, (m, b, c) in enumerate(events)),
        key=lambda x: (x[0], x[1]),
    )
    chords: list[ChordEvent] = []
    keyed: list[tuple[float, ParsedChord]] = [(t, c) for t, _, c in timed]
    for i, (t, c) in enumerate(keyed):
        nxt = keyed[i + 1][0] if i + 1 < len(keyed) else end
        if nxt > t:
            chords.append(ChordEvent(t, nxt - t, c))
    keys: list[tuple[float, Key]] = []
    for m, kb, k in sorted(key_events, key=lambda e: (e[0], e[1])):
        if m not in bar_start:
            continue
        add_change(keys, 0.0 if not keys else bar_start[m] + min(kb, bar_len[m] - 0.25), k)
    if not keys:
        raise SongSkip("no key")
    return SongRecord(
        dataset="when_in_rome",
        local_id=local_id,
        title=title,
        artist=composer,
        time_signature=first_metre,
        bar_starts=[bar_start[m] for m in range(start_measure, last_measure + 1)],
        end=end,
        keys=keys,
        chords=chords,
    )


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read the main RomanText analysis of every work, by corpus path (a :data:`~.base.ReadFn`)."""
    path = archive_path(folder, ARCHIVE, "when_in_rome")
    found: dict[str, dict[str, bytes]] = {}
    for name, data in iter_archive(
        path, lambda n: n.endswith(("/analysis.txt", "/analysis.rntxt"))
    ):
        work, _, fname = name.rpartition("/")
        work = work.split("Corpus/", 1)[-1]
        found.setdefault(work, {})[fname] = data
    main = {w: f.get("analysis.txt") or f["analysis.rntxt"] for w, f in found.items()}
    return read_sorted(
        main, lambda work, data: parse_romantext(work, decode_text(data)), report, progress
    )
