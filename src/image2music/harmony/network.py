"""The harmony network at inference time: an emotion-conditioned GRU run with onnxruntime.

:class:`NetworkHarmony` writes a chord progression for an emotion in a key.
The network (trained by :mod:`image2music.training.networks`, model card
``docs/model-cards/harmony.md``) reads, at every half-bar step, the previous
key-relative chord, the step's position in bar and phrase and the
conditioning inputs (valence, arousal, minor third; they also set its initial
state), and gives logits for the next chord. The decoder
(:mod:`.decoding`) masks them with the pop-harmony conventions of
:mod:`.constraints` (tonic first, cadence to the tonic last), applies
temperature and top-p, and draws from the seeded generator. The ids are then
realised in the requested key with :func:`image2music.theory.from_relative`.

This module never imports torch; onnxruntime is imported when the first
progression is written, and its session is shared by the whole process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ConfigError
from image2music.harmony.base import BAR_COUNTS
from image2music.harmony.colour import HarmonyRules
from image2music.harmony.constraints import is_minor_mode
from image2music.harmony.decoding import decode, tokens_to_progression
from image2music.harmony.grid import STEPS_PER_BAR, condition_vector, position_features
from image2music.harmony.model_files import FILES, ONNX_INPUTS, HarmonyModelInfo
from image2music.onnx_models import StepNetwork
from image2music.types import COMMON_TIME, Emotion, Key, Progression, TimeSignature

__all__ = [
    "DEFAULT_RULES",
    "GRU_MODEL_NAME",
    "GruNetworkHarmony",
    "NetworkHarmony",
    "OnnxStepModel",
    "score_sequences",
]

#: File stem of the GRU harmony model, shipped beside the default (a transformer).
GRU_MODEL_NAME = "harmony-gru"

#: The rules of :mod:`.colour` that :class:`NetworkHarmony` decodes with.
DEFAULT_RULES = HarmonyRules()


class OnnxStepModel(StepNetwork):
    """The ONNX network fed one chord at a time (implements :class:`~.decoding.StepModel`)."""

    def __init__(self, info: HarmonyModelInfo) -> None:
        super().__init__(info, ONNX_INPUTS, "harmony model")

    def start(self, n_steps: int, condition: NDArray[np.float32]) -> None:
        """Begin a sequence of ``n_steps`` steps with these conditioning inputs."""
        self.begin({"position": position_features(n_steps)}, condition)


def score_sequences(
    info: HarmonyModelInfo,
    inputs: NDArray[np.int64],
    condition: NDArray[np.float32],
    n_steps: NDArray[np.int64],
) -> NDArray[np.float32]:
    """Teacher-forced logits for a batch of sequences (one ONNX call).

    Args:
        info: The model.
        inputs: ``(B, T)`` ids fed at each step (``BOS`` then the previous chords;
            padding after each sequence's end is ignored).
        condition: ``(B, C)`` conditioning inputs.
        n_steps: ``(B,)`` true length of each sequence (for the position inputs).

    Returns:
        ``(B, T, vocabulary)`` logits.
    """
    b, t = inputs.shape
    position = np.zeros((b, t, len(position_features(1)[0])), dtype=np.float32)
    for i, n in enumerate(n_steps):
        position[i, : int(n)] = position_features(int(n))[:t]
    net = StepNetwork(info, ONNX_INPUTS, "harmony model")
    logits: NDArray[np.float32] = net.score(inputs, {"position": position}, condition)
    return logits


class NetworkHarmony:
    """Chord progressions from the emotion-conditioned GRU (ONNX).

    Args:
        model_path: The ``.onnx`` file (default: the shipped model).
        temperature: Sampling temperature, >= 0 (0 = always the likeliest chord).
        top_p: Nucleus mass, in (0, 1].
        mode_bias: Logit bonus of in-scale chords for church modes (dorian,
            phrygian, lydian, mixolydian, locrian); 0 turns it off.
        rules: Realistic dominants, ``vi``, no loops and valence colour
            (:mod:`.colour`; default :data:`DEFAULT_RULES`); ``None``: the
            network alone.

    Raises:
        ModelError: If the model files are missing or incompatible.
    """

    name = "network-harmony"

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        temperature: float = 1.0,
        top_p: float = 0.95,
        mode_bias: float = 1.5,
        rules: HarmonyRules | None = DEFAULT_RULES,
    ) -> None:
        if temperature < 0 or not 0.0 < top_p <= 1.0:
            raise ConfigError(
                f"need temperature >= 0 and 0 < top_p <= 1, got {temperature}, {top_p}"
            )
        self.info = FILES.cached(model_path)
        self.version = self.info.version
        self.temperature = temperature
        self.top_p = top_p
        self.mode_bias = mode_bias
        self.rules = rules

    def sample_tokens(
        self, valence: float, arousal: float, mode: str, bars: int, rng: np.random.Generator
    ) -> list[int]:
        """Key-relative chord ids of one progression, one per half bar.

        Args:
            valence: In [-1, 1].
            arousal: In [-1, 1].
            mode: A key of :data:`image2music.types.MODES`.
            bars: Length in bars.
            rng: Seeded generator.

        Returns:
            ``2 * bars`` chord ids.
        """
        cond = condition_vector(valence, arousal, is_minor_mode(mode))
        return decode(
            OnnxStepModel(self.info),
            STEPS_PER_BAR * bars,
            mode,
            cond,
            rng,
            temperature=self.temperature,
            top_p=self.top_p,
            mode_bias_strength=self.mode_bias,
            valence=valence,
            rules=self.rules,
        )

    def generate(
        self,
        emotion: Emotion,
        key: Key,
        bars: int,
        rng: np.random.Generator,
        time_signature: TimeSignature = COMMON_TIME,
    ) -> Progression:
        """Generate a progression.

        Args:
            emotion: Its valence and arousal condition the network.
            key: Key and mode; the mode's third sets the network's minor input
                and the mode selects the tonic and cadence sets.
            bars: Length in bars: 4, 8 or 16.
            rng: Seeded random generator (one number per half bar).
            time_signature: Metre; each bar is split into two halves.

        Returns:
            A progression with one or two chords a bar that opens on the tonic
            and closes with a cadence to it.

        Raises:
            ConfigError: If ``bars`` is not 4, 8 or 16.
        """
        if bars not in BAR_COUNTS:
            raise ConfigError(f"bars must be one of {BAR_COUNTS}, got {bars}")
        tokens = self.sample_tokens(emotion.valence, emotion.arousal, key.mode, bars, rng)
        return tokens_to_progression(tokens, key, bars, time_signature)


class GruNetworkHarmony(NetworkHarmony):
    """The harmony network with the GRU core (``--harmony network-gru``).

    The default network (``harmony.onnx``) is the small transformer, which
    predicts the next chord a little better on the held-out test; the GRU
    (``harmony-gru.onnx``) stays selectable. Arguments as :class:`NetworkHarmony`.
    """

    name = "network-harmony-gru"

    def __init__(self, model_path: Path | str | None = None, **kwargs: Any) -> None:
        from image2music.onnx_models import MODELS_DIR

        super().__init__(model_path or MODELS_DIR / f"{GRU_MODEL_NAME}.onnx", **kwargs)
