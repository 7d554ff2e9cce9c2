"""JazzStandards reader: iReal-style chord charts in one JSON file.

Each tune has ``Title``, ``Composer``, ``Key`` (``"Dmin"``, ``"Ab"`` or
missing), ``TimeSignature`` (missing means 4/4) and ``Sections`` with a
``Label``, a ``MainSegment`` and optional ``Endings``.

* Form: a section with endings is played once per ending (main segment +
  ending), as written; each pass is a section in the corpus.
* Bars are ``|``-separated, chords within a bar ``,``-separated and share
  the bar equally; an empty slot or bar continues the previous chord. A
  parenthesised chord is an alternative and is ignored (a slot holding only
  an alternative continues the previous chord).
* Symbols: :func:`image2music.data.symbols.parse_symbol`.
* Key: the ``Key`` field; when missing, estimated from the chords' pitch
  classes (Krumhansl-Kessler). No tempo (the ``Rhythm`` style is not a tempo).
* Local id: a slug of the title (``-2``, ``-3`` for repeated titles).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from image2music.data.keys import estimate_key_from_chords, parse_key_name
from image2music.data.readers.base import ProgressFn, read_items
from image2music.data.song import ChordEvent, DatasetReport, SongRecord, SongSkip
from image2music.data.symbols import parse_symbol
from image2music.errors import DataError

__all__ = ["parse_tune", "read"]

FILE = "JazzStandards.json"
_PARENS = re.compile(r"\([^)]*\)")


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "untitled"


def parse_tune(local_id: str, tune: dict[str, object]) -> SongRecord:
    """Build one song from a JazzStandards tune.

    Args:
        local_id: Stable id within the dataset.
        tune: The tune's JSON object.

    Returns:
        The song.

    Raises:
        SongSkip: If the tune has no readable sections or chords.
    """
    ts_text = str(tune.get("TimeSignature") or "4/4")
    m = re.match(r"^(\d+)/(\d+)$", ts_text.strip())
    ts = (int(m.group(1)), int(m.group(2))) if m else (4, 4)
    if ts[0] <= 0 or ts[1] <= 0:
        raise SongSkip("unreadable time signature")
    bar_beats = 4.0 * ts[0] / ts[1]
    sections_in = tune.get("Sections")
    if not isinstance(sections_in, list) or not sections_in:
        raise SongSkip("no sections")
    bars: list[str] = []
    sections: list[tuple[float, str]] = []
    for sec in sections_in:
        if not isinstance(sec, dict):
            raise SongSkip("malformed section")
        label = str(sec.get("Label") or "")
        main = sec.get("MainSegment") or {}
        if not isinstance(main, dict):
            raise SongSkip("malformed section")
        main_bars = str(main.get("Chords") or "").split("|")
        endings = sec.get("Endings") or []
        passes = (
            [
                main_bars + str(e.get("Chords") or "").split("|")
                for e in endings
                if isinstance(e, dict)
            ]
            if isinstance(endings, list) and endings
            else [main_bars]
        )
        for p in passes:
            sections.append((len(bars) * bar_beats, label))
            bars.extend(p)
    chords: list[ChordEvent] = []
    for i, bar in enumerate(bars):
        slots = bar.split(",")
        width = bar_beats / len(slots)
        for j, slot in enumerate(slots):
            text = _PARENS.sub("", slot).strip()
            onset = i * bar_beats + j * width
            if not text:
                if chords:
                    last = chords[-1]
                    chords[-1] = ChordEvent(last.onset, onset + width - last.onset, last.chord)
                continue
            chords.append(ChordEvent(onset, width, parse_symbol(text)))
    if not any(c.chord.is_chord for c in chords):
        raise SongSkip("no chord annotations")
    key = parse_key_name(str(tune.get("Key") or ""))
    key_source = "annotated"
    if key is None:
        key = estimate_key_from_chords((c.duration, c.chord) for c in chords)
        key_source = "estimated"
    return SongRecord(
        dataset="jazz_standards",
        local_id=local_id,
        title=str(tune.get("Title") or ""),
        artist=str(tune.get("Composer") or ""),
        time_signature=ts,
        bar_starts=[i * bar_beats for i in range(len(bars))],
        end=len(bars) * bar_beats,
        keys=[(0.0, key)],
        chords=chords,
        sections=sections,
        key_source=key_source,
    )


def read(folder: Path, report: DatasetReport, progress: ProgressFn) -> list[SongRecord]:
    """Read every tune of ``JazzStandards.json``, in file order (a :data:`~.base.ReadFn`)."""
    path = folder / FILE
    try:
        tunes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataError(f"jazz_standards: cannot read {path}: {e}") from e
    if not isinstance(tunes, list):
        raise DataError(f"jazz_standards: {path} is not a JSON list of tunes")
    seen: dict[str, int] = {}
    items: list[tuple[str, dict[str, object]]] = []
    for tune in tunes:
        title = str(tune.get("Title") or "") if isinstance(tune, dict) else ""
        slug = _slug(title)
        seen[slug] = seen.get(slug, 0) + 1
        local_id = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
        items.append((local_id, tune if isinstance(tune, dict) else {}))
    return read_items(items, len(items), parse_tune, report, progress)
