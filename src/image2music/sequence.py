"""A sequence of pictures (or a video's scenes) -> one piece with a section per picture.

Each section follows its own picture: its mood sets the mode, tempo,
accompaniment pattern, drums, register and dynamics. The joins are planned
for the whole piece:

* **keys** (:func:`~.arrangement.transitions.key_for_next`): close moods stay
  in the key or take the relative key, middling ones move at most two fifths,
  far ones take the picture's own key;
* **transitions** (:func:`~.arrangement.transitions.transition_between`), in
  the last bar of the earlier section: the shared dominant (parallel key), a
  pivot chord (relative or near keys), secondary dominants, or a direct
  modulation at the phrase boundary for far moods;
* **time** (:func:`~.arrangement.timeline.plan_timeline`): each section lasts
  its seconds exactly (bars chosen and tempo set), the last bar before a tempo
  change plays at the mean of the two tempos;
* **instruments** are chosen once, from the mean mood and the first picture's
  palette (or ``instruments``), so the band stays the same while its playing
  changes; the last section ends with the held ending.

Randomness: section ``i`` draws from child ``i`` of the seed's
:class:`numpy.random.SeedSequence`, so the same pictures, options and seed give
the same files.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from image2music.composition import Composition
from image2music.emotion import EmotionEstimator, estimator_for
from image2music.emotion.override import override_emotion
from image2music.errors import ConfigError
from image2music.options import MAX_DURATION_SEC, ComposeOptions
from image2music.pipeline import (
    ImageSource,
    ProgressCallback,
    load_picture,
    step,
    write_body,
)
from image2music.rendering.report import ImageInfo, ModelInfo, build_report
from image2music.types import (
    Control,
    Emotion,
    ImageFeatures,
    KeyChange,
    Melody,
    Note,
    Progression,
    Score,
    TempoChange,
    TimedChord,
    Track,
)

if TYPE_CHECKING:
    from image2music.arrangement.form import Form

__all__ = [
    "MAX_PICTURES",
    "MIN_SECTION_SEC",
    "Picture",
    "compose_sections",
    "compose_sequence",
]

#: Most pictures one sequence takes.
MAX_PICTURES = 64
#: Shortest section, in seconds (a bar and the ending bar at 240 bpm).
MIN_SECTION_SEC = 2.0


@dataclass(frozen=True)
class Picture:
    """One section's picture, analysed.

    Attributes:
        features: What was read in it.
        info: Its name and hash, for the report.
        label: How the report names the section's source (file name, or the
            scene and its times in a video).
        more: Further views of the same section (other frames of a scene);
            the section's emotion is the mean over ``features`` and these.
    """

    features: ImageFeatures
    info: ImageInfo
    label: str
    more: tuple[ImageFeatures, ...] = ()


def compose_sequence(
    images: Sequence[ImageSource],
    options: ComposeOptions | None = None,
    *,
    seconds_each: float | None = None,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
) -> Composition:
    """Compose one piece for a sequence of pictures, a section per picture.

    Args:
        images: 2 to :data:`MAX_PICTURES` pictures, in order (each anything
            :func:`~image2music.compose` accepts).
        options: Composition options; ``options.duration_sec`` is the whole
            piece's length, shared equally; ``options.bars`` the bars of each
            section when no length is given.
        seconds_each: Seconds per picture instead (at least
            :data:`MIN_SECTION_SEC`; the whole at most 600 s).
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.

    Returns:
        The composition; its report lists the ``sections``.

    Raises:
        ConfigError: For fewer than 2 or more than :data:`MAX_PICTURES`
            pictures, or lengths out of range.
        ImageError: If a picture cannot be read.
    """
    opts = options or ComposeOptions()
    count = len(images)
    if count < 2:
        raise ConfigError(
            f"a sequence needs at least 2 pictures, got {count}; "
            "use 'image2music compose' for one picture"
        )
    if count > MAX_PICTURES:
        raise ConfigError(f"a sequence takes at most {MAX_PICTURES} pictures, got {count}")
    seconds = _shares(count, seconds_each, opts.duration_sec)
    step(progress, "analyse")
    content = opts.detect_entities or opts.emotion == "learned"
    pictures = []
    for i, image in enumerate(images, start=1):
        features, info = load_picture(image, opts.detect_entities, content)
        pictures.append(Picture(features, info, f"picture {i} ({info.name})"))
    title = "-".join(p.info.name.rsplit(".", 1)[0] for p in pictures[:1]) + "-sequence"
    return compose_sections(
        pictures, seconds, opts, title=title, estimator=estimator, progress=progress
    )


def _shares(count: int, seconds_each: float | None, total: float | None) -> list[float] | None:
    if seconds_each is not None and total is not None:
        raise ConfigError("seconds_each and duration are mutually exclusive; give one of them")
    if seconds_each is not None:
        if isinstance(seconds_each, bool) or not isinstance(seconds_each, int | float):
            raise ConfigError(f"seconds_each must be a number, got {seconds_each!r}")
        if not math.isfinite(seconds_each) or seconds_each < MIN_SECTION_SEC:
            raise ConfigError(
                f"seconds_each must be at least {MIN_SECTION_SEC:g} s, got {seconds_each!r}"
            )
        if seconds_each * count > MAX_DURATION_SEC:
            raise ConfigError(
                f"{count} pictures x {seconds_each:g} s is {seconds_each * count:g} s; "
                f"a piece lasts at most {MAX_DURATION_SEC:g} s"
            )
        return [float(seconds_each)] * count
    if total is not None:
        if total / count < MIN_SECTION_SEC:
            raise ConfigError(
                f"duration {total:g} s for {count} pictures gives {total / count:.2f} s each; "
                f"a section needs at least {MIN_SECTION_SEC:g} s"
            )
        return [float(total) / count] * count
    return None


def compose_sections(
    pictures: Sequence[Picture],
    seconds: Sequence[float] | None,
    options: ComposeOptions,
    *,
    title: str,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
    requested_sec: float | None = None,
    video: Mapping[str, Any] | None = None,
) -> Composition:
    """Compose a piece with one section per picture (module docstring).

    Args:
        pictures: The sections' pictures, in order (at least one).
        seconds: Each section's length in seconds (the last one's held
            ending included), or ``None`` for ``options.bars`` bars each.
        options: Composition options (``duration_sec`` is not read here).
        title: Title of the piece and stem of its files.
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.
        requested_sec: The length asked for, for the report (default: the
            sum of ``seconds``).
        video: The report's ``video`` object when the pictures are a clip's scenes.

    Returns:
        The composition.
    """
    from image2music.arrangement.arrange import arrange
    from image2music.arrangement.instruments import choose_instruments, parse_instruments
    from image2music.arrangement.plan import plan_music
    from image2music.arrangement.styles import get_style
    from image2music.arrangement.timeline import plan_timeline
    from image2music.arrangement.transitions import (
        Transition,
        apply_transition,
        key_for_next,
        mood_distance,
        transition_between,
    )
    from image2music.generators import harmony_generator, melody_generator
    from image2music.rendering.synth import choose_synth
    from image2music.theory import key_name, parse_key

    opts = options
    est = estimator or estimator_for(opts.emotion)
    step(progress, "emotion")
    estimated = [_mean_emotion([est.estimate(f) for f in (p.features, *p.more)]) for p in pictures]
    moods = [override_emotion(e, valence=opts.valence, arousal=opts.arousal) for e in estimated]

    step(progress, "plan")
    fixed_key = parse_key(opts.key) if opts.key else None
    own = [
        plan_music(m, p.features, key=fixed_key, mode=opts.mode, tempo_bpm=opts.tempo_bpm)
        for m, p in zip(moods, pictures, strict=True)
    ]
    keys = [own[0].key]
    key_reasons = [f"{key_name(own[0].key)}: the first picture's own key"]
    for i in range(1, len(pictures)):
        if fixed_key is not None:
            keys.append(own[i].key)
            key_reasons.append("key fixed by the user")
            continue
        key, why = key_for_next(keys[-1], own[i].key, mood_distance(moods[i - 1], moods[i]))
        keys.append(key)
        key_reasons.append(why)
    transitions: list[Transition] = [transition_between(a, b) for a, b in itertools.pairwise(keys)]
    ts = own[0].time_signature
    beats = ts.bar_ticks(1)
    timeline = plan_timeline(
        seconds,
        [p.tempo_bpm for p in own],
        beats,
        bars=opts.bars,
        tempo_fixed=opts.tempo_bpm is not None,
    )
    plans = [
        plan.with_tempo(t.tempo_bpm, "for the section's length") if seconds else plan
        for plan, t in zip(own, timeline, strict=True)
    ]
    plans = [
        replace(p, key=k, reasons=(f"key {key_name(k)}", *p.reasons[1:], f"in the sequence: {why}"))
        for p, k, why in zip(plans, keys, key_reasons, strict=True)
    ]

    mean = Emotion(
        float(np.mean([m.valence for m in moods])), float(np.mean([m.arousal for m in moods]))
    )
    user = parse_instruments(opts.instruments)
    band = choose_instruments(mean, pictures[0].features, get_style(opts.style), user)
    programs = {part: c.program for part, c in band.items()}
    fixed = ",".join(f"{part}={programs[part]}" for part in ("melody", "chords", "bass"))
    if "pad" in user:
        fixed += f",pad={user['pad']}"

    harmony = harmony_generator(opts.harmony)
    melody_gen = melody_generator(opts.melody)
    streams = np.random.SeedSequence(opts.seed).spawn(len(pictures))
    last = len(pictures) - 1
    pieces = []
    step(progress, "harmony")
    for i, (mood, plan, time) in enumerate(zip(moods, plans, timeline, strict=True)):
        h_rng, m_rng, a_rng, v_rng, c_rng = (np.random.default_rng(s) for s in streams[i].spawn(5))
        form = _section_form(time.bars)
        lead_out = None
        if i < last and transitions[i].chords:
            t = transitions[i]
            lead_out = lambda p, t=t: apply_transition(p, t)  # noqa: E731
        chords, melody = write_body(
            harmony,
            melody_gen,
            mood,
            plan.key,
            form,
            plan.time_signature,
            (h_rng, m_rng, v_rng, c_rng),
            lead_out=lead_out,
        )
        arranged = arrange(
            chords,
            melody,
            mood,
            pictures[i].features,
            plan,
            a_rng,
            style=opts.style,
            instruments=fixed,
            drums=opts.drums,
            form=form,
            ending=i == last,
        )
        pieces.append(arranged)
    step(progress, "arrange")
    score, starts = _join(pieces, plans, timeline, programs, title)
    synth = choose_synth(opts.synth, opts.soundfont)

    step(progress, "report")
    sections = _sections_report(
        pictures, moods, plans, timeline, transitions, key_reasons, score, starts
    )
    choice = replace(
        pieces[0].choice,
        instruments={
            part: band[part]
            if part in user
            else replace(band[part], reason=f"one band for the whole sequence: {band[part].reason}")
            for part in pieces[0].choice.instruments
        },
        form=replace(
            pieces[0].choice.form,
            sections=len(pictures),
            reason=f"{len(pictures)} sections, one per picture",
        ),
    )
    report = build_report(
        image=pictures[0].info,
        features=pictures[0].features,
        emotion=moods[0],
        plan=plans[0],
        score=score,
        seed=opts.seed,
        options=opts.to_dict(),
        models={
            "emotion": ModelInfo(est.name, est.version),
            "harmony": ModelInfo(harmony.name, harmony.version),
            "melody": ModelInfo(melody_gen.name, melody_gen.version),
        },
        arrangement=choice,
        synth=synth,
        sections=sections,
        video=video,
        requested_sec=requested_sec if requested_sec is not None else _total(seconds),
    )
    return Composition(
        features=pictures[0].features,
        emotion=moods[0],
        estimated_emotion=estimated[0],
        plan=plans[0],
        score=score,
        report=report,
        options=opts,
        synth=synth,
    )


def _mean_emotion(emotions: Sequence[Emotion]) -> Emotion:
    """The mean of several estimates (one frame's estimate as it is)."""
    if len(emotions) == 1:
        return emotions[0]
    names = list(emotions[0].categories)
    return Emotion(
        float(np.mean([e.valence for e in emotions])),
        float(np.mean([e.arousal for e in emotions])),
        float(np.mean([e.dominance for e in emotions])),
        {k: float(np.mean([e.categories.get(k, 0.0) for e in emotions])) for k in names},
        emotions[0].source,
    )


def _total(seconds: Sequence[float] | None) -> float | None:
    return None if seconds is None else float(sum(seconds))


def _section_form(bars: int) -> Form:
    """One progression up to 16 bars; longer: 8-bar (or 4-bar) sections alternating A and B."""
    from image2music.arrangement.form import Form

    if bars <= 16:
        return Form(bars, 1, f"{bars} bars")
    size = 8 if bars % 8 == 0 else 4
    return Form(size, bars // size, f"{bars // size} x {size} bars")


def _join(
    pieces: Sequence[Any],
    plans: Sequence[Any],
    timeline: Sequence[Any],
    programs: dict[str, int],
    title: str,
) -> tuple[Score, list[int]]:
    """Play the arranged sections end to end: one track per part, tempo and key changes."""
    from image2music.arrangement.mix import CC_SUSTAIN

    chords: list[TimedChord] = []
    melody: list[Note] = []
    parts: dict[str, list[Note]] = {}
    controls: dict[str, list[Control]] = {}
    kinds: dict[str, Track] = {}
    tempos: list[TempoChange] = []
    keys: list[KeyChange] = []
    starts: list[int] = []
    offset = 0
    tempo_now = plans[0].tempo_bpm
    key_now = plans[0].key
    bars = 0
    for piece, plan, time in zip(pieces, plans, timeline, strict=True):
        prog = piece.progression
        starts.append(offset)
        if offset and plan.tempo_bpm != tempo_now:
            tempos.append(TempoChange(offset, plan.tempo_bpm))
        if offset and plan.key != key_now:
            keys.append(KeyChange(offset, plan.key))
        tempo_now, key_now = plan.tempo_bpm, plan.key
        if time.join_tempo_bpm is not None:
            tempos.append(
                TempoChange(offset + prog.total_ticks - prog.bar_ticks, time.join_tempo_bpm)
            )
            tempo_now = time.join_tempo_bpm
        chords += [
            TimedChord(tc.chord, tc.start_ticks + offset, tc.duration_ticks) for tc in prog.chords
        ]
        melody += [_shift(n, offset) for n in piece.melody.notes]
        for track in piece.tracks:
            kinds.setdefault(track.name, track)
            parts.setdefault(track.name, []).extend(_shift(n, offset) for n in track.notes)
            controls.setdefault(track.name, []).extend(
                Control(c.tick + offset, c.number, c.value)
                for c in track.controls
                if offset == 0 or c.number == CC_SUSTAIN  # the mix is set once, at the start
            )
        offset += prog.total_ticks
        bars += prog.bars
    first = pieces[0].progression
    progression = Progression(
        first.key, tuple(chords), bars, first.time_signature, first.ticks_per_beat
    )
    order = ["Melody", "Chords", "Bass", "Pad", "Drums"]
    tracks = tuple(
        Track(
            name,
            kinds[name].program
            if kinds[name].is_drum
            else programs.get(name.lower(), kinds[name].program),
            kinds[name].channel,
            tuple(sorted(parts[name], key=lambda n: (n.start_ticks, n.pitch))),
            kinds[name].is_drum,
            tuple(controls[name]),
        )
        for name in sorted(kinds, key=lambda n: order.index(n) if n in order else len(order))
    )
    score = Score(
        progression,
        Melody(tuple(melody), first.ticks_per_beat),
        plans[0].tempo_bpm,
        tracks,
        title,
        tuple(tempos),
        tuple(keys),
        _room(pieces[0]),
    )
    return score, starts


def _room(piece: Any) -> str:
    """The room of the first section's mix: the whole sequence plays in it."""
    mix = piece.choice.mix
    return str(mix.room) if mix is not None else "room"


def _shift(note: Note, offset: int) -> Note:
    return Note(note.pitch, max(0, note.start_ticks + offset), note.duration_ticks, note.velocity)


def _sections_report(
    pictures: Sequence[Picture],
    moods: Sequence[Emotion],
    plans: Sequence[Any],
    timeline: Sequence[Any],
    transitions: Sequence[Any],
    key_reasons: Sequence[str],
    score: Score,
    starts: Sequence[int],
) -> list[dict[str, Any]]:
    """The report's ``sections``: times, source, mood, key, tempo and the transition in."""
    from image2music.rendering.words import feeling_words
    from image2music.theory import chord_symbol, key_name

    tpb = score.ticks_per_beat
    ends = [*starts[1:], score.progression.total_ticks]
    out = []
    for i, picture in enumerate(pictures):
        mood, plan, time = moods[i], plans[i], timeline[i]
        into = transitions[i - 1] if i else None
        why = [
            f"{picture.label}: {feeling_words(mood)} (valence {mood.valence:+.2f}, "
            f"arousal {mood.arousal:+.2f})",
            f"key {key_reasons[i]}",
            f"tempo {plan.tempo_bpm:.1f} bpm: {time.bars} bars"
            + (f" + {time.ending_bars} ending bar" if time.ending_bars else "")
            + f" last {score.seconds_at(ends[i]) - score.seconds_at(starts[i]):.2f} s",
        ]
        if time.join_tempo_bpm is not None:
            why.append(
                f"its last bar plays at {time.join_tempo_bpm:.1f} bpm, between this tempo "
                "and the next, so the tempo changes in two steps"
            )
        if into is not None:
            why.append(f"transition in: {into.why}")
        out.append(
            {
                "index": i,
                "source": picture.label,
                "start_sec": round(score.seconds_at(starts[i]), 3),
                "end_sec": round(score.seconds_at(ends[i]), 3),
                "start_beat": round(starts[i] / tpb, 3),
                "end_beat": round(ends[i] / tpb, 3),
                "bars": time.bars + time.ending_bars,
                "emotion": {
                    "valence": round(mood.valence, 4),
                    "arousal": round(mood.arousal, 4),
                    "top_category": mood.top_category,
                },
                "key": key_name(plan.key),
                "mode": plan.key.mode,
                "tempo_bpm": round(plan.tempo_bpm, 2),
                "join_tempo_bpm": (
                    None if time.join_tempo_bpm is None else round(time.join_tempo_bpm, 2)
                ),
                "transition": (
                    None
                    if into is None
                    else {
                        "name": into.name,
                        "chords": [chord_symbol(c, plans[i - 1].key) for c in into.chords],
                        "why": into.why,
                    }
                ),
                "why": why,
            }
        )
    return out
