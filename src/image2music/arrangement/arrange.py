"""The arranger: from chords and a melody to instrument tracks, with every choice explained.

Order of work (each step documented in its module):

1. style (:mod:`.styles`) and instruments (:mod:`.instruments`);
2. register from valence and brightness (:func:`register_for`);
3. the held ending (:func:`.form.add_ending`) and the melody moved by octaves
   into its instrument's range;
4. voicings with smooth voice leading, the accompaniment pattern
   (:mod:`.patterns`), an optional sustained pad layer (under a moving
   pattern it is voiced below the chords: :data:`PAD_BELOW`), the bass
   (:mod:`.bass`) and drums (:mod:`.drums`);
5. the velocity curve (:mod:`.dynamics`), the articulation from valence
   (:mod:`.articulation`), then seeded humanisation and swing
   (:mod:`.humanise`), never on the final chord;
6. the mix (:mod:`.mix`): pan, volume, reverb and chorus sends and the
   sustain pedal of every part, written as control changes, and the room.

Track order and channels: Melody 0, Chords 1, Bass 2, Pad 3 (when there is a
pad layer), Drums 9 (when there are drums).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from image2music.arrangement.articulation import Articulation, articulation_for
from image2music.arrangement.bass import bass_line
from image2music.arrangement.drums import choose_drums, drum_notes
from image2music.arrangement.dynamics import Dynamics, dynamics_for
from image2music.arrangement.form import ENDING_BARS, Form, add_ending, section_layout
from image2music.arrangement.gm import PERCUSSION_CHANNEL, gm_name, is_sustained, program_range
from image2music.arrangement.humanise import humanise, remove_overlaps, swing
from image2music.arrangement.instruments import (
    InstrumentChoice,
    choose_instruments,
    parse_instruments,
)
from image2music.arrangement.layers import SectionPlan, apply_layers, plan_layers
from image2music.arrangement.mix import Mix, mix_for
from image2music.arrangement.patterns import NEUTRAL_VELOCITY, pattern_for, play_pattern
from image2music.arrangement.plan import MusicPlan
from image2music.arrangement.styles import Style, get_style
from image2music.types import Emotion, ImageFeatures, Melody, Note, Progression, Track

__all__ = [
    "PAD_BELOW",
    "PAD_FLOOR",
    "PAD_SPAN",
    "REGISTERS",
    "Arrangement",
    "ArrangementChoice",
    "arrange",
    "register_for",
]

#: Under a moving pattern (arpeggio, broken chords, comping) the pad is voiced
#: from this many semitones below the chords' range, over PAD_SPAN semitones,
#: never below PAD_FLOOR: the pad and the pattern keep apart.
PAD_BELOW, PAD_SPAN, PAD_FLOOR = 9, 14, 36
#: Ranges (low, high MIDI pitch) of the chord voicings, the pad layer and the bass.
REGISTERS: dict[str, dict[str, tuple[int, int]]] = {
    "low": {"chords": (43, 65), "pad": (45, 67), "bass": (28, 48)},
    "middle": {"chords": (46, 68), "pad": (48, 70), "bass": (31, 50)},
    "high": {"chords": (50, 72), "pad": (52, 74), "bass": (36, 55)},
}


def register_for(emotion: Emotion, features: ImageFeatures | None) -> tuple[str, str]:
    """``(register, reason)``: low for sad or dark pictures, high for happy lively ones.

    Low when valence < -0.3 or brightness < 0.35; high when valence > 0.3,
    arousal > 0 and brightness is not below 0.35; middle otherwise.
    """
    dark = features is not None and features.brightness < 0.35
    if emotion.valence < -0.3 or dark:
        why = "dark picture" if dark else f"valence {emotion.valence:+.2f}"
        return "low", why
    if emotion.valence > 0.3 and emotion.arousal > 0:
        return "high", f"valence {emotion.valence:+.2f}, arousal {emotion.arousal:+.2f}"
    return "middle", "neither dark nor bright and lively"


@dataclass(frozen=True)
class ArrangementChoice:
    """Everything the arranger decided, for the report.

    Attributes:
        style: The style used.
        instruments: Part -> instrument choice, for the parts that play.
        pattern: Accompaniment pattern name.
        pattern_reason: Why that pattern.
        drum_kit: Drum groove, or ``None`` without drums.
        drums_reason: Why (or why not) drums.
        register: ``low``, ``middle`` or ``high``.
        register_reason: Why that register.
        melody_transpose: Semitones the melody was moved to suit its instrument.
        pad_layer: Whether a sustained pad doubles the harmony.
        dynamics: The velocity curve.
        timing_ticks: Humanising onset spread in ticks.
        velocity_jitter: Humanising velocity spread.
        swing_ticks: Swing delay of off-beat eighths in ticks.
        form: The sections.
    """

    style: Style
    instruments: dict[str, InstrumentChoice]
    pattern: str
    pattern_reason: str
    drum_kit: str | None
    drums_reason: str
    register: str
    register_reason: str
    melody_transpose: int
    pad_layer: bool
    dynamics: Dynamics
    timing_ticks: int
    velocity_jitter: int
    swing_ticks: int
    form: Form = field(default_factory=lambda: Form(8, 1, "8 bars as asked"))
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    articulation: Articulation = field(
        default_factory=lambda: Articulation(1.0, False, "as written")
    )
    layers: tuple[SectionPlan, ...] = ()
    mix: Mix | None = None

    def to_report(self, bar_ticks: int = 1920) -> dict[str, Any]:
        """The ``arrangement`` object of the report (see ``docs/report.md``).

        Args:
            bar_ticks: Length of a bar, to number the sections' first bars
                (default 1920: 4/4 at 480 ticks a beat).
        """
        bar = bar_ticks
        reg = {**REGISTERS[self.register], **self.ranges}
        return {
            "style": self.style.name,
            "style_description": self.style.description,
            "instruments": {
                part: {"program": c.program, "name": c.name, "reason": c.reason}
                for part, c in self.instruments.items()
            },
            "accompaniment": {"pattern": self.pattern, "reason": self.pattern_reason},
            "pad_layer": self.pad_layer,
            "drums": {
                "on": self.drum_kit is not None,
                "kit": self.drum_kit,
                "reason": self.drums_reason,
            },
            "register": {
                "name": self.register,
                "reason": self.register_reason,
                "chords": list(reg["chords"]),
                "bass": list(reg["bass"]),
                "melody_transpose_semitones": self.melody_transpose,
            },
            "articulation": self.articulation.to_report(),
            "voice_leading": "each chord voiced with the least total movement from the last",
            "dynamics": self.dynamics.describe(),
            "humanise": {
                "timing_ticks": self.timing_ticks,
                "velocity_jitter": self.velocity_jitter,
                "swing_ticks": self.swing_ticks,
                "seeded": True,
            },
            "form": {
                "section_bars": self.form.section_bars,
                "sections": self.form.sections,
                "layout": " ".join(section_layout(self.form.sections)),
                "reason": self.form.reason,
                "plan": [
                    {"letter": p.letter, "start_bar": p.start_ticks // bar + 1, "plays": p.words}
                    for p in self.layers
                ],
            },
            **({"mix": self.mix.to_report()} if self.mix is not None else {}),
            "ending": {
                "extra_bars": ENDING_BARS,
                "description": "final chord held one bar longer; the melody ends on a held tonic",
            },
        }

    def _mix_words(self) -> str:
        assert self.mix is not None
        sides = {p: m.pan for p, m in self.mix.parts.items()}
        left = [p for p, pan in sides.items() if pan < -0.2]
        right = [p for p, pan in sides.items() if pan > 0.2]
        centre = [p for p in sides if p not in left and p not in right]
        words = [f"{', '.join(ps)} {where}" for ps, where in
                 ((left, "left"), (centre, "centre"), (right, "right")) if ps]  # fmt: skip
        return "; ".join(words)

    def reasons(self) -> list[str]:
        """Plain-language reasons for the report's ``why``."""
        parts = ", ".join(f"{p} {c.name}" for p, c in self.instruments.items())
        why_inst = sorted({c.reason for c in self.instruments.values()})
        drums = (
            f"drums: {self.drum_kit} groove ({self.drums_reason})"
            if self.drum_kit
            else f"no drums: {self.drums_reason}"
        )
        return [
            f"instruments {parts}: {'; '.join(why_inst)}",
            f"accompaniment {self.pattern}: {self.pattern_reason}",
            drums,
            f"register {self.register}: {self.register_reason}",
            f"articulation {self.articulation.reason}",
            f"form: {self.form.reason}",
            *([f"mix: {self.mix.reason}; {self._mix_words()}"] if self.mix is not None else []),
            *(f"section {i + 1} ({p.letter}): {p.words}" for i, p in enumerate(self.layers)),
        ]


@dataclass(frozen=True)
class Arrangement:
    """The arranger's result.

    Attributes:
        progression: The chords with the held ending.
        melody: The melody as arranged (octave, dynamics, held tonic), not humanised.
        tracks: The instrument tracks, humanised.
        choice: What was decided and why.
    """

    progression: Progression
    melody: Melody
    tracks: tuple[Track, ...]
    choice: ArrangementChoice


def _fit_melody(melody: Melody, program: int) -> tuple[Melody, int]:
    """Move the melody by whole octaves so that most notes lie in the instrument's range."""
    if not melody.notes:
        return melody, 0
    low, high = program_range(program)
    centre = (low + high) / 2
    pitches = [n.pitch for n in melody.notes]
    mean = sum(pitches) / len(pitches)

    def rank(k: int) -> tuple[int, int, float]:
        inside = sum(low <= p + 12 * k <= high for p in pitches)
        return (-inside, abs(k), abs(mean + 12 * k - centre))

    best = min((k for k in range(-2, 3) if all(0 <= p + 12 * k <= 127 for p in pitches)), key=rank)
    if best == 0:
        return melody, 0
    shift = 12 * best
    notes = tuple(
        Note(n.pitch + shift, n.start_ticks, n.duration_ticks, n.velocity) for n in melody.notes
    )
    return Melody(notes, melody.ticks_per_beat), shift


def _above_accompaniment(
    melody: Melody, program: int, ranges: dict[str, tuple[int, int]]
) -> tuple[Melody, int, dict[str, tuple[int, int]]]:
    """Keep the melody on top: its lower quartile above the chord and pad voicings.

    When the melody's lower quartile is not above the top of the chord range,
    it goes up an octave if its instrument keeps as many notes in range; the
    chord and pad ranges then move down, keeping their width, until their top
    is below that quartile (never below MIDI 36).

    Returns:
        The melody, the extra transposition in semitones, and the ranges.
    """
    pitches = sorted(n.pitch for n in melody.notes)
    if not pitches:
        return melody, 0, ranges
    low, high = program_range(program)
    q25 = pitches[len(pitches) // 4]
    shift = 0
    if q25 <= ranges["chords"][1] and pitches[-1] + 12 <= 127:
        inside = sum(low <= p <= high for p in pitches)
        if sum(low <= p + 12 <= high for p in pitches) >= inside:
            shift = 12
            q25 += 12
    out = dict(ranges)
    for part in ("chords", "pad"):
        lo, hi = out[part]
        over = hi - (q25 - 1)
        if over > 0:
            over = min(over, lo - 36)
            out[part] = (lo - over, hi - over)
    if shift:
        melody = Melody(
            tuple(
                Note(n.pitch + shift, n.start_ticks, n.duration_ticks, n.velocity)
                for n in melody.notes
            ),
            melody.ticks_per_beat,
        )
    return melody, shift, out


def _held(voicing: tuple[int, ...], start: int, end: int) -> list[Note]:
    return [Note(p, start, end - start, NEUTRAL_VELOCITY + 4) for p in voicing]


def arrange(
    progression: Progression,
    melody: Melody,
    emotion: Emotion,
    features: ImageFeatures | None,
    plan: MusicPlan,
    rng: np.random.Generator,
    *,
    style: str = "auto",
    instruments: str | None = None,
    drums: bool = True,
    form: Form | None = None,
    ending: bool = True,
) -> Arrangement:
    """Arrange a progression and melody for instruments.

    Args:
        progression: The chords (without the ending; it is added here).
        melody: The melody over them.
        emotion: Drives instruments, pattern, drums, register and dynamics.
        features: The picture (palette temperature, brightness); may be ``None``.
        plan: Key, tempo and metre; the tempo turns the humanising spread
            (milliseconds) into ticks.
        rng: Source of the humanising draws.
        style: Arrangement style name (default ``"auto"``).
        instruments: Instruments per part, e.g. ``"melody=flute,bass=42"``, or
            ``None`` (default) to choose from the mood and palette.
        drums: Allow drums (default ``True``).
        form: The sections, for the report (default: one section of ``progression``).
        ending: Add the held ending (default ``True``); ``False`` for a section
            that another follows: every chord is played in the pattern.

    Returns:
        The arrangement.

    Raises:
        ConfigError: For an unknown style or instrument.
    """
    from image2music.theory import voice_progression

    chosen_style = get_style(style)
    user = parse_instruments(instruments)
    chosen = choose_instruments(emotion, features, chosen_style, user)
    if chosen_style.pattern is not None:
        pattern, pattern_reason = chosen_style.pattern, f"{chosen_style.name} style"
    else:
        pattern, pattern_reason = pattern_for(emotion.arousal)
        chords_program = chosen["chords"].program
        if pattern == "comping" and is_sustained(chords_program):
            pattern = "arpeggio"
            pattern_reason += f"; arpeggios, not stabs, as {gm_name(chords_program)} sustains"
    register, register_reason = register_for(emotion, features)
    ranges = REGISTERS[register]
    if "pad" in user:  # asking for a pad instrument asks for the pad layer
        pad_layer = True
    else:
        pad_layer = (
            chosen_style.pad_layer if chosen_style.pad_layer is not None else pattern != "pad"
        )
    kit, drums_reason = choose_drums(emotion.arousal, chosen_style, drums)

    if ending:
        ending_at = progression.chords[-1].start_ticks
        prog, mel = add_ending(progression, melody)
    else:
        ending_at, prog, mel = progression.total_ticks, progression, melody
    mel, transpose = _fit_melody(mel, chosen["melody"].program)
    mel, lift, ranges = _above_accompaniment(mel, chosen["melody"].program, dict(ranges))
    transpose += lift
    if pad_layer and pattern != "pad":  # the pad sits under a moving pattern, not in it
        low = max(PAD_FLOOR, ranges["chords"][0] - PAD_BELOW)
        ranges["pad"] = (low, low + PAD_SPAN)
    bar, tpb = prog.bar_ticks, prog.ticks_per_beat
    beat = tpb * 4 // prog.time_signature.denominator
    total = prog.total_ticks
    dyn = dynamics_for(emotion, ending_ticks=ending_at, phrase_ticks=4 * bar)

    chords = [tc.chord for tc in prog.chords]
    voicings = voice_progression(chords, low=ranges["chords"][0], high=ranges["chords"][1])
    held = 1 if ending else 0  # the final chord is held, not played in the pattern
    comp = play_pattern(
        prog.chords[: len(prog.chords) - held],
        voicings[: len(voicings) - held],
        pattern,
        bar_ticks=bar,
        beat_ticks=beat,
    )
    if ending:
        comp += _held(voicings[-1], ending_at, total)
    parts: dict[str, list[Note]] = {
        "melody": dyn.apply(mel.notes, "melody"),
        "chords": dyn.apply(comp, "chords"),
        "bass": dyn.apply(
            bass_line(
                prog.chords,
                prog.key,
                pattern,
                low=ranges["bass"][0],
                high=ranges["bass"][1],
                bar_ticks=bar,
                beat_ticks=beat,
            ),
            "bass",
        ),
    }
    if pad_layer:
        pad_voicings = voice_progression(chords, low=ranges["pad"][0], high=ranges["pad"][1])
        pad = play_pattern(
            prog.chords[: len(prog.chords) - held],
            pad_voicings[: len(pad_voicings) - held],
            "pad",
            bar_ticks=bar,
            beat_ticks=beat,
        )
        if ending:
            pad += _held(pad_voicings[-1], ending_at, total)
        parts["pad"] = dyn.apply(pad, "pad")
    if kit is not None:
        hits = drum_notes(
            kit, total_ticks=total, ending_ticks=ending_at, bar_ticks=bar, beat_ticks=beat
        )
        parts["drums"] = dyn.apply(hits, "drums")

    shape = form or Form(progression.bars, 1, f"{progression.bars} bars as asked")
    layers = plan_layers(section_layout(shape.sections), shape.section_bars * bar, bar)
    parts = {part: apply_layers(notes, part, layers) for part, notes in parts.items()}
    arranged_melody = Melody(tuple(parts["melody"]), mel.ticks_per_beat)
    articulation = articulation_for(emotion)  # how it is played; the notation stays as written
    timing = round(chosen_style.timing_ms * plan.tempo_bpm * tpb / 60000.0)
    swing_ticks = round(chosen_style.swing_ticks * tpb / 480)
    channels = {"melody": 0, "chords": 1, "bass": 2, "pad": 3, "drums": PERCUSSION_CHANNEL}
    programs = {part: 0 if part == "drums" else chosen[part].program for part in parts}
    mix = mix_for(chosen_style.name, emotion, programs, pattern)
    tracks = []
    for part, notes in parts.items():
        if part in ("melody", "chords"):
            notes = articulation.apply(
                notes, melody=part == "melody", freeze_from=ending_at, min_ticks=tpb // 4
            )
        played = humanise(
            notes,
            rng,
            timing_ticks=timing,
            velocity_jitter=chosen_style.velocity_jitter,
            freeze_from=ending_at,
        )
        if swing_ticks:
            played = swing(played, swing_ticks, beat_ticks=beat, freeze_from=ending_at)
        played = remove_overlaps(played, monophonic=part in ("melody", "bass"))
        is_drum = part == "drums"
        program = 0 if is_drum else chosen[part].program
        controls = mix.parts[part].controls(prog.chords, total)
        tracks.append(
            Track(part.capitalize(), program, channels[part], tuple(played), is_drum, controls)
        )
    used = {p: c for p, c in chosen.items() if p in parts}
    choice = ArrangementChoice(
        style=chosen_style,
        instruments=used,
        pattern=pattern,
        pattern_reason=pattern_reason,
        drum_kit=kit,
        drums_reason=drums_reason,
        register=register,
        register_reason=register_reason,
        melody_transpose=transpose,
        ranges=ranges,
        pad_layer=pad_layer,
        dynamics=dyn,
        timing_ticks=timing,
        velocity_jitter=chosen_style.velocity_jitter,
        swing_ticks=swing_ticks,
        form=shape,
        articulation=articulation,
        layers=layers,
        mix=mix,
    )
    return Arrangement(prog, arranged_melody, tuple(tracks), choice)
