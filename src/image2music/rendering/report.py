"""The JSON report: what was read in the picture, and why the music sounds as it does.

The schema is documented in ``docs/report.md`` and checked by
``report.schema.json`` beside this module; :data:`SCHEMA_VERSION` changes
whenever a field is removed or changes meaning (additions bump the minor).
Floats are rounded so that the same inputs give byte-identical JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from image2music.arrangement.gm import GM_NAMES
from image2music.arrangement.plan import MusicPlan
from image2music.types import Emotion, ImageFeatures, Score

if TYPE_CHECKING:
    from image2music.arrangement.arrange import ArrangementChoice
    from image2music.rendering.synth import SynthChoice

__all__ = ["SCHEMA_VERSION", "ImageInfo", "ModelInfo", "build_report", "describe", "report_json"]

#: Version of the report's schema.
SCHEMA_VERSION = "1.4"


@dataclass(frozen=True)
class ImageInfo:
    """Facts about the input file that are not image features."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ModelInfo:
    """Name and version of the generator or estimator used by a stage."""

    name: str
    version: str


def _r(x: float, nd: int = 4) -> float:
    return round(float(x), nd)


def describe(features: ImageFeatures) -> str:
    """A few plain words for a picture's tone, e.g. ``"dark, cool, muted"``."""
    words = []
    if features.brightness < 0.35:
        words.append("dark")
    elif features.brightness > 0.62:
        words.append("bright")
    if features.warmth > 0.15:
        words.append("warm")
    elif features.warmth < -0.15:
        words.append("cool")
    if features.saturation < 0.2:
        words.append("muted")
    elif features.saturation > 0.45:
        words.append("vivid")
    if features.edge_density > 0.14 or features.texture > 0.3:
        words.append("busy")
    faces, smiles = features.count("face"), features.count("smile")
    if faces:
        words.append(f"{faces} face{'s' if faces > 1 else ''}")
        if smiles:
            words.append("smiling")
    cues = sorted({e.label for e in features.entities if e.label not in ("face", "smile")})
    words.extend(cues)
    return ", ".join(words) if words else "balanced"


def _content(features: ImageFeatures, words: str) -> dict[str, Any] | None:
    c = features.content
    if c is None:
        return None
    return {
        "summary": words,
        "labels": [{"label": e.label, "confidence": _r(e.confidence, 3)} for e in c.labels],
        "objects": [
            {"label": e.label, "confidence": _r(e.confidence, 3), "box": list(e.box or ())}
            for e in c.objects
        ],
        "faces": [
            {
                "box": list(f.box),
                "confidence": _r(f.confidence, 3),
                "expression": f.expression,
                "scores": {k: _r(v, 3) for k, v in f.scores.items()},
            }
            for f in c.faces
        ],
    }


def build_report(
    *,
    image: ImageInfo,
    features: ImageFeatures,
    emotion: Emotion,
    plan: MusicPlan,
    score: Score,
    seed: int,
    options: Mapping[str, Any],
    models: Mapping[str, ModelInfo],
    arrangement: ArrangementChoice | None = None,
    synth: SynthChoice | None = None,
    sections: Sequence[Mapping[str, Any]] | None = None,
    requested_sec: float | None = None,
    video: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the report dict (see ``docs/report.md``).

    Args:
        image: File name and hash of the picture.
        features: What was read in the picture.
        emotion: The emotion the music follows.
        plan: Key, tempo and metre, with reasons.
        score: The music.
        seed: The seed used.
        options: Every composition option.
        models: Estimator or generator of each stage.
        arrangement: The arranger's choices (``None``: the score is reported
            as is, without an ``arrangement`` object or ending bar).
        synth: The synthesiser audio is (or would be) rendered with.
        sections: A sequence's sections (``None``: a single picture; the
            report then has no ``sections``).
        requested_sec: The length asked for, in seconds (``None``: none asked).
        video: The clip a soundtrack was composed for (``None``: none; the
            report then has no ``video``).
    """
    from image2music.theory import chord_symbol, key_name, midi_to_name, pc_to_name, roman_numeral
    from image2music.version import __version__

    key = score.key
    tpb = score.ticks_per_beat
    chords = [
        {
            "symbol": chord_symbol(tc.chord, key),
            "roman": roman_numeral(tc.chord, key),
            "start_beat": _r(tc.start_ticks / tpb),
            "duration_beats": _r(tc.duration_ticks / tpb),
        }
        for tc in score.progression.chords
    ]
    melody = [
        {
            "pitch": n.pitch,
            "name": midi_to_name(n.pitch, key=key),
            "start_beat": _r(n.start_ticks / tpb),
            "duration_beats": _r(n.duration_ticks / tpb),
            "velocity": n.velocity,
        }
        for n in score.melody.notes
    ]
    tracks = [
        {
            "name": t.name,
            "program": t.program,
            "instrument": "Percussion" if t.is_drum else GM_NAMES.get(t.program, f"GM {t.program}"),
            "channel": t.channel,
            "notes": len(t.notes),
        }
        for t in score.tracks
    ]
    from image2music.rendering.words import content_words, feeling_words

    mood = describe(features)
    seen = content_words(features)
    feeling = feeling_words(emotion)
    pitched = [str(t["instrument"]).lower() for t in tracks if t["instrument"] != "Percussion"]
    kit = arrangement.drum_kit if arrangement is not None else None
    drums = any(t["instrument"] == "Percussion" for t in tracks)
    sound = ", ".join(pitched) + (f" and {kit or 'light'} drums" if drums else "")
    summary = (
        f"{mood} picture → valence {emotion.valence:+.2f}, arousal {emotion.arousal:+.2f} "
        f"({emotion.top_category or 'no category'}) → {key_name(key)}, "
        f"{score.tempo_bpm:.0f} bpm, {sound}"
    )
    ending_bars = 0
    tempo_word = "slow" if score.tempo_bpm < 80 else "fast" if score.tempo_bpm > 120 else "moderate"
    light = "bright" if key.mode in ("major", "lydian", "mixolydian") else "dark"
    picture = f"{seen} ({mood})" if seen else f"a {mood} picture"
    why = [
        f"{picture}: {feeling} → {light} {key.mode}, {tempo_word} {score.tempo_bpm:.0f} bpm",
        summary,
        *plan.reasons,
    ]
    extra: dict[str, Any] = {}
    if arrangement is not None:
        from image2music.arrangement.form import ENDING_BARS

        ending_bars = ENDING_BARS
        extra["arrangement"] = arrangement.to_report(score.progression.bar_ticks)
        why += arrangement.reasons()
    for section in sections or ():
        into = section["transition"]
        why.append(
            f"section {section['index'] + 1} ({section['source']}, {section['start_sec']:.2f}"
            f"–{section['end_sec']:.2f} s): {section['key']}, {section['tempo_bpm']:.0f} bpm"
            + (f", entered by {into['name']}" if into else "")
        )
    if synth is not None:
        extra.setdefault("arrangement", {})["synth"] = synth.to_report()
        why.append(f"audio: {synth.name} with {synth.soundfont.name} ({synth.reason})")
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "image2music", "version": __version__},
        "title": score.title,
        "image": {
            "name": image.name,
            "sha256": image.sha256,
            "format": features.format,
            "width_px": features.width_px,
            "height_px": features.height_px,
            "description": mood,
            "palette": [
                {"hex": c.hex, "rgb": list(c.rgb), "share": _r(c.share)} for c in features.palette
            ],
            "features": {
                "brightness": _r(features.brightness),
                "saturation": _r(features.saturation),
                "warmth": _r(features.warmth),
                "colourfulness": _r(features.colourfulness, 2),
                "contrast": _r(features.contrast),
                "edge_density": _r(features.edge_density),
                "texture": _r(features.texture),
                "hue_histogram": [_r(v) for v in features.hue_histogram],
            },
            "entities": [
                {
                    "label": e.label,
                    "confidence": _r(e.confidence, 3),
                    "box": list(e.box) if e.box is not None else None,
                }
                for e in features.entities
            ],
            "content": _content(features, seen),
        },
        "emotion": {
            "valence": _r(emotion.valence),
            "arousal": _r(emotion.arousal),
            "dominance": _r(emotion.dominance),
            "quadrant": emotion.quadrant,
            "top_category": emotion.top_category,
            "categories": {k: _r(v) for k, v in emotion.categories.items()},
            "source": emotion.source,
        },
        "key": key_name(key),
        "tonic": pc_to_name(key.tonic_pc, key=key),
        "mode": key.mode,
        "tempo_bpm": _r(score.tempo_bpm, 2),
        "time_signature": str(score.progression.time_signature),
        "bars": score.progression.bars - ending_bars,
        "duration_sec": _r(score.duration_sec, 3),
        "requested_duration_sec": None if requested_sec is None else _r(requested_sec, 3),
        "ticks_per_beat": tpb,
        "chords": chords,
        "melody": melody,
        "tracks": tracks,
        "seed": seed,
        "options": dict(options),
        "models": {stage: {"name": m.name, "version": m.version} for stage, m in models.items()},
        **extra,
        **({} if video is None else {"video": dict(video)}),
        **({} if sections is None else {"sections": [dict(s) for s in sections]}),
        "why": why,
    }


def report_json(report: Mapping[str, Any]) -> str:
    """Serialise a report deterministically (sorted keys off, two-space indent, UTF-8)."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
