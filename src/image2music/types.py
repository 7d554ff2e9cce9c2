"""Shared immutable data types: one per hand-off between pipeline stages.

Every type validates itself at construction and raises
:class:`~image2music.errors.ValidationError` with a message that names the
type, the field, the allowed range and the value received, for example
``Note.pitch must be in 0..127, got 130``.

Time is counted in integer ticks at :data:`TICKS_PER_BEAT` ticks per quarter
note until rendering; every field carries its unit in its name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from image2music.errors import ValidationError

__all__ = [
    "CATEGORIES",
    "CHORD_QUALITIES",
    "COMMON_TIME",
    "EMOTION6_CATEGORIES",
    "EXPRESSIONS",
    "MODES",
    "TICKS_PER_BEAT",
    "Chord",
    "Control",
    "Emotion",
    "Entity",
    "FaceExpression",
    "ImageFeatures",
    "Key",
    "KeyChange",
    "Melody",
    "Note",
    "PaletteColour",
    "Progression",
    "Score",
    "TempoChange",
    "TimeSignature",
    "TimedChord",
    "Track",
    "VisualContent",
]

#: Resolution of every time value before rendering, in ticks per quarter note.
TICKS_PER_BEAT = 480

#: Mikels et al. (2005) eight emotion categories, in a fixed order.
CATEGORIES: tuple[str, ...] = (
    "amusement",
    "awe",
    "contentment",
    "excitement",
    "anger",
    "disgust",
    "fear",
    "sadness",
)

#: Emotion6 (Peng et al. 2015) categories: what people said a photograph made
#: them feel, in the data set's order. The learned estimator scores these.
EMOTION6_CATEGORIES: tuple[str, ...] = (
    "anger",
    "disgust",
    "fear",
    "joy",
    "sadness",
    "surprise",
    "neutral",
)

#: Facial expressions scored by the expression network, in its output order.
EXPRESSIONS: tuple[str, ...] = (
    "angry",
    "disgust",
    "fear",
    "happy",
    "sad",
    "surprise",
    "neutral",
)

#: Scale steps (semitones above the tonic) of each supported mode.
MODES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "major": (0, 2, 4, 5, 7, 9, 11),
        "minor": (0, 2, 3, 5, 7, 8, 10),
        "dorian": (0, 2, 3, 5, 7, 9, 10),
        "phrygian": (0, 1, 3, 5, 7, 8, 10),
        "lydian": (0, 2, 4, 6, 7, 9, 11),
        "mixolydian": (0, 2, 4, 5, 7, 9, 10),
        "locrian": (0, 1, 3, 5, 6, 8, 10),
    }
)

#: Chord qualities of the project's vocabulary: name -> intervals above the root.
#: Extensions (9ths, 11ths, 13ths, alterations) are folded onto these by the
#: parsers in :mod:`image2music.theory.chords`.
CHORD_QUALITIES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "maj": (0, 4, 7),
        "min": (0, 3, 7),
        "dim": (0, 3, 6),
        "aug": (0, 4, 8),
        "sus2": (0, 2, 7),
        "sus4": (0, 5, 7),
        "5": (0, 7),
        "6": (0, 4, 7, 9),
        "min6": (0, 3, 7, 9),
        "7": (0, 4, 7, 10),
        "maj7": (0, 4, 7, 11),
        "min7": (0, 3, 7, 10),
        "minmaj7": (0, 3, 7, 11),
        "hdim7": (0, 3, 6, 10),
        "dim7": (0, 3, 6, 9),
        "aug7": (0, 4, 8, 10),
        "7sus4": (0, 5, 7, 10),
    }
)


def _fail(type_name: str, field_name: str, expected: str, value: object) -> ValidationError:
    return ValidationError(f"{type_name}.{field_name} must be {expected}, got {value!r}")


def _check_int(type_name: str, field_name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(type_name, field_name, f"an integer in {lo}..{hi}", value)
    if not lo <= value <= hi:
        raise _fail(type_name, field_name, f"in {lo}..{hi}", value)


def _check_float(type_name: str, field_name: str, value: object, lo: float, hi: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(type_name, field_name, f"a number in [{lo}, {hi}]", value)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise _fail(type_name, field_name, f"in [{lo}, {hi}]", value)


# --------------------------------------------------------------------------- image


@dataclass(frozen=True)
class PaletteColour:
    """One dominant colour of a picture.

    Attributes:
        rgb: sRGB components, each 0..255.
        share: Fraction of the analysed pixels nearest to this colour, in [0, 1].
    """

    rgb: tuple[int, int, int]
    share: float

    def __post_init__(self) -> None:
        if len(self.rgb) != 3:
            raise _fail("PaletteColour", "rgb", "three integers 0..255", self.rgb)
        for c in self.rgb:
            _check_int("PaletteColour", "rgb", c, 0, 255)
        _check_float("PaletteColour", "share", self.share, 0.0, 1.0)

    @property
    def hex(self) -> str:
        """The colour as ``#rrggbb``."""
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


@dataclass(frozen=True)
class Entity:
    """Something recognised in a picture: a face, a smile or a scene cue.

    Attributes:
        label: What it is, e.g. ``"face"``, ``"smile"``, ``"sky"``, ``"night"``.
        confidence: How sure the detector is, in [0, 1].
        box: ``(x, y, width, height)`` in pixels of the (EXIF-rotated) original
            picture, or ``None`` for whole-picture cues.
    """

    label: str
    confidence: float
    box: tuple[int, int, int, int] | None = None

    def __post_init__(self) -> None:
        if not self.label:
            raise _fail("Entity", "label", "a non-empty string", self.label)
        _check_float("Entity", "confidence", self.confidence, 0.0, 1.0)
        if self.box is not None:
            if len(self.box) != 4:
                raise _fail("Entity", "box", "(x, y, width, height)", self.box)
            for v in self.box:
                _check_int("Entity", "box", v, 0, 10**6)


@dataclass(frozen=True)
class FaceExpression:
    """A face and the expression the expression network reads on it.

    Attributes:
        box: ``(x, y, width, height)`` of the face in pixels of the
            (EXIF-rotated) original picture.
        confidence: How sure the face detector is that this is a face, in [0, 1].
        scores: Probability of each of :data:`EXPRESSIONS`, summing to 1.
    """

    box: tuple[int, int, int, int]
    confidence: float
    scores: Mapping[str, float]

    def __post_init__(self) -> None:
        if len(self.box) != 4:
            raise _fail("FaceExpression", "box", "(x, y, width, height)", self.box)
        for v in self.box:
            _check_int("FaceExpression", "box", v, 0, 10**6)
        _check_float("FaceExpression", "confidence", self.confidence, 0.0, 1.0)
        scores = dict(self.scores)
        if set(scores) != set(EXPRESSIONS):
            raise _fail("FaceExpression", "scores", f"one score for each of {EXPRESSIONS}", scores)
        for name, score in scores.items():
            _check_float("FaceExpression", f"scores[{name!r}]", score, 0.0, 1.0)
        ordered = {k: float(scores[k]) for k in EXPRESSIONS}
        object.__setattr__(self, "scores", MappingProxyType(ordered))

    @property
    def expression(self) -> str:
        """The most likely expression."""
        return max(self.scores, key=lambda k: self.scores[k])


@dataclass(frozen=True)
class VisualContent:
    """What the pretrained vision networks see in a picture.

    Attributes:
        labels: The top ImageNet classes of the whole picture (scenes such as
            ``seashore`` or ``valley`` and things such as ``espresso``), most
            likely first, each with its probability as ``confidence``; no box.
        objects: COCO objects found by the object detector, most confident
            first, each with a box in original-picture pixels.
        faces: Each detected face with its expression, largest face first.
        embedding: The scene network's pooled feature vector (1280 numbers for
            EfficientNet-Lite0), the input of the learned emotion model.
    """

    labels: tuple[Entity, ...] = ()
    objects: tuple[Entity, ...] = ()
    faces: tuple[FaceExpression, ...] = ()
    embedding: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        for name in ("labels", "objects", "faces", "embedding"):
            if not isinstance(getattr(self, name), tuple):
                raise _fail("VisualContent", name, "a tuple", type(getattr(self, name)).__name__)
        for v in self.embedding:
            if not isinstance(v, float) or not math.isfinite(v):
                raise _fail("VisualContent", "embedding", "finite floats", v)


@dataclass(frozen=True)
class ImageFeatures:
    """What image analysis read in a picture.

    Every scalar is defined in :mod:`image2music.vision.tone`.

    Attributes:
        width_px: Width of the original picture after EXIF rotation, in pixels.
        height_px: Height of the original picture after EXIF rotation, in pixels.
        brightness: Mean lightness (CIE L* / 100), in [0, 1].
        saturation: Mean HSV saturation, in [0, 1].
        warmth: Saturation-weighted warm (red-yellow) minus cool (cyan-blue) balance,
            in [-1, 1].
        colourfulness: Hasler and Süsstrunk (2003) metric M on 0..255 channels,
            >= 0 (about 0 for grey, 33 "moderately", 59 "quite", 82+ "highly colourful").
        contrast: RMS contrast of luminance (its standard deviation / 0.5), in [0, 1].
        edge_density: Share of pixels on an edge (Canny), in [0, 1].
        texture: Mean local gradient magnitude, normalised, in [0, 1].
        hue_histogram: 12 bins of 30 degrees from red, saturation-weighted, summing
            to 1 (all zero for a grey picture).
        palette: Dominant colours, largest share first.
        entities: Faces, smiles and scene cues found in the picture.
        format: The decoder's name for the file format, e.g. ``"JPEG"``.
        content: What the pretrained networks see (scene labels, objects,
            face expressions, embedding), or ``None`` when they were not run.
    """

    width_px: int
    height_px: int
    brightness: float
    saturation: float
    warmth: float
    colourfulness: float
    contrast: float
    edge_density: float
    texture: float
    hue_histogram: tuple[float, ...]
    palette: tuple[PaletteColour, ...]
    entities: tuple[Entity, ...] = ()
    format: str = ""
    content: VisualContent | None = None

    def __post_init__(self) -> None:
        _check_int("ImageFeatures", "width_px", self.width_px, 1, 10**6)
        _check_int("ImageFeatures", "height_px", self.height_px, 1, 10**6)
        for name in ("brightness", "saturation", "contrast", "edge_density", "texture"):
            _check_float("ImageFeatures", name, getattr(self, name), 0.0, 1.0)
        _check_float("ImageFeatures", "warmth", self.warmth, -1.0, 1.0)
        _check_float("ImageFeatures", "colourfulness", self.colourfulness, 0.0, 500.0)
        if len(self.hue_histogram) != 12:
            raise _fail("ImageFeatures", "hue_histogram", "12 bins", len(self.hue_histogram))
        for v in self.hue_histogram:
            _check_float("ImageFeatures", "hue_histogram", v, 0.0, 1.0)
        if not self.palette:
            raise _fail("ImageFeatures", "palette", "at least one colour", self.palette)

    def entity_confidence(self, label: str) -> float:
        """Highest confidence of any entity with this label, 0.0 if none."""
        return max((e.confidence for e in self.entities if e.label == label), default=0.0)

    def count(self, label: str) -> int:
        """Number of entities with this label."""
        return sum(1 for e in self.entities if e.label == label)


# --------------------------------------------------------------------------- emotion


@dataclass(frozen=True)
class Emotion:
    """A point in valence-arousal-dominance space plus category scores.

    Attributes:
        valence: Unpleasant (-1) to pleasant (+1).
        arousal: Calm (-1) to excited (+1).
        dominance: Submissive (-1) to dominant (+1); 0.0 when unknown.
        categories: Score in [0, 1] for each category of one vocabulary, summing
            to 1: Mikels' eight (:data:`CATEGORIES`, the colour-psychology
            estimator) or Emotion6's seven (:data:`EMOTION6_CATEGORIES`, the
            learned estimator). Empty means "not estimated".
        source: Who produced it, e.g. ``"image"`` or ``"user"``.
    """

    valence: float
    arousal: float
    dominance: float = 0.0
    categories: Mapping[str, float] = field(default_factory=dict)
    source: str = "image"

    def __post_init__(self) -> None:
        for name in ("valence", "arousal", "dominance"):
            _check_float("Emotion", name, getattr(self, name), -1.0, 1.0)
        cats = dict(self.categories)
        vocab = CATEGORIES if set(cats) <= set(CATEGORIES) else EMOTION6_CATEGORIES
        unknown = set(cats) - set(vocab)
        if unknown:
            raise _fail("Emotion", "categories", f"keys from {vocab}", sorted(unknown))
        for k, v in cats.items():
            _check_float("Emotion", f"categories[{k!r}]", v, 0.0, 1.0)
        ordered = {k: float(cats[k]) for k in vocab if k in cats}
        object.__setattr__(self, "categories", MappingProxyType(ordered))

    @property
    def quadrant(self) -> int:
        """Russell quadrant 1..4 (Q1 +V+A, Q2 -V+A, Q3 -V-A, Q4 +V-A)."""
        if self.valence >= 0:
            return 1 if self.arousal >= 0 else 4
        return 2 if self.arousal >= 0 else 3

    @property
    def top_category(self) -> str | None:
        """The highest-scoring category, or ``None`` when none was estimated."""
        if not self.categories:
            return None
        return max(self.categories, key=lambda k: self.categories[k])


# --------------------------------------------------------------------------- music


@dataclass(frozen=True)
class Key:
    """A key: tonic pitch class and mode.

    Attributes:
        tonic_pc: Pitch class of the tonic, 0 (C) .. 11 (B).
        mode: One of :data:`MODES`.
    """

    tonic_pc: int
    mode: str = "major"

    def __post_init__(self) -> None:
        _check_int("Key", "tonic_pc", self.tonic_pc, 0, 11)
        if self.mode not in MODES:
            raise _fail("Key", "mode", f"one of {tuple(MODES)}", self.mode)

    @property
    def scale_pcs(self) -> tuple[int, ...]:
        """Pitch classes of the key's scale, tonic first."""
        return tuple((self.tonic_pc + s) % 12 for s in MODES[self.mode])

    @property
    def is_major(self) -> bool:
        """Whether the mode has a major third above the tonic."""
        return MODES[self.mode][2] == 4


@dataclass(frozen=True)
class Chord:
    """A chord: root, quality from :data:`CHORD_QUALITIES`, optional bass.

    Attributes:
        root_pc: Pitch class of the root, 0..11.
        quality: Key of :data:`CHORD_QUALITIES`, e.g. ``"min7"``.
        bass_pc: Pitch class of the bass when it is not the root (slash chord).
    """

    root_pc: int
    quality: str = "maj"
    bass_pc: int | None = None

    def __post_init__(self) -> None:
        _check_int("Chord", "root_pc", self.root_pc, 0, 11)
        if self.quality not in CHORD_QUALITIES:
            raise _fail("Chord", "quality", f"one of {tuple(CHORD_QUALITIES)}", self.quality)
        if self.bass_pc is not None:
            _check_int("Chord", "bass_pc", self.bass_pc, 0, 11)
            if self.bass_pc == self.root_pc:
                object.__setattr__(self, "bass_pc", None)

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        """Pitch classes of the chord tones, root first."""
        return tuple((self.root_pc + i) % 12 for i in CHORD_QUALITIES[self.quality])


@dataclass(frozen=True)
class TimeSignature:
    """A metre, e.g. 4/4 or 6/8.

    Attributes:
        numerator: Beats in a bar, 1..32.
        denominator: Note value of one beat: 1, 2, 4, 8, 16 or 32.
    """

    numerator: int = 4
    denominator: int = 4

    def __post_init__(self) -> None:
        _check_int("TimeSignature", "numerator", self.numerator, 1, 32)
        if self.denominator not in (1, 2, 4, 8, 16, 32):
            raise _fail("TimeSignature", "denominator", "1, 2, 4, 8, 16 or 32", self.denominator)

    def bar_ticks(self, ticks_per_beat: int = TICKS_PER_BEAT) -> int:
        """Length of one bar in ticks (``ticks_per_beat`` counts quarter notes)."""
        return self.numerator * ticks_per_beat * 4 // self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


#: 4/4, the default metre.
COMMON_TIME = TimeSignature(4, 4)


@dataclass(frozen=True)
class TimedChord:
    """A chord placed in time.

    Attributes:
        chord: The chord.
        start_ticks: Onset from the start of the piece, >= 0.
        duration_ticks: Length, > 0.
    """

    chord: Chord
    start_ticks: int
    duration_ticks: int

    def __post_init__(self) -> None:
        _check_int("TimedChord", "start_ticks", self.start_ticks, 0, 2**31)
        _check_int("TimedChord", "duration_ticks", self.duration_ticks, 1, 2**31)

    @property
    def end_ticks(self) -> int:
        """Tick at which the chord stops sounding."""
        return self.start_ticks + self.duration_ticks


@dataclass(frozen=True)
class Progression:
    """A chord progression in a key: contiguous chords from tick 0.

    Attributes:
        key: The key the progression is in.
        chords: The chords, in order, without gaps or overlaps, the first at 0.
        bars: Length of the progression in bars, >= 1.
        time_signature: The metre.
        ticks_per_beat: Ticks per quarter note.
    """

    key: Key
    chords: tuple[TimedChord, ...]
    bars: int
    time_signature: TimeSignature = COMMON_TIME
    ticks_per_beat: int = TICKS_PER_BEAT

    def __post_init__(self) -> None:
        _check_int("Progression", "bars", self.bars, 1, 1024)
        _check_int("Progression", "ticks_per_beat", self.ticks_per_beat, 1, 32767)
        if not self.chords:
            raise _fail("Progression", "chords", "at least one chord", self.chords)
        expected = 0
        for i, tc in enumerate(self.chords):
            if tc.start_ticks != expected:
                raise _fail(
                    "Progression",
                    f"chords[{i}].start_ticks",
                    f"{expected} (contiguous from 0)",
                    tc.start_ticks,
                )
            expected = tc.end_ticks
        if expected != self.total_ticks:
            raise _fail(
                "Progression", "chords", f"to fill {self.total_ticks} ticks", f"{expected} ticks"
            )

    @property
    def bar_ticks(self) -> int:
        """Length of one bar in ticks."""
        return self.time_signature.bar_ticks(self.ticks_per_beat)

    @property
    def total_ticks(self) -> int:
        """Length of the whole progression in ticks."""
        return self.bars * self.bar_ticks

    def chord_at(self, tick: int) -> TimedChord:
        """The chord sounding at ``tick`` (the last chord past the end)."""
        for tc in self.chords:
            if tc.start_ticks <= tick < tc.end_ticks:
                return tc
        return self.chords[-1]


@dataclass(frozen=True)
class Note:
    """One note.

    Attributes:
        pitch: MIDI note number, 0..127 (60 is middle C).
        start_ticks: Onset, >= 0.
        duration_ticks: Length, > 0.
        velocity: MIDI velocity, 1..127.
    """

    pitch: int
    start_ticks: int
    duration_ticks: int
    velocity: int = 90

    def __post_init__(self) -> None:
        _check_int("Note", "pitch", self.pitch, 0, 127)
        _check_int("Note", "start_ticks", self.start_ticks, 0, 2**31)
        _check_int("Note", "duration_ticks", self.duration_ticks, 1, 2**31)
        _check_int("Note", "velocity", self.velocity, 1, 127)

    @property
    def end_ticks(self) -> int:
        """Tick at which the note stops."""
        return self.start_ticks + self.duration_ticks


@dataclass(frozen=True)
class Melody:
    """A monophonic line: notes sorted by onset, none overlapping the next.

    Attributes:
        notes: The notes.
        ticks_per_beat: Ticks per quarter note.
    """

    notes: tuple[Note, ...]
    ticks_per_beat: int = TICKS_PER_BEAT

    def __post_init__(self) -> None:
        _check_int("Melody", "ticks_per_beat", self.ticks_per_beat, 1, 32767)
        for i in range(1, len(self.notes)):
            prev, cur = self.notes[i - 1], self.notes[i]
            if cur.start_ticks < prev.end_ticks:
                raise _fail(
                    "Melody",
                    f"notes[{i}].start_ticks",
                    f">= {prev.end_ticks} (monophonic, sorted)",
                    cur.start_ticks,
                )


@dataclass(frozen=True)
class Control:
    """A MIDI control change in a track (pan, volume, sends, sustain pedal).

    Attributes:
        tick: When, >= 0.
        number: Controller number, 0..127 (7 volume, 10 pan, 64 sustain,
            91 reverb send, 93 chorus send).
        value: Its value, 0..127.
    """

    tick: int
    number: int
    value: int

    def __post_init__(self) -> None:
        _check_int("Control", "tick", self.tick, 0, 2**31)
        _check_int("Control", "number", self.number, 0, 127)
        _check_int("Control", "value", self.value, 0, 127)


@dataclass(frozen=True)
class Track:
    """One instrument part of a score.

    Attributes:
        name: Track name written to MIDI.
        program: General MIDI program, 0..127 (ignored for drums).
        channel: MIDI channel 0..15 (9 is percussion).
        notes: The notes, any polyphony.
        is_drum: Whether this is a percussion track.
        controls: Control changes, in time order (default none).
    """

    name: str
    program: int
    channel: int
    notes: tuple[Note, ...]
    is_drum: bool = False
    controls: tuple[Control, ...] = ()

    def __post_init__(self) -> None:
        _check_int("Track", "program", self.program, 0, 127)
        _check_int("Track", "channel", self.channel, 0, 15)


@dataclass(frozen=True)
class TempoChange:
    """A new tempo from a tick on (pieces whose sections change tempo).

    Attributes:
        start_ticks: Where the tempo takes effect, > 0.
        tempo_bpm: Quarter notes per minute from there, 20..300.
    """

    start_ticks: int
    tempo_bpm: float

    def __post_init__(self) -> None:
        _check_int("TempoChange", "start_ticks", self.start_ticks, 1, 2**31)
        _check_float("TempoChange", "tempo_bpm", self.tempo_bpm, 20.0, 300.0)


@dataclass(frozen=True)
class KeyChange:
    """A new key from a tick on (a modulation).

    Attributes:
        start_ticks: Where the new key starts, > 0.
        key: The key from there.
    """

    start_ticks: int
    key: Key

    def __post_init__(self) -> None:
        _check_int("KeyChange", "start_ticks", self.start_ticks, 1, 2**31)


def _check_changes(name: str, changes: tuple[TempoChange | KeyChange, ...], end: int) -> None:
    last = 0
    for i, change in enumerate(changes):
        if not last < change.start_ticks < end:
            expected = f"in ({last}, {end}), increasing"
            raise _fail("Score", f"{name}[{i}].start_ticks", expected, change.start_ticks)
        last = change.start_ticks


@dataclass(frozen=True)
class Score:
    """A complete piece, ready to render.

    Attributes:
        progression: The harmony (also carries key, metre and resolution).
        melody: The main melody.
        tempo_bpm: Tempo in quarter notes per minute, 20..300.
        tracks: Instrument parts, the melody's among them.
        title: Title written to the files.
        tempo_changes: Later tempos, in order (default none: ``tempo_bpm``
            throughout).
        key_changes: Later keys, in order (default none: the progression's
            key throughout).
        room: The reverb room the mix places the parts in, one of
            :data:`image2music.rendering.reverb.ROOMS` (default ``"room"``).
    """

    progression: Progression
    melody: Melody
    tempo_bpm: float
    tracks: tuple[Track, ...]
    title: str = "image2music"
    tempo_changes: tuple[TempoChange, ...] = ()
    key_changes: tuple[KeyChange, ...] = ()
    room: str = "room"

    def __post_init__(self) -> None:
        _check_float("Score", "tempo_bpm", self.tempo_bpm, 20.0, 300.0)
        if not self.tracks:
            raise _fail("Score", "tracks", "at least one track", self.tracks)
        if self.melody.ticks_per_beat != self.progression.ticks_per_beat:
            raise _fail(
                "Score",
                "melody.ticks_per_beat",
                f"equal to progression's {self.progression.ticks_per_beat}",
                self.melody.ticks_per_beat,
            )
        _check_changes("tempo_changes", self.tempo_changes, self.progression.total_ticks)
        _check_changes("key_changes", self.key_changes, self.progression.total_ticks)

    @property
    def key(self) -> Key:
        """The key the piece opens in."""
        return self.progression.key

    def key_at(self, tick: int) -> Key:
        """The key in force at ``tick``."""
        key = self.progression.key
        for change in self.key_changes:
            if change.start_ticks > tick:
                break
            key = change.key
        return key

    def tempo_at(self, tick: int) -> float:
        """The tempo in force at ``tick``, in bpm."""
        tempo = self.tempo_bpm
        for change in self.tempo_changes:
            if change.start_ticks > tick:
                break
            tempo = change.tempo_bpm
        return tempo

    def seconds_at(self, tick: int) -> float:
        """Time of ``tick`` from the start, in seconds, through every tempo change."""
        seconds, at, tempo = 0.0, 0, self.tempo_bpm
        for change in self.tempo_changes:
            if change.start_ticks >= tick:
                break
            seconds += (change.start_ticks - at) * 60.0 / (tempo * self.ticks_per_beat)
            at, tempo = change.start_ticks, change.tempo_bpm
        return seconds + (tick - at) * 60.0 / (tempo * self.ticks_per_beat)

    @property
    def ticks_per_beat(self) -> int:
        """Ticks per quarter note."""
        return self.progression.ticks_per_beat

    @property
    def duration_sec(self) -> float:
        """Length of the piece in seconds (without release tails)."""
        return self.seconds_at(self.progression.total_ticks)
