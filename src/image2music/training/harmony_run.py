"""Training the harmony network: its run description over the one run driver.

:data:`HARMONY_RUN` gives :func:`image2music.training.run.run_network` the
harmony network's examples (half-bar chord sequences), tensors, figures
(scored also with valence and arousal withheld), sidecar inputs and decoding
settings.
"""

from __future__ import annotations

from typing import Any

from image2music.harmony.grid import CONDITION_NAMES, POSITION_FEATURES
from image2music.harmony.model_files import FORMAT, default_model_path
from image2music.sequences.dataset import HarmonyExamples, load_examples
from image2music.training.harmony_train import evaluate_model, make_tensors
from image2music.training.run import NetworkRun, RunSummary

__all__ = ["DECODING_DEFAULTS", "HARMONY_RUN", "RunSummary"]

#: Decoding settings recorded in the sidecar (the defaults of
#: :class:`~image2music.harmony.network.NetworkHarmony`).
DECODING_DEFAULTS: dict[str, Any] = {
    "grid": "one chord per half bar (2 quarter-note beats); 1 or 2 chords a bar",
    "temperature": 1.0,
    "top_p": 0.95,
    "mode_bias": 1.5,
    "constraints": "opens on the tonic (I/Imaj7, i/i7); last step repeats the opening "
    "tonic; first half of the last bar from the cadence set (V, V7, Vsus4, V7sus4, IV, "
    "IVmaj7, iv, bVII; minor: V, V7, Vsus4, V7sus4, v, v7, iv, iv7, bVII; church modes add "
    "their own) or the tonic after a cadence chord",
}


def _same(ex: HarmonyExamples) -> HarmonyExamples:
    return ex


#: The harmony network, as the run driver sees it.
HARMONY_RUN = NetworkRun(
    kind="harmony",
    format=FORMAT,
    load=lambda corpus, split, permissive: load_examples(corpus, split, permissive_only=permissive),
    harmony=_same,
    tensors=make_tensors,
    evaluate=evaluate_model,
    inputs={
        "position_features": list(POSITION_FEATURES),
        "condition_names": list(CONDITION_NAMES),
    },
    decoding=DECODING_DEFAULTS,
    default_install=default_model_path,
    score_withheld=True,
)
