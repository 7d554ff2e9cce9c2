"""What is each network's own in training: its examples, tensors, figures and sidecar.

Both networks train through the same core (:mod:`.sequence_model`, :mod:`.loop`,
:mod:`.run`); a network is a :class:`~.run.NetworkRun` built here:

* **harmony**: half-bar chord sequences; chords are scored, ``N``/``UNK`` and
  padding are not; the per-step input is the position; figures renormalise the
  probabilities over real chords and are also taken with valence and arousal
  withheld;
* **melody**: 16th-note ids (onset, ``HOLD``, ``REST``) over the chords; every
  id but padding is scored; the per-step inputs are the chords and the
  position; figures add the top-1 accuracy on note onsets.

A later network (bass, drums) is one more entry: its examples, its scored ids,
its per-step inputs and its decoding settings.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.harmony import grid as harmony_grid
from image2music.harmony import model_files as harmony_files
from image2music.harmony.network import DEFAULT_RULES
from image2music.harmony.tokens import FIRST_CHORD_ID
from image2music.melody import grid as melody_grid
from image2music.melody import model_files as melody_files
from image2music.melody.constraints import DecodingSettings
from image2music.melody.tokens import FIRST_NOTE_ID, PAD
from image2music.sequences.dataset import HarmonyExamples, PhraseSource, load_examples
from image2music.sequences.melody_dataset import MelodyExamples, load_melody_examples
from image2music.training.loop import (
    SequenceTensors,
    evaluate_sequences,
    per_sequence,
    teacher_forcing,
)
from image2music.training.run import NetworkRun
from image2music.training.sequence_model import SequenceModel

__all__ = [
    "HARMONY_RUN",
    "MELODY_RUN",
    "RUNS",
    "evaluate_harmony_model",
    "evaluate_melody_model",
    "harmony_tensors",
    "melody_tensors",
]


def _position(n_steps: NDArray[np.int64], t: int, features: Any) -> NDArray[np.float32]:
    return per_sequence(n_steps, t, features(1).shape[1], lambda _i, k: features(k))


def harmony_tensors(ex: HarmonyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of harmony examples: chords scored, ``N``/``UNK``/padding not."""
    position = _position(ex.n_steps, ex.tokens.shape[1], harmony_grid.position_features)
    scored = ex.tokens >= FIRST_CHORD_ID
    return teacher_forcing(ex.tokens, ex.n_steps, scored, (position,), condition)


def melody_tensors(ex: MelodyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of melody examples: every id but padding scored."""
    t = ex.melody.shape[1]
    chord_features = melody_grid.chord_features
    n_chord = chord_features(np.zeros(1, dtype=np.int64)).shape[1]
    chords = per_sequence(ex.n_steps, t, n_chord, lambda i, k: chord_features(ex.chords[i, :k]))
    position = _position(ex.n_steps, t, melody_grid.position_features)
    return teacher_forcing(ex.melody, ex.n_steps, ex.melody != PAD, (chords, position), condition)


def evaluate_harmony_model(
    model: SequenceModel, data: SequenceTensors, batch_size: int = 512
) -> dict[str, float]:
    """Loss, perplexity and top-1, renormalised over real chords (as in the evaluation)."""
    return evaluate_sequences(model, data, first_id=FIRST_CHORD_ID, batch_size=batch_size)


def evaluate_melody_model(
    model: SequenceModel, data: SequenceTensors, batch_size: int = 256
) -> dict[str, float]:
    """Loss, perplexity and top-1 per step, and top-1 on note onsets."""
    return evaluate_sequences(model, data, onsets_from=FIRST_NOTE_ID, batch_size=batch_size)


def _load_harmony(corpus: PhraseSource, split: str, permissive: bool) -> HarmonyExamples:
    return load_examples(corpus, split, permissive_only=permissive)


def _load_melody(corpus: PhraseSource, split: str, permissive: bool) -> MelodyExamples:
    return load_melody_examples(corpus, split, permissive_only=permissive)


def _own(ex: HarmonyExamples) -> HarmonyExamples:
    return ex


def _melody_harmony(ex: MelodyExamples) -> HarmonyExamples:
    return ex.harmony


def _inputs(grid: Any) -> dict[str, Any]:
    """The sidecar fields naming a network's inputs (chord features only where it has them)."""
    names = ("chord_features", "position_features", "condition_names")
    return {n: list(getattr(grid, n.upper())) for n in names if hasattr(grid, n.upper())}


#: Decoding settings recorded in the harmony sidecar (the defaults of
#: :class:`~image2music.harmony.network.NetworkHarmony`).
_HARMONY_DECODING: dict[str, Any] = {
    "grid": "one chord per half bar (2 quarter-note beats); 1 or 2 chords a bar",
    "temperature": 1.0,
    "top_p": 0.95,
    "mode_bias": 1.5,
    "constraints": "opens on the tonic (I/Imaj7, i/i7); last step repeats the opening "
    "tonic; first half of the last bar from the cadence set (V, V7, Vsus4, V7sus4, IV, "
    "IVmaj7, iv, bVII; minor: V, V7, Vsus4, V7sus4, v, v7, iv, iv7, bVII; church modes "
    "add their own) or the tonic after a cadence chord",
    "rules": asdict(DEFAULT_RULES),
    "rules_text": "image2music.harmony.colour: raised V/V7 in minor, vi in major, no v -> bVI "
    "in minor, at least three chords in every four bars, chord colour from valence",
}

#: Decoding settings recorded in the melody sidecar (the defaults of
#: :class:`~image2music.melody.network.NetworkMelody`).
_MELODY_DECODING: dict[str, Any] = {
    "grid": "one id per 16th note: note onset (key-relative pitch), HOLD or REST",
    **asdict(DecodingSettings()),
    "constraints": "see image2music.melody.constraints: chord tones favoured on beats 1 and 3 "
    "(appoggiaturas allowed), non-chord tones resolve by step, syncopation, no stutter, "
    "range window from arousal and valence, thirds and leaps from valence, stable tones at "
    "phrase ends, tonic held at the end, density and contour biases, bars 5-7 echo bars 1-3",
}

#: The harmony network, as the run driver sees it (also scored with the emotion withheld).
HARMONY_RUN = NetworkRun("harmony", harmony_files.FORMAT, _load_harmony, _own, harmony_tensors,
                         evaluate_harmony_model, _inputs(harmony_grid), _HARMONY_DECODING,
                         harmony_files.default_model_path, score_withheld=True)  # fmt: skip

#: The melody network, as the run driver sees it.
MELODY_RUN = NetworkRun("melody", melody_files.FORMAT, _load_melody, _melody_harmony,
                        melody_tensors, evaluate_melody_model, _inputs(melody_grid),
                        _MELODY_DECODING, melody_files.default_model_path)  # fmt: skip

#: Every trainable network, by kind.
RUNS: dict[str, NetworkRun] = {"harmony": HARMONY_RUN, "melody": MELODY_RUN}
