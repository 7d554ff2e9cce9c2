"""The pipeline: picture -> features -> emotion -> plan -> harmony -> melody -> score.

Every way in (the Python API, the CLI, the web service) calls :func:`compose`.
Randomness flows from one :class:`numpy.random.SeedSequence` built from the
seed; each stage gets its own child generator, so swapping one stage's
generator does not change what the others draw.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from image2music.composition import Composition
from image2music.emotion import EmotionEstimator, estimator_for
from image2music.emotion.override import override_emotion
from image2music.options import ComposeOptions
from image2music.rendering.report import ImageInfo, ModelInfo, build_report
from image2music.types import (
    Emotion,
    ImageFeatures,
    Key,
    Melody,
    Note,
    Progression,
    TimedChord,
    TimeSignature,
)

if TYPE_CHECKING:
    from image2music.arrangement.form import Form
    from image2music.harmony.base import HarmonyGenerator
    from image2music.melody.base import MelodyGenerator

__all__ = [
    "STAGES",
    "ImageSource",
    "ProgressCallback",
    "compose",
    "compose_features",
    "load_picture",
    "phrase_pair",
    "return_opening",
    "step",
    "write_body",
]

#: Stage names in order, as reported to progress callbacks.
STAGES: tuple[str, ...] = ("analyse", "emotion", "plan", "harmony", "melody", "arrange", "report")

#: What :func:`compose` accepts as a picture: a path, the file's bytes, a binary
#: file, a ``PIL.Image.Image`` or a numpy ``uint8`` array of shape (H, W, 3).
ImageSource = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes] | Any

#: Called as ``progress(stage, index, total)`` before each stage.
ProgressCallback = Callable[[str, int, int], None]

_ACCEPTED = "a path, bytes, a binary file, a PIL.Image.Image or a uint8 numpy array (H, W, 3)"


def _read_stream(image: Any) -> tuple[bytes, object]:
    """The bytes of an open file; a text file or a closed one is an ImageError."""
    from image2music.errors import ImageError

    name = getattr(image, "name", None)
    try:
        data = image.read()
    except (OSError, ValueError) as e:
        raise ImageError(f"cannot read the picture from {type(image).__name__}: {e}") from e
    if not isinstance(data, bytes | bytearray):
        raise ImageError(
            f"the picture must be read from a binary file (open it with 'rb'), got "
            f"{type(data).__name__} from {type(image).__name__}"
        )
    return bytes(data), name


def load_picture(
    image: Any, detect_entities: bool, content: bool
) -> tuple[ImageFeatures, ImageInfo]:
    """Analyse any accepted picture; the info names and hashes it for the report."""
    from image2music.errors import Image2MusicError
    from image2music.vision import analyse_image
    from image2music.vision.analyse import analyse_loaded

    def analyse(loaded: Any) -> ImageFeatures:
        return analyse_loaded(loaded, detect_entities=detect_entities, content=content)

    if isinstance(image, str | os.PathLike):
        features = analyse_image(image, detect_entities=detect_entities, content=content)
        path = Path(image)
        with path.open("rb") as fh:
            return features, ImageInfo(path.name, hashlib.file_digest(fh, "sha256").hexdigest())
    if isinstance(image, bytes | bytearray | memoryview):
        data = bytes(image)
        features = analyse_image(io.BytesIO(data), detect_entities=detect_entities, content=content)
        return features, ImageInfo("image", hashlib.sha256(data).hexdigest())
    if callable(getattr(image, "read", None)):
        data, name = _read_stream(image)
        shown = Path(name).name if isinstance(name, str) else "image"
        buffer = io.BytesIO(data)
        buffer.name = shown  # errors name the picture
        features = analyse_image(buffer, detect_entities=detect_entities, content=content)
        return features, ImageInfo(shown, hashlib.sha256(data).hexdigest())
    module = type(image).__module__.split(".")[0]
    if module == "PIL" and hasattr(image, "getdata"):
        from image2music.vision.loading import load_pil

        loaded = load_pil(image)
        digest = hashlib.sha256(loaded.rgb.tobytes()).hexdigest()
        return analyse(loaded), ImageInfo("image", digest)
    if module == "numpy" and hasattr(image, "dtype"):
        from image2music.vision.loading import load_array

        loaded = load_array(image)
        digest = hashlib.sha256(memoryview(image).tobytes()).hexdigest()
        return analyse(loaded), ImageInfo("image", digest)
    raise Image2MusicError(f"compose needs {_ACCEPTED}, got {type(image).__name__}")


def compose(
    image: ImageSource,
    options: ComposeOptions | None = None,
    *,
    bars: int | None = None,
    duration_sec: float | None = None,
    seed: int | None = None,
    valence: float | None = None,
    arousal: float | None = None,
    key: str | None = None,
    mode: str | None = None,
    tempo_bpm: float | None = None,
    emotion: str | None = None,
    harmony: str | None = None,
    melody: str | None = None,
    style: str | None = None,
    instruments: str | None = None,
    drums: bool | None = None,
    synth: str | None = None,
    soundfont: str | None = None,
    detect_entities: bool | None = None,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
) -> Composition:
    """Compose music for a picture.

    Every option keyword is a field of :class:`ComposeOptions` (see there for
    meanings and defaults); ``None`` (the default of each keyword) keeps the
    value of ``options``, or the field's default.

    Args:
        image: The picture: a path, the file's bytes (also ``bytearray`` or
            ``memoryview``), a binary file, a ``PIL.Image.Image`` or a numpy
            ``uint8`` array of shape (height, width, 3) in RGB order.
        options: Base options (default: :class:`ComposeOptions` defaults).
        bars: Length in bars: 4, 8 or 16.
        duration_sec: Length in seconds instead of bars.
        seed: Seed of every random choice.
        valence: Override the picture's valence, in [-1, 1].
        arousal: Override the picture's arousal, in [-1, 1].
        key: Fix the key, e.g. ``"Eb major"``.
        mode: Fix the mode, e.g. ``"dorian"``.
        tempo_bpm: Fix the tempo, 20..300 bpm.
        emotion: Emotion estimator: ``"learned"`` or ``"colour"``.
        harmony: Chord generator: ``"network"`` or ``"baseline"``.
        melody: Melody generator: ``"network"`` or ``"baseline"``.
        style: Arrangement style, e.g. ``"lofi"``.
        instruments: Instruments per part, e.g. ``"melody=flute,bass=cello"``.
        drums: Allow drums.
        synth: Audio synthesiser for ``render``/``write``.
        soundfont: SF2 or SF3 soundfont file for the audio (default: the best installed).
        detect_entities: Look for faces, smiles, scene cues, objects, expressions.
        estimator: Emotion estimator object (default: the one ``emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.

    Returns:
        The composition, held in memory; call ``.write(outdir)`` for files.

    Raises:
        ImageError: If the picture cannot be read.
        ConfigError: If an option is invalid.
        Image2MusicError: For a picture of an unsupported type, or any other
            failure of a stage.
    """
    given: dict[str, Any] = {
        "bars": bars, "duration_sec": duration_sec, "seed": seed, "valence": valence,
        "arousal": arousal, "key": key, "mode": mode, "tempo_bpm": tempo_bpm,
        "emotion": emotion, "harmony": harmony, "melody": melody, "style": style,
        "instruments": instruments, "drums": drums, "synth": synth, "soundfont": soundfont,
        "detect_entities": detect_entities,
    }  # fmt: skip
    opts = replace(options or ComposeOptions(), **{k: v for k, v in given.items() if v is not None})
    step(progress, "analyse")
    features, info = load_picture(
        image, opts.detect_entities, opts.detect_entities or opts.emotion == "learned"
    )
    return compose_features(features, opts, image_info=info, estimator=estimator, progress=progress)


def compose_features(
    features: ImageFeatures,
    options: ComposeOptions | None = None,
    *,
    image_info: ImageInfo | None = None,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
) -> Composition:
    """Compose from already analysed features (the stages after ``analyse``).

    Args:
        features: The picture's features.
        options: Composition options (defaults when ``None``).
        image_info: File name and hash for the report.
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.

    Returns:
        The composition.
    """
    from image2music.arrangement.arrange import arrange
    from image2music.arrangement.form import form_for
    from image2music.arrangement.plan import plan_music
    from image2music.generators import harmony_generator, melody_generator
    from image2music.rendering.synth import choose_synth
    from image2music.theory import parse_key
    from image2music.types import Score

    opts = options or ComposeOptions()
    info = image_info or ImageInfo("image", "")
    est = estimator or estimator_for(opts.emotion)

    step(progress, "emotion")
    estimated: Emotion = est.estimate(features)
    emotion = override_emotion(estimated, valence=opts.valence, arousal=opts.arousal)

    step(progress, "plan")
    plan = plan_music(
        emotion,
        features,
        key=parse_key(opts.key) if opts.key else None,
        mode=opts.mode,
        tempo_bpm=opts.tempo_bpm,
    )
    # Children 0 and 1 are the same whatever the count, so adding streams
    # keeps the harmony and melody of a seed unchanged.
    harmony_rng, melody_rng, arrange_rng, variation_rng, chorus_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(opts.seed).spawn(5)
    )
    form = form_for(
        opts.bars,
        opts.duration_sec,
        plan.tempo_bpm,
        plan.time_signature,
        tempo_fixed=opts.tempo_bpm is not None,
    )
    if form.tempo_bpm is not None:  # the duration sets the exact tempo
        plan = plan.with_tempo(form.tempo_bpm, f"to end exactly at {opts.duration_sec:g} s")

    step(progress, "harmony")
    harmony = harmony_generator(opts.harmony)
    melody_gen = melody_generator(opts.melody)
    step(progress, "melody")
    progression, melody = write_body(
        harmony,
        melody_gen,
        emotion,
        plan.key,
        form,
        plan.time_signature,
        (harmony_rng, melody_rng, variation_rng, chorus_rng),
    )

    step(progress, "arrange")
    title = Path(info.name).stem or "image2music"
    arranged = arrange(
        progression,
        melody,
        emotion,
        features,
        plan,
        arrange_rng,
        style=opts.style,
        instruments=opts.instruments,
        drums=opts.drums,
        form=form,
    )
    room = arranged.choice.mix.room if arranged.choice.mix is not None else "room"
    score = Score(
        arranged.progression, arranged.melody, plan.tempo_bpm, arranged.tracks, title, room=room
    )
    synth = choose_synth(opts.synth, opts.soundfont)

    step(progress, "report")
    report = build_report(
        image=info,
        features=features,
        emotion=emotion,
        plan=plan,
        score=score,
        seed=opts.seed,
        options=opts.to_dict(),
        models={
            "emotion": ModelInfo(est.name, est.version),
            "harmony": ModelInfo(harmony.name, harmony.version),
            "melody": ModelInfo(melody_gen.name, melody_gen.version),
        },
        arrangement=arranged.choice,
        synth=synth,
        requested_sec=opts.duration_sec,
    )
    return Composition(
        features=features,
        emotion=emotion,
        estimated_emotion=estimated,
        plan=plan,
        score=score,
        report=report,
        options=opts,
        synth=synth,
    )


def write_body(
    harmony: HarmonyGenerator,
    melody_gen: MelodyGenerator,
    emotion: Emotion,
    key: Key,
    form: Form,
    time_signature: TimeSignature,
    rngs: tuple[np.random.Generator, ...],
    *,
    lead_out: Callable[[Progression], Progression] | None = None,
) -> tuple[Progression, Melody]:
    """Chords and melody of the body of a piece (before the ending).

    One section is one progression and its melody. More alternate two
    progressions, A (verse-like) and B (chorus-like, with a livelier melody,
    :data:`~.arrangement.form.CHORUS_LIFT`), with a bridge C from five
    sections on (:func:`~.arrangement.form.section_layout`), each section with
    its own melody.
    A 16-bar section is two related 8-bar phrases (:func:`phrase_pair`,
    :func:`return_opening`). A section of another length up to 16 bars (2,
    6, 10, ...) is the start of the next longer progression the generator
    writes (4, 8 or 16 bars), closed by an authentic cadence (V7, I) in its
    last bar.

    Args:
        harmony: The chord generator.
        melody_gen: The melody generator.
        emotion: The mood.
        key: The key.
        form: Section length and count.
        time_signature: The metre.
        rngs: Generators for the harmony, the first melody, later melodies and
            the B progression, in that order.
        lead_out: Changes the last section's chords before its melody is
            written (a transition into another key), or ``None``.

    Returns:
        The progression and the melody, end to end.
    """
    from image2music.arrangement.form import (
        BRIDGE_SHIFT,
        CHORUS_LIFT,
        join_sections,
        section_layout,
    )

    harmony_rng, melody_rng, variation_rng, chorus_rng = rngs
    bars = min(b for b in (4, 8, 16) if b >= form.section_bars)
    count = form.sections

    def chords_for(mood: Emotion, rng: np.random.Generator) -> Progression:
        if bars == 16:  # two related 8-bar phrases
            return phrase_pair(harmony.generate(mood, key, 8, rng, time_signature))
        return harmony.generate(mood, key, bars, rng, time_signature)

    def tune(chords: Progression, mood: Emotion, rng: np.random.Generator) -> Melody:
        melody = melody_gen.generate(chords, mood, rng)
        return return_opening(melody, chords) if bars == 16 else melody

    verse = chords_for(emotion, harmony_rng)
    if form.section_bars < bars:
        verse = _first_bars(verse, form.section_bars)
    last = lead_out if lead_out is not None else (lambda p: p)
    first = last(verse) if count == 1 else verse
    melody = tune(first, emotion, melody_rng)
    if count == 1:
        return first, melody
    chorus = chords_for(emotion, chorus_rng)
    lifted = Emotion(emotion.valence, min(1.0, emotion.arousal + CHORUS_LIFT))
    sections = [(verse, melody)]
    layout = section_layout(count)
    moods = {"A": (verse, emotion), "B": (chorus, lifted)}
    if "C" in layout:  # drawn after the chorus, so verse and chorus stay as they were
        shift = -BRIDGE_SHIFT if emotion.valence >= 0 else BRIDGE_SHIFT
        bridge_mood = Emotion(max(-1.0, min(1.0, emotion.valence + shift)), emotion.arousal)
        moods["C"] = (chords_for(bridge_mood, chorus_rng), bridge_mood)
    for i, letter in enumerate(layout[1:], start=1):
        chords, mood = moods[letter]
        if i == count - 1:
            chords = last(chords)
        sections.append((chords, tune(chords, mood, variation_rng)))
    return join_sections(sections)


def phrase_pair(phrase: Progression) -> Progression:
    """16 bars from 8: an antecedent ending on a half cadence, then the phrase as written.

    The antecedent's last bar becomes a pre-dominant (ii in major, iv in
    minor) and the dominant (V), an open ending; the consequent repeats the
    progression and closes on the tonic, so the second phrase answers the first.

    Args:
        phrase: An 8-bar progression that opens on the tonic and closes on it.

    Returns:
        The 16-bar progression.
    """
    from image2music.theory import diatonic_chord
    from image2music.types import Chord

    key, bar = phrase.key, phrase.bar_ticks
    cut = (phrase.bars - 1) * bar
    pre = diatonic_chord(key, 2 if key.is_major else 4)
    dominant = Chord((key.tonic_pc + 7) % 12, "maj")
    half = bar // 2
    antecedent = [
        TimedChord(tc.chord, tc.start_ticks, min(tc.end_ticks, cut) - tc.start_ticks)
        for tc in phrase.chords
        if tc.start_ticks < cut
    ] + [TimedChord(pre, cut, half), TimedChord(dominant, cut + half, bar - half)]
    offset = phrase.total_ticks
    consequent = [
        TimedChord(tc.chord, tc.start_ticks + offset, tc.duration_ticks) for tc in phrase.chords
    ]
    return Progression(
        key,
        tuple(antecedent + consequent),
        2 * phrase.bars,
        phrase.time_signature,
        phrase.ticks_per_beat,
    )


#: Bars of the opening that the consequent phrase of a 16-bar section repeats.
RETURN_BARS = 2


def return_opening(melody: Melody, chords: Progression) -> Melody:
    """The second 8-bar phrase starts with the first phrase's opening bars.

    The melody's first :data:`RETURN_BARS` bars are played again at bar 9
    (over the same chords: the consequent repeats the progression), in place
    of what was written there, so 16 bars return to their opening idea.
    """
    bar = chords.bar_ticks
    half = chords.total_ticks // 2
    span = RETURN_BARS * bar
    opening = [n for n in melody.notes if n.start_ticks < span]
    kept = [n for n in melody.notes if not half <= n.start_ticks < half + span]
    again = [
        Note(n.pitch, n.start_ticks + half, min(n.duration_ticks, span - n.start_ticks), n.velocity)
        for n in opening
    ]
    notes = sorted(kept + again, key=lambda n: n.start_ticks)
    fixed = [  # a note held into the next one is shortened (the melody stays monophonic)
        Note(n.pitch, n.start_ticks, nxt.start_ticks - n.start_ticks, n.velocity)
        if nxt.start_ticks < n.end_ticks
        else n
        for n, nxt in itertools.pairwise(notes)
    ]
    return Melody(tuple(fixed + notes[-1:]), melody.ticks_per_beat)


def _first_bars(progression: Progression, bars: int) -> Progression:
    """The first ``bars`` bars of a progression, its last bar an authentic cadence (V7, I)."""
    from image2music.types import Chord

    bar = progression.bar_ticks
    cut = (bars - 1) * bar
    chords = [
        TimedChord(tc.chord, tc.start_ticks, min(tc.end_ticks, cut) - tc.start_ticks)
        for tc in progression.chords
        if tc.start_ticks < cut
    ]
    tonic = progression.key.tonic_pc
    tonic_quality = "maj" if progression.key.is_major else "min"
    half = bar // 2
    chords += [
        TimedChord(Chord((tonic + 7) % 12, "7"), cut, half),
        TimedChord(Chord(tonic, tonic_quality), cut + half, bar - half),
    ]
    return Progression(
        progression.key,
        tuple(chords),
        bars,
        progression.time_signature,
        progression.ticks_per_beat,
    )


def step(progress: ProgressCallback | None, stage: str) -> None:
    """Tell ``progress`` (if any) that ``stage`` of :data:`STAGES` starts."""
    if progress is not None:
        progress(stage, STAGES.index(stage), len(STAGES))
