"""``image2music evaluate harmony``: the network beside an n-gram model and the baseline.

On the held-out ``test`` split (4/4 phrases, permissive licences, the
half-bar grid of the training data; see :mod:`image2music.sequences.dataset`):

1. **Next-chord prediction** (teacher forcing, every step whose target is a
   real chord): top-1 and top-5 accuracy and perplexity, on all steps and on
   chord changes only (:mod:`.metrics`), for

   * the network with the phrase's own proxy labels (how it was trained; the
     labels are computed from the phrase's chords, so they leak some of what
     is predicted, e.g. how often the chord changes),
   * the network with the emotion withheld (valence = arousal = 0, as
     training withholds it for a quarter of the sequences; only the mode,
     which a user or the plan fixes, is the phrase's own): the fair comparison
     with models that get no labels,
   * an interpolated Kneser–Ney n-gram (:mod:`.ngram`) trained on the same
     ``train`` sequences, its order picked on ``valid``,
   * the baseline composer as a bigram of its own output (:mod:`.baseline_model`).

2. **Generated progressions** (8 bars, conditions of randomly drawn 8-bar test
   phrases): chord-family shares, harmonic rhythm, distinct chords,
   transition entropy and divergence from the real test phrases
   (:mod:`.progression_stats`) for the network, the n-gram model decoded
   under the same constraints, the baseline, and the real phrases.

3. **Response to the emotion**: the network's (and the baseline's) major-chord
   share at valence +0.8 and -0.8, and harmonic rhythm and tension share at
   arousal +0.8 and -0.8 (C major, 8 bars, many seeds).

Torch is not needed: the network runs with onnxruntime.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import DataError
from image2music.evaluation.baseline_model import BaselineBigram
from image2music.evaluation.metrics import NextChordScores
from image2music.evaluation.ngram import KneserNeyNgram, NgramStepModel
from image2music.evaluation.progression_stats import progression_statistics
from image2music.harmony.decoding import decode, progression_to_tokens
from image2music.harmony.grid import STEPS_PER_BAR, condition_vector
from image2music.harmony.model_files import HarmonyModelInfo, load_model_info
from image2music.harmony.network import NetworkHarmony, score_sequences
from image2music.harmony.tokens import BOS, CHORD_IDS, FIRST_CHORD_ID
from image2music.sequences.dataset import HarmonyExamples, PhraseSource, load_examples
from image2music.sequences.labels import LabelScaler
from image2music.types import Emotion, Key

__all__ = ["EvalConfig", "evaluate_harmony"]

#: A published GRU chord model's own figures, for reference only (other data).
PUBLISHED_REFERENCE = {"top1": 0.60, "perplexity": 4.2}


@dataclass(frozen=True)
class EvalConfig:
    """Settings of the evaluation.

    Attributes:
        ngram_orders: n-gram orders tried (the best on ``valid`` is reported).
        baseline_k: Add-k values tried for the baseline bigram.
        generated: Number of 8-bar progressions generated per model.
        response_samples: Progressions per emotion point of the response figures.
        seed: Seed of the sampling.
        permissive_only: Use only permissively licensed songs (as the shipped model).
    """

    ngram_orders: tuple[int, ...] = (2, 3, 4, 5, 6)
    baseline_k: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
    generated: int = 300
    response_samples: int = 100
    seed: int = 0
    permissive_only: bool = True


def _score(
    ex: HarmonyExamples, probs_of: Callable[[int, NDArray[np.int64]], NDArray[np.float64]]
) -> NextChordScores:
    scores = NextChordScores()
    for i, seq in enumerate(ex.sequences()):
        probs = probs_of(i, seq)[: len(seq)]
        prev = np.concatenate([[BOS], seq[:-1]])
        sel = seq >= FIRST_CHORD_ID
        if not sel.any():
            continue
        change = (prev >= FIRST_CHORD_ID) & (prev != seq)
        scores.add_batch(probs[sel], seq[sel] - FIRST_CHORD_ID, change[sel])
    return scores


def _network_probs(
    info: HarmonyModelInfo, ex: HarmonyExamples, condition: NDArray[np.float32]
) -> NDArray[np.float64]:
    n, t = ex.tokens.shape
    inputs = np.zeros((n, t), dtype=np.int64)
    inputs[:, 0] = BOS
    inputs[:, 1:] = ex.tokens[:, :-1]
    out = np.zeros((n, t, len(CHORD_IDS)), dtype=np.float64)
    for lo in range(0, n, 256):
        hi = min(lo + 256, n)
        logits = score_sequences(info, inputs[lo:hi], condition[lo:hi], ex.n_steps[lo:hi])
        z = logits[..., FIRST_CHORD_ID:].astype(np.float64)
        z -= z.max(axis=-1, keepdims=True)
        p = np.exp(z)
        out[lo:hi] = p / p.sum(axis=-1, keepdims=True)
    return out


def _perplexity(scores: NextChordScores) -> float:
    return scores.summary()["perplexity"]


def _pick_ngram(
    train: HarmonyExamples, valid: HarmonyExamples, orders: tuple[int, ...]
) -> KneserNeyNgram:
    seqs = [s.tolist() for s in train.sequences()]
    best: tuple[float, KneserNeyNgram] | None = None
    for n in orders:
        model = KneserNeyNgram(n).fit(seqs)
        ppl = _perplexity(_score(valid, _ngram_scorer(model)))
        if best is None or ppl < best[0]:
            best = (ppl, model)
    if best is None:
        raise DataError("no n-gram order to try")
    return best[1]


def _ngram_scorer(
    model: KneserNeyNgram,
) -> Callable[[int, NDArray[np.int64]], NDArray[np.float64]]:
    def rows(_i: int, seq: NDArray[np.int64]) -> NDArray[np.float64]:
        return _ngram_rows(model, seq)

    return rows


def _table_scorer(
    probs: NDArray[np.float64],
) -> Callable[[int, NDArray[np.int64]], NDArray[np.float64]]:
    def rows(i: int, _seq: NDArray[np.int64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = probs[i]
        return out

    return rows


def _ngram_rows(model: KneserNeyNgram, seq: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.stack([model.distribution(seq[:i].tolist()) for i in range(len(seq))])


def _pick_baseline(valid: HarmonyExamples, ks: tuple[float, ...]) -> BaselineBigram:
    model = BaselineBigram()
    best_k, best_ppl = ks[0], math.inf
    for k in ks:
        model.k = k
        ppl = _perplexity(
            _score(
                valid,
                lambda i, s: model.sequence_distributions(s.tolist(), bool(valid.minor[i])),
            )
        )
        if ppl < best_ppl:
            best_k, best_ppl = k, ppl
    model.k = best_k
    return model


def _mode(minor: bool) -> str:
    return "minor" if minor else "major"


def _generated(
    test: HarmonyExamples,
    condition: NDArray[np.float32],
    network: NetworkHarmony,
    ngram: KneserNeyNgram,
    cfg: EvalConfig,
) -> dict[str, dict[str, float]]:
    bars = 8
    n_steps = STEPS_PER_BAR * bars
    full = [
        i
        for i, (k, seq) in enumerate(zip(test.n_steps, test.sequences(), strict=True))
        if int(k) == n_steps and bool((seq >= FIRST_CHORD_ID).all())
    ]
    if not full:
        return {}
    rng = np.random.default_rng(cfg.seed)
    pick = rng.choice(full, size=min(cfg.generated, len(full)), replace=False)
    real = [test.tokens[i, :n_steps].tolist() for i in pick]
    minor = [bool(test.minor[i]) for i in pick]
    net_rng, ng_rng, base_rng = (np.random.default_rng(s) for s in rng.spawn(3))
    net, ng, base = [], [], []
    ng_model = NgramStepModel(ngram)
    from image2music.baseline.harmony import BaselineHarmony

    baseline = BaselineHarmony()
    for i, m in zip(pick, minor, strict=True):
        v, a = float(condition[i, 0]), float(condition[i, 1])
        net.append(network.sample_tokens(v, a, _mode(m), bars, net_rng))
        cond = condition_vector(v, a, m)
        ng.append(decode(ng_model, n_steps, _mode(m), cond, ng_rng, temperature=1.0, top_p=0.95))
        key = Key(9, "minor") if m else Key(0, "major")
        base.append(progression_to_tokens(baseline.generate(Emotion(v, a), key, bars, base_rng)))
    return {
        "real": progression_statistics(real, minor, real),
        "network": progression_statistics(net, minor, real),
        "ngram": progression_statistics(ng, minor, real),
        "baseline": progression_statistics(base, minor, real),
    }


def _response(network: NetworkHarmony, cfg: EvalConfig) -> dict[str, dict[str, float]]:
    """Figures of generated progressions at fixed emotions, mode held fixed.

    Valence at five levels (arousal 0) and arousal at two (valence 0), in C
    major and A minor, for the network (with its rules) and the baseline:
    major, tension and harmonic-rhythm shares, and the mean
    :func:`~image2music.harmony.colour.brightness` of the chords, which shows
    whether valence moves the harmony within one mode.
    """
    from image2music.baseline.harmony import BaselineHarmony
    from image2music.harmony.colour import brightness

    baseline = BaselineHarmony()
    points = {f"valence{v:+.1f}": (v, 0.0) for v in (-0.8, -0.4, 0.0, 0.4, 0.8)}
    points |= {"arousal+0.8": (0.0, 0.8), "arousal-0.8": (0.0, -0.8)}
    out: dict[str, dict[str, float]] = {}
    for mode, key in (("major", Key(0, "major")), ("minor", Key(9, "minor"))):
        for name, (v, a) in points.items():
            for who in ("network", "baseline"):
                rng = np.random.default_rng(cfg.seed)
                seqs = []
                for _ in range(cfg.response_samples):
                    if who == "network":
                        seqs.append(network.sample_tokens(v, a, mode, 8, rng))
                    else:
                        prog = baseline.generate(Emotion(v, a), key, 8, rng)
                        seqs.append(progression_to_tokens(prog))
                minor = mode == "minor"
                stats = progression_statistics(seqs, [minor] * len(seqs))
                row = {k: stats[k] for k in ("major_share", "changes_per_bar", "tension_share")}
                row["brightness"] = float(np.mean([brightness(x, minor) for s in seqs for x in s]))
                label = f"{who} {name}" if mode == "major" else f"{who} {name} minor"
                out[label] = row
    return out


def evaluate_harmony(
    corpus: PhraseSource,
    model_path: Path | str | None = None,
    config: EvalConfig | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the whole evaluation (see the module docstring).

    Args:
        corpus: The corpus (``load_corpus()``).
        model_path: The network's ``.onnx`` file (default: the shipped one).
        config: Settings (defaults when ``None``).
        on_stage: Called with a short description before each stage.

    Returns:
        A JSON-ready dict: ``model``, ``data``, ``next_chord`` (name -> figures),
        ``ngram_order``, ``baseline_k``, ``generated``, ``response``, ``reference``.

    Raises:
        DataError: If the test split has no usable phrase.
        ModelError: If the model files are missing or incompatible.
    """
    cfg = config or EvalConfig()

    def stage(text: str) -> None:
        if on_stage is not None:
            on_stage(text)

    stage("loading phrases")
    splits = {
        s: load_examples(corpus, s, permissive_only=cfg.permissive_only)
        for s in ("train", "valid", "test")
    }
    train, valid, test = splits["train"], splits["valid"], splits["test"]
    if len(test) == 0 or len(train) == 0:
        raise DataError(f"need train and test phrases, got {len(train)} and {len(test)}")
    if len(valid) == 0:
        valid = train
    info = load_model_info(model_path)
    scaler = LabelScaler.from_dict(info.sidecar["labels"])
    cond = scaler.conditions(test)
    neutral = cond.copy()
    neutral[:, :2] = 0.0

    results: dict[str, dict[str, float]] = {}
    stage("scoring the network")
    for name, c in (("network (phrase labels)", cond), ("network (emotion withheld)", neutral)):
        probs = _network_probs(info, test, c)
        results[name] = _score(test, _table_scorer(probs)).summary()
    stage("fitting the n-gram model")
    ngram = _pick_ngram(train, valid, cfg.ngram_orders)
    results[f"n-gram (order {ngram.order}, Kneser-Ney)"] = _score(
        test, _ngram_scorer(ngram)
    ).summary()
    stage("scoring the baseline")
    base = _pick_baseline(valid, cfg.baseline_k)
    results["baseline (bigram of its rules)"] = _score(
        test, lambda i, s: base.sequence_distributions(s.tolist(), bool(test.minor[i]))
    ).summary()

    network = NetworkHarmony(info.onnx_path)
    stage("generating progressions")
    generated = _generated(test, cond, network, ngram, cfg)
    stage("measuring the response to emotion")
    response = _response(network, cfg)
    return {
        "model": {"path": str(info.onnx_path), "version": info.version},
        "data": {
            "split": "test",
            "permissive_only": cfg.permissive_only,
            "phrases": {s: len(ex) for s, ex in splits.items()},
            "grid": "half bar (2 beats), 4/4",
        },
        "next_chord": results,
        "ngram_order": ngram.order,
        "baseline_k": base.k,
        "generated": generated,
        "response": response,
        "reference": {"published GRU (its own data)": PUBLISHED_REFERENCE},
    }
