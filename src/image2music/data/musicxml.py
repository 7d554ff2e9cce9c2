"""Direct MusicXML lead-sheet reader (OpenEWLD, chord-melody-dataset).

:mod:`xml.etree.ElementTree` is used instead of music21 (tens of times
faster). What is read from the first ``<part>``:

* ``<harmony>``: ``root-step``/``root-alter``, ``kind`` (MusicXML kind
  values, folded by :func:`harmony_to_chord`), ``<degree>`` add/alter/
  subtract, ``bass-step``/``bass-alter``. A harmony sits at the current
  position of its measure plus its ``<offset>``; it lasts until the next.
  With ``two_chords_per_bar`` (chord-melody-dataset, whose OCR'd offsets are
  unreliable but whose README guarantees two chords a bar) a bar's two
  harmonies are placed on beats 1 and 3, a single one on beat 1.
* notes of the first voice: pitch, duration (``divisions`` per quarter),
  ties (tied notes merge), rests; chord notes (``<chord/>``), grace and cue
  notes are ignored; ``<backup>``/``<forward>`` move the position.
* ``<key>`` ``fifths``/``mode``: the tonic comes from the signature; a
  ``minor`` mode is trusted, but ``major`` or no mode is re-estimated
  (:func:`image2music.data.keys.mode_from_signature`) because OpenEWLD
  writes ``<mode>major</mode>`` by default, also for minor tunes (Für Elise,
  Scarborough Fair). Key changes are kept.
* ``<time>`` (per measure), ``<sound tempo>`` (first one).
* Bars: every measure lasts its time signature's length; a short first
  measure is a pickup, padded at the front to a full bar; a later short
  measure marked ``implicit="yes"`` keeps its real length. Notes beyond the
  bar line are dropped (counted). Repeats and endings are not expanded: the
  music is read as written.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from image2music.data.chords import ChordStatus, ParsedChord, make_chord
from image2music.data.keys import mode_from_signature
from image2music.data.song import ChordEvent, NoteEvent, SongRecord, SongSkip
from image2music.errors import TheoryError
from image2music.theory import key_from_signature, name_to_pc
from image2music.types import Key

__all__ = ["KINDS", "harmony_to_chord", "mxl_to_xml", "parse_leadsheet"]

_MAJ = (0, 4, 7)
_MIN = (0, 3, 7)

#: MusicXML ``kind`` values: (core intervals, has extensions).
KINDS: dict[str, tuple[tuple[int, ...], bool]] = {
    "major": (_MAJ, False),
    "minor": (_MIN, False),
    "augmented": ((0, 4, 8), False),
    "diminished": ((0, 3, 6), False),
    "dominant": ((0, 4, 7, 10), False),
    "dominant-seventh": ((0, 4, 7, 10), False),
    "major-seventh": ((0, 4, 7, 11), False),
    "minor-seventh": ((0, 3, 7, 10), False),
    "diminished-seventh": ((0, 3, 6, 9), False),
    "augmented-seventh": ((0, 4, 8, 10), False),
    "half-diminished": ((0, 3, 6, 10), False),
    "major-minor": ((0, 3, 7, 11), False),
    "minor-major": ((0, 3, 7, 11), False),
    "major-sixth": ((0, 4, 7, 9), False),
    "minor-sixth": ((0, 3, 7, 9), False),
    "dominant-ninth": ((0, 4, 7, 10), True),
    "major-ninth": ((0, 4, 7, 11), True),
    "minor-ninth": ((0, 3, 7, 10), True),
    "dominant-11th": ((0, 4, 7, 10), True),
    "major-11th": ((0, 4, 7, 11), True),
    "minor-11th": ((0, 3, 7, 10), True),
    "dominant-13th": ((0, 4, 7, 10), True),
    "major-13th": ((0, 4, 7, 11), True),
    "minor-13th": ((0, 3, 7, 10), True),
    "suspended-second": ((0, 2, 7), False),
    "suspended-fourth": ((0, 5, 7), False),
    "power": ((0, 7), False),
    "pedal": ((0,), False),
    "Neapolitan": (_MAJ, False),
    "Italian": ((0, 4, 10), True),
    "French": ((0, 4, 6, 10), True),
    "German": ((0, 4, 7, 10), True),
    "Tristan": ((0, 3, 6, 10), True),
    "augmented-ninth": ((0, 4, 8, 10), True),
    "maj69": ((0, 4, 7, 9), True),
    "": (_MAJ, False),  # an empty <kind/> under a root: a bare major triad
    "min69": ((0, 3, 7, 9), True),
}
# MusicXML degree numbers (7 is the minor seventh, as in chord symbols).
_DEGREE = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 10}


def mxl_to_xml(data: bytes) -> bytes:
    """The score document inside a compressed ``.mxl`` file.

    Args:
        data: The ``.mxl`` (zip) bytes.

    Returns:
        The MusicXML bytes (the rootfile named by ``META-INF/container.xml``,
        else the first ``.xml`` outside ``META-INF``).

    Raises:
        SongSkip: If the archive holds no score.
    """
    try:
        z = zipfile.ZipFile(BytesIO(data))
        names = z.namelist()
        target = None
        if "META-INF/container.xml" in names:
            try:
                container = ET.fromstring(z.read("META-INF/container.xml"))
                for el in container.iter():
                    if el.tag.endswith("rootfile") and el.get("full-path"):
                        target = el.get("full-path")
                        break
            except ET.ParseError:
                target = None  # some OpenEWLD containers have unescaped quotes
        if target is None or target not in names:
            target = next(
                (n for n in names if n.endswith((".xml", ".musicxml")) and "META-INF" not in n),
                None,
            )
        if target is None:
            raise SongSkip("no score in .mxl archive")
        return z.read(target)
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise SongSkip("unreadable .mxl archive") from e


def _float(el: ET.Element | None, default: float = 0.0) -> float:
    if el is None or el.text is None or not el.text.strip():
        return default
    return float(el.text.strip())


def _step_pc(step: str, alter: float) -> int | None:
    """Pitch class of a ``step`` letter moved by ``alter`` semitones (rounded); None if bad."""
    try:
        return (name_to_pc(step) + round(alter)) % 12
    except TheoryError:
        return None


def harmony_to_chord(h: ET.Element) -> ParsedChord:
    """Fold a ``<harmony>`` element onto the vocabulary.

    Args:
        h: The element.

    Returns:
        The chord (no-chord for kind ``none``; dropped with a reason when the
        root or kind cannot be read).
    """
    kind_el = h.find("kind")
    kind = (kind_el.text or "").strip() if kind_el is not None else ""
    text = kind_el.get("text", "") if kind_el is not None else ""
    step = h.findtext("root/root-step")
    alter = round(_float(h.find("root/root-alter")))
    raw = f"{step or '?'}{'#' * max(alter, 0)}{'b' * max(-alter, 0)}{text or ':' + kind}"
    if kind == "none":
        return ParsedChord.none(raw)
    if step is None:
        return ParsedChord.dropped(raw, "harmony without a root")
    root = _step_pc(step, _float(h.find("root/root-alter")))
    if root is None:
        return ParsedChord.dropped(raw, "unreadable harmony root")
    core_t: tuple[int, ...]
    if kind not in KINDS:
        if kind == "other" and h.findall("degree"):
            core_t, extended = (0,), False
        else:
            return ParsedChord.dropped(raw, f"unknown harmony kind {kind!r}")
    else:
        core_t, extended = KINDS[kind]
    core = set(core_t)
    for d in h.findall("degree"):
        try:
            value = int(_float(d.find("degree-value")))
            alter = round(_float(d.find("degree-alter")))
        except ValueError:
            continue
        dtype = (d.findtext("degree-type") or "add").strip()
        if value > 7:
            if dtype != "subtract":
                extended = True
            continue
        base = _DEGREE.get(value)
        if base is None:
            continue
        if dtype == "subtract":
            core.discard(base)
            if value == 3:
                core.difference_update({3, 4})
        elif dtype == "alter":
            if value == 3:
                core.difference_update({3, 4})
            elif value == 5:
                core.difference_update({6, 7, 8})
            elif value == 7:
                core.difference_update({9, 10, 11})
            else:
                core.discard(base)
            core.add((base + alter) % 12)
        else:
            core.add((base + alter) % 12)
    bass = None
    bstep = h.findtext("bass/bass-step")
    if bstep is not None:
        bass = _step_pc(bstep, _float(h.find("bass/bass-alter")))
    return make_chord(root, core, extended, bass, raw)


@dataclass
class _Harmony:
    measure: int
    pos: float  # beats from the measure start
    chord: ParsedChord


def parse_leadsheet(
    data: bytes,
    *,
    dataset: str,
    local_id: str,
    two_chords_per_bar: bool = False,
    counters: Counter[str] | None = None,
) -> SongRecord:
    """Read a MusicXML lead sheet (uncompressed XML bytes).

    Args:
        data: The MusicXML document.
        dataset: Dataset name for the record.
        local_id: Stable id within the dataset.
        two_chords_per_bar: Place a bar's two harmonies on beats 1 and 3.
        counters: Receives counts of dropped notes.

    Returns:
        The song.

    Raises:
        SongSkip: If the document is not a readable lead sheet.
    """
    counters = counters if counters is not None else Counter()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise SongSkip("malformed XML") from e
    if root.tag != "score-partwise":
        raise SongSkip(f"unsupported MusicXML root <{root.tag}>")
    part = root.find("part")
    if part is None:
        raise SongSkip("no <part>")
    title = (root.findtext("work/work-title") or root.findtext("movement-title") or "").strip()
    artist = (root.findtext("identification/creator[@type='composer']") or "").strip()

    divisions = 1.0
    ts: tuple[int, int] | None = None
    first_ts: tuple[int, int] | None = None
    tempo = math.nan
    bar_starts: list[float] = []
    harmonies: list[_Harmony] = []
    notes: list[NoteEvent] = []
    sigs: list[tuple[float, int, str | None]] = []  # (onset, fifths, mode)
    voice: str | None = None
    pos_bar = 0.0
    tie_open: dict[int, int] = {}  # pitch -> index in notes of a note awaiting its tie
    for mi, measure in enumerate(part.findall("measure")):
        pos = 0.0  # divisions from the measure start
        max_pos = 0.0
        m_notes: list[tuple[float, float, int, bool, bool]] = []
        m_harm: list[tuple[float, ParsedChord]] = []
        m_sig: tuple[int, str | None] | None = None
        for el in measure:
            tag = el.tag
            if tag == "attributes":
                d = el.find("divisions")
                if d is not None:
                    divisions = _float(d, 1.0) or 1.0
                k = el.find("key")
                if k is not None and k.find("fifths") is not None:
                    m_sig = (int(_float(k.find("fifths"))), k.findtext("mode"))
                t = el.find("time")
                if t is not None:
                    try:
                        ts = (int(t.findtext("beats") or 4), int(t.findtext("beat-type") or 4))
                    except ValueError:
                        ts = ts or (4, 4)
                    first_ts = first_ts or ts
            elif tag == "harmony":
                off = _float(el.find("offset")) if not two_chords_per_bar else 0.0
                m_harm.append((max(pos + off, 0.0), harmony_to_chord(el)))
            elif tag == "backup":
                pos = max(0.0, pos - _float(el.find("duration")))
            elif tag == "forward":
                pos += _float(el.find("duration"))
                max_pos = max(max_pos, pos)
            elif tag == "note":
                if el.find("grace") is not None or el.find("cue") is not None:
                    continue
                if el.find("chord") is not None:
                    continue
                dur = _float(el.find("duration"))
                v = el.findtext("voice") or "1"
                voice = voice or v
                if v == voice and el.find("rest") is None:
                    step = el.findtext("pitch/step")
                    pc = _step_pc(step, _float(el.find("pitch/alter"))) if step else None
                    octave = el.findtext("pitch/octave")
                    if pc is not None and octave is not None and dur > 0:
                        midi = 12 * (int(octave) + 1) + pc
                        ties = {t.get("type") for t in el.findall("tie")}
                        m_notes.append((pos, dur, midi, "start" in ties, "stop" in ties))
                pos += dur
                max_pos = max(max_pos, pos)
            elif tag == "direction":
                snd = el.find("sound")
                if snd is not None and snd.get("tempo") and math.isnan(tempo):
                    tempo = float(snd.get("tempo", "nan"))
            elif tag == "sound" and el.get("tempo") and math.isnan(tempo):
                tempo = float(el.get("tempo", "nan"))
        if ts is None:
            ts = (4, 4)
            first_ts = first_ts or ts
        bar_beats = 4.0 * ts[0] / ts[1]
        content = max_pos / divisions
        pad = 0.0
        length = bar_beats
        if mi == 0 and 0 < content < bar_beats - 1e-6:
            pad = bar_beats - content  # pickup: pad at the front
        elif measure.get("implicit") == "yes" and 0 < content < bar_beats - 1e-6:
            length = content
        bar_starts.append(pos_bar)
        start = pos_bar + pad
        if m_sig is not None:
            sigs.append((pos_bar if mi else 0.0, m_sig[0], m_sig[1]))
        if two_chords_per_bar and m_harm:
            places = [0.0, bar_beats / 2] if len(m_harm) == 2 else None
            for i, (p, ch) in enumerate(m_harm):
                beat = places[i] if places else round(p / divisions)
                harmonies.append(_Harmony(mi, pos_bar + beat, ch))
        else:
            for p, ch in m_harm:
                harmonies.append(_Harmony(mi, start + p / divisions, ch))
        for p, dur, midi, tie_start, tie_stop in m_notes:
            onset = start + p / divisions
            if onset >= pos_bar + length - 1e-6:
                counters["melody notes beyond the bar line"] += 1
                continue
            note_len = min(dur / divisions, pos_bar + length - onset)
            prev = tie_open.pop(midi, None)
            joined = (
                prev is not None and abs(notes[prev].onset + notes[prev].duration - onset) < 1e-3
            )
            if tie_stop and prev is not None and joined:
                n = notes[prev]
                notes[prev] = NoteEvent(n.onset, n.duration + note_len, midi)
                if tie_start:
                    tie_open[midi] = prev
                continue
            notes.append(NoteEvent(onset, note_len, midi))
            if tie_start:
                tie_open[midi] = len(notes) - 1
        pos_bar += length
    if not bar_starts:
        raise SongSkip("no measures")
    if all(h.chord.status == ChordStatus.NONE for h in harmonies):
        raise SongSkip("no chord symbols")
    end = pos_bar
    harmonies.sort(key=lambda h: h.pos)
    chords = []
    for i, h in enumerate(harmonies):
        nxt = harmonies[i + 1].pos if i + 1 < len(harmonies) else end
        if nxt > h.pos:
            chords.append(ChordEvent(h.pos, nxt - h.pos, h.chord))
    keys = _keys(sigs, chords, notes)
    assert first_ts is not None
    return SongRecord(
        dataset=dataset,
        local_id=local_id,
        title=title,
        artist=artist,
        time_signature=first_ts,
        bar_starts=bar_starts,
        end=end,
        keys=keys,
        chords=chords,
        notes=notes,
        tempo_bpm=tempo if 20 <= tempo <= 400 else math.nan,
        key_source="annotated" if sigs and all(m == "minor" for _, _, m in sigs) else "estimated",
    )


def _keys(
    sigs: list[tuple[float, int, str | None]], chords: list[ChordEvent], notes: list[NoteEvent]
) -> list[tuple[float, Key]]:
    merged: list[tuple[float, int, str | None]] = []
    for s in sigs:
        if merged and (merged[-1][1], merged[-1][2]) == (s[1], s[2]):
            continue
        if merged and abs(merged[-1][0] - s[0]) < 1e-9:
            merged[-1] = s
        else:
            merged.append(s)
    if not merged:
        merged = [(0.0, 0, None)]
    merged[0] = (0.0, merged[0][1], merged[0][2])
    keys: list[tuple[float, Key]] = []
    for i, (onset, fifths, mode) in enumerate(merged):
        end = merged[i + 1][0] if i + 1 < len(merged) else math.inf
        if mode == "minor":
            keys.append((onset, key_from_signature(fifths, mode)))
            continue
        inside = [(c.duration, c.chord) for c in chords if onset <= c.onset < end]
        seg_notes = [n for n in notes if onset <= n.onset < end]
        last_pc = seg_notes[-1].pitch % 12 if seg_notes else None
        major_tonic = key_from_signature(fifths).tonic_pc
        keys.append((onset, mode_from_signature(major_tonic, inside, last_pc)))
    return keys
