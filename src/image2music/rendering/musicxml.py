"""MusicXML lead sheet through music21: the melody with chord symbols, title, tempo and key.

Key and tempo changes (a sequence's sections) are written where they happen;
notes and chord symbols are spelled in the key in force.

One part, named after the melody's instrument: treble clef (bass clef when the
melody sits below G3), the key with its mode, the time signature, a metronome
mark, the melody spelled in the key
(rests fill the gaps; notes across bar lines are tied) and a chord symbol
(MusicXML ``<harmony>``: root, kind, slash bass) at every chord onset. The
file opens in MuseScore, Finale, Sibelius and Dorico. The encoding date is
left out and the part id fixed, so the same score gives the same bytes.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from image2music.errors import MissingDependencyError, OutputError

if TYPE_CHECKING:
    from image2music.types import Chord, Key, Score

__all__ = ["KINDS", "musicxml_bytes"]

#: MusicXML ``<kind>`` of each chord quality (``7sus4`` adds a minor seventh).
KINDS: dict[str, str] = {
    "maj": "major",
    "min": "minor",
    "dim": "diminished",
    "aug": "augmented",
    "sus2": "suspended-second",
    "sus4": "suspended-fourth",
    "5": "power",
    "6": "major-sixth",
    "min6": "minor-sixth",
    "7": "dominant",
    "maj7": "major-seventh",
    "min7": "minor-seventh",
    "minmaj7": "major-minor",
    "hdim7": "half-diminished",
    "dim7": "diminished-seventh",
    "aug7": "augmented-seventh",
    "7sus4": "suspended-fourth",
}

_NAME = re.compile(r"^([A-G])([#b]*)(-?\d+)$")


def _m21_name(name: str) -> str:
    """``"Bb"`` -> ``"B-"`` (music21 writes flats as '-')."""
    return name[0] + name[1:].replace("b", "-")


def _pitch(midi: int, key: Key) -> Any:
    from music21 import pitch

    from image2music.theory import midi_to_name

    match = _NAME.match(midi_to_name(midi, key=key))
    if match is None:
        return pitch.Pitch(midi=midi)
    letter, accidentals, octave = match.groups()
    p = pitch.Pitch(letter + accidentals.replace("b", "-") + octave)
    return p if p.midi == midi else pitch.Pitch(midi=midi)


def _chord_symbol(chord: Chord, key: Key) -> Any:
    from music21 import harmony

    from image2music.theory import pc_to_name

    root = _m21_name(pc_to_name(chord.root_pc, key=key))
    bass = None if chord.bass_pc is None else _m21_name(pc_to_name(chord.bass_pc, key=key))
    cs = harmony.ChordSymbol(root=root, kind=KINDS[chord.quality], bass=bass)
    if chord.quality == "7sus4":
        cs.addChordStepModification(harmony.ChordStepModification("add", 7, -1))
    return cs


def _instrument(score: Score) -> Any:
    """A plain (non-transposing) music21 instrument for the melody's GM program.

    A fixed part id keeps the output byte-stable (music21 otherwise invents one).
    """
    from music21 import instrument

    from image2music.arrangement.gm import gm_name

    track = next((t for t in score.tracks if t.name == "Melody" and not t.is_drum), None)
    inst = instrument.Instrument()
    inst.partId, inst.instrumentId = "P1", "P1-I1"
    inst.partName = inst.instrumentName = gm_name(track.program) if track else "Melody"
    if track is not None:
        inst.midiProgram = track.program
    return inst


def musicxml_bytes(score: Score) -> bytes:
    """Write a score's lead sheet as uncompressed MusicXML.

    Args:
        score: The piece; its melody and chords are written, other tracks are not.

    Returns:
        The ``.musicxml`` file's bytes (UTF-8).

    Raises:
        MissingDependencyError: If music21 is not installed (``image2music[musicxml]``).
        OutputError: If music21 cannot write the score.
    """
    try:
        from music21 import clef, key, metadata, meter, note, stream, tempo
        from music21.exceptions21 import Music21Exception
        from music21.musicxml.m21ToXml import GeneralObjectExporter
    except ImportError as e:
        raise MissingDependencyError("music21", "musicxml", "MusicXML output") from e
    from image2music.theory import pc_to_name

    k = score.key
    tpb = score.ticks_per_beat
    ts = score.progression.time_signature
    try:
        doc = stream.Score(id="image2music")
        doc.insert(0, metadata.Metadata())
        doc.metadata.title = score.title
        doc.metadata.movementName = score.title
        doc.metadata.composer = "image2music"
        part = stream.Part(id="P1")
        part.insert(0, _instrument(score))
        pitches = sorted(n.pitch for n in score.melody.notes) or [60]
        low = pitches[len(pitches) // 2] < 55
        part.insert(0, clef.BassClef() if low else clef.TrebleClef())
        part.insert(0, meter.TimeSignature(f"{ts.numerator}/{ts.denominator}"))
        for at, kk in [(0, k)] + [(c.start_ticks, c.key) for c in score.key_changes]:
            mark = key.Key(_m21_name(pc_to_name(kk.tonic_pc, key=kk)), kk.mode)
            part.insert(Fraction(at, tpb), mark)
        tempos = [(0, score.tempo_bpm)] + [
            (c.start_ticks, c.tempo_bpm) for c in score.tempo_changes
        ]
        for at, bpm in tempos:
            part.insert(Fraction(at, tpb), tempo.MetronomeMark(number=round(bpm, 2)))
        now = 0
        for n in score.melody.notes:
            if n.start_ticks > now:
                part.insert(
                    Fraction(now, tpb), note.Rest(quarterLength=Fraction(n.start_ticks - now, tpb))
                )
            here = score.key_at(n.start_ticks)
            m21 = note.Note(_pitch(n.pitch, here), quarterLength=Fraction(n.duration_ticks, tpb))
            m21.volume.velocity = n.velocity
            part.insert(Fraction(n.start_ticks, tpb), m21)
            now = n.end_ticks
        total = score.progression.total_ticks
        if total > now:
            part.insert(Fraction(now, tpb), note.Rest(quarterLength=Fraction(total - now, tpb)))
        doc.insert(0, part)
        notated = doc.makeNotation()
        measures = notated.parts[0]
        for tc in score.progression.chords:
            offset = Fraction(tc.start_ticks, tpb)
            measure = measures.getElementAtOrBefore(offset, [stream.Measure])
            if measure is None:
                raise OutputError(f"no bar at beat {float(offset):g}")
            symbol = _chord_symbol(tc.chord, score.key_at(tc.start_ticks))
            measure.insert(offset - Fraction(measure.offset), symbol)
        data: bytes = GeneralObjectExporter(notated).parse()
    except (Music21Exception, ValueError, TypeError, AttributeError) as e:
        raise OutputError(f"music21 could not write MusicXML: {e}") from e
    return re.sub(rb"\s*<encoding-date>[^<]*</encoding-date>", b"", data)
