"""The melody network at inference time: a chord- and emotion-conditioned GRU run with onnxruntime.

:class:`NetworkMelody` writes the main melody over a progression. The network
(trained by :mod:`image2music.training.networks`, model card
``docs/model-cards/melody.md``) reads, at every 16th-note step, the previous
melody id, the current and next chord (key-relative), the position in bar
and phrase and the emotion (valence, arousal, minor; they also set its
initial state), and gives logits for the step's id: a key-relative pitch with
octave, ``HOLD`` or ``REST``. The decoder (:mod:`.decoding`) adds the rules of
:mod:`.constraints` and the echo of bars 1-3 in bars 5-7, and draws from the
seeded generator.

This module never imports torch; onnxruntime is imported when the first
melody is written, and its session is shared by the whole process. Metres
other than 4/4 fall back to the rule-based
:class:`~image2music.baseline.melody.BaselineMelody`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.constraints import is_minor_mode
from image2music.melody.constraints import DecodingSettings
from image2music.melody.decoding import decode, tokens_to_melody
from image2music.melody.grid import chord_features, condition_vector, position_features
from image2music.melody.model_files import FILES, ONNX_INPUTS, MelodyModelInfo
from image2music.onnx_models import StepNetwork
from image2music.types import Emotion, Melody, Progression

__all__ = ["NetworkMelody", "OnnxMelodyStepModel", "score_melodies"]


class OnnxMelodyStepModel(StepNetwork):
    """The ONNX network fed one id at a time (implements :class:`~.decoding.StepModel`)."""

    def __init__(self, info: MelodyModelInfo) -> None:
        super().__init__(info, ONNX_INPUTS, "melody model")

    def start(self, chords: NDArray[np.integer], condition: NDArray[np.float32]) -> None:
        """Begin a melody over these per-step chord ids with these conditioning inputs."""
        steps = {"chords": chord_features(chords), "position": position_features(len(chords))}
        self.begin(steps, condition)


def score_melodies(
    info: MelodyModelInfo,
    inputs: NDArray[np.int64],
    chords: NDArray[np.int64],
    condition: NDArray[np.float32],
) -> NDArray[np.float32]:
    """Teacher-forced logits of a batch of equally long melodies (one ONNX call).

    Args:
        info: The model.
        inputs: ``(B, T)`` ids fed at each step (``BOS`` then the previous ids).
        chords: ``(B, T)`` key-relative chord ids of every step.
        condition: ``(B, C)`` conditioning inputs.

    Returns:
        ``(B, T, vocabulary)`` logits.
    """
    b, t = inputs.shape
    steps = {
        "chords": np.stack([chord_features(c) for c in chords]),
        "position": np.broadcast_to(position_features(t), (b, *position_features(t).shape)),
    }
    net = StepNetwork(info, ONNX_INPUTS, "melody model")
    logits: NDArray[np.float32] = net.score(inputs, steps, condition)
    return logits


class NetworkMelody:
    """Melodies from the chord- and emotion-conditioned GRU (ONNX) with musical rules.

    Args:
        model_path: The ``.onnx`` file (default: the shipped model).
        settings: Sampling temperature, top-p and rule weights
            (:class:`~.constraints.DecodingSettings`).

    Raises:
        ModelError: If the model files are missing or incompatible.
    """

    name = "network-melody"

    def __init__(
        self, model_path: Path | str | None = None, *, settings: DecodingSettings | None = None
    ) -> None:
        self.info = FILES.cached(model_path)
        self.version = self.info.version
        self.settings = settings or DecodingSettings()

    def sample_tokens(
        self, progression: Progression, valence: float, arousal: float, rng: np.random.Generator
    ) -> list[int]:
        """Melody ids of a 4/4 progression, one per 16th step.

        Args:
            progression: The chords (4/4).
            valence: In [-1, 1].
            arousal: In [-1, 1].
            rng: Seeded generator.

        Returns:
            ``16 * bars`` melody ids.
        """
        cond = condition_vector(valence, arousal, is_minor_mode(progression.key.mode))
        return decode(
            OnnxMelodyStepModel(self.info),
            progression,
            valence,
            arousal,
            cond,
            rng,
            self.settings,
        )

    def generate(
        self, progression: Progression, emotion: Emotion, rng: np.random.Generator
    ) -> Melody:
        """Generate a melody over ``progression``.

        Args:
            progression: The chords; its key, metre and length frame the melody.
            emotion: Valence and arousal condition the network and the rules
                (density, register, contour, leaps, velocity).
            rng: Seeded random generator.

        Returns:
            A monophonic melody spanning the progression, ending on the tonic.
        """
        ts = progression.time_signature
        if (ts.numerator, ts.denominator) != (4, 4) or progression.ticks_per_beat % 4:
            from image2music.baseline.melody import BaselineMelody

            return BaselineMelody().generate(progression, emotion, rng)
        tokens = self.sample_tokens(progression, emotion.valence, emotion.arousal, rng)
        return tokens_to_melody(tokens, progression, emotion.arousal, rng)
