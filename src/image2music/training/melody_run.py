"""Training the melody network: its run description over the one run driver.

:data:`MELODY_RUN` gives :func:`image2music.training.run.run_network` the
melody network's examples (16th-note melody ids over chords), tensors,
figures, sidecar inputs and decoding settings.
"""

from __future__ import annotations

from typing import Any

from image2music.melody.grid import CHORD_FEATURES, CONDITION_NAMES, POSITION_FEATURES
from image2music.melody.model_files import FORMAT, default_model_path
from image2music.sequences.dataset import HarmonyExamples
from image2music.sequences.melody_dataset import MelodyExamples, load_melody_examples
from image2music.training.melody_train import (
    evaluate_melody_model,
    make_melody_tensors,
)
from image2music.training.run import NetworkRun

__all__ = ["DECODING_DEFAULTS", "MELODY_RUN"]

#: Decoding settings recorded in the sidecar (the defaults of
#: :class:`~image2music.melody.network.NetworkMelody`).
DECODING_DEFAULTS: dict[str, Any] = {
    "grid": "one id per 16th note: note onset (key-relative pitch), HOLD or REST",
    "temperature": 0.9,
    "top_p": 0.92,
    "constraints": "see image2music.melody.constraints: chord tones on beats 1 and 3 (upper "
    "tones favoured), step bias, range window from arousal, stable tones at phrase ends, "
    "tonic held at the end, density and contour biases, bars 5-7 echo bars 1-3",
}


def _harmony(ex: MelodyExamples) -> HarmonyExamples:
    return ex.harmony


#: The melody network, as the run driver sees it.
MELODY_RUN = NetworkRun(
    kind="melody",
    format=FORMAT,
    load=lambda corpus, split, permissive: load_melody_examples(
        corpus, split, permissive_only=permissive
    ),
    harmony=_harmony,
    tensors=make_melody_tensors,
    evaluate=evaluate_melody_model,
    inputs={
        "chord_features": list(CHORD_FEATURES),
        "position_features": list(POSITION_FEATURES),
        "condition_names": list(CONDITION_NAMES),
    },
    decoding=DECODING_DEFAULTS,
    default_install=default_model_path,
)
