"""The n-gram yardstick, the baseline's predictive model, the metrics, ``evaluate harmony``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.errors import ConfigError, ModelError
from image2music.evaluation.baseline_model import BaselineBigram
from image2music.evaluation.harmony_eval import EvalConfig, evaluate_harmony
from image2music.evaluation.metrics import NextChordScores
from image2music.evaluation.ngram import KneserNeyNgram, NgramStepModel
from image2music.evaluation.progression_stats import js_divergence, progression_statistics
from image2music.harmony.decoding import decode
from image2music.harmony.grid import condition_vector
from image2music.harmony.tokens import BOS, FIRST_CHORD_ID, chord_id

from .conftest import FakeCorpus

runner = CliRunner()
C, G, AM, F = chord_id(0, "maj"), chord_id(7, "maj"), chord_id(9, "min"), chord_id(5, "maj")


def test_ngram_distributions_are_proper_and_learn_the_data() -> None:
    seqs = [[C, G, AM, F] * 4 for _ in range(10)]
    for order in (1, 2, 3, 4):
        model = KneserNeyNgram(order).fit(seqs)
        for hist in ([], [C], [C, G], [F, F, F], [3, 4]):
            p = model.distribution(hist)
            assert p.shape == (204,) and abs(p.sum() - 1) < 1e-9 and p.min() > 0
    tri = KneserNeyNgram(3).fit(seqs)
    assert int(np.argmax(tri.distribution([C, G]))) + FIRST_CHORD_ID == AM
    assert int(np.argmax(tri.distribution([]))) + FIRST_CHORD_ID == C  # after BOS
    # an unseen context backs off to the lower orders instead of failing
    assert int(np.argmax(tri.distribution([AM, AM]))) + FIRST_CHORD_ID == F
    with pytest.raises(ModelError):
        KneserNeyNgram(2).distribution([])
    with pytest.raises(ConfigError):
        KneserNeyNgram(0)


def test_ngram_decodes_under_the_constraints() -> None:
    model = NgramStepModel(KneserNeyNgram(3).fit([[C, C, G, G, AM, AM, F, F, G, C]] * 5))
    rng = np.random.default_rng(0)
    toks = decode(model, 8, "major", condition_vector(0, 0, False), rng, top_p=0.9)
    assert toks[0] == C and toks[-1] == C and toks[-2] in (G, F, C)


def test_metrics_break_ties_against_flat_distributions() -> None:
    s = NextChordScores()
    s.add(np.full(204, 1 / 204), 50, change=True)
    p = np.full(204, 0.1 / 203)
    p[7] = 0.9
    s.add(p, 7, change=False)
    out = s.summary()
    assert out["top1"] == 0.5 and out["top1_changes"] == 0.0 and out["top5"] == 0.5
    assert out["count"] == 2 and out["count_changes"] == 1
    assert out["perplexity"] == pytest.approx(np.exp(-(np.log(1 / 204) + np.log(0.9)) / 2))


def test_baseline_bigram_reflects_its_rules() -> None:
    model = BaselineBigram(k=0.01)
    start = model.distribution(BOS, minor=False)
    assert abs(start.sum() - 1) < 1e-9
    assert int(np.argmax(start)) + FIRST_CHORD_ID == C  # the baseline always opens on I
    assert int(np.argmax(model.distribution(BOS, minor=True))) + FIRST_CHORD_ID == chord_id(
        0, "min"
    )
    rows = model.sequence_distributions([C, G, C], minor=False)
    assert rows.shape == (3, 204) and np.allclose(rows.sum(axis=1), 1)


def test_progression_statistics() -> None:
    seqs = [[C, C, G, G, AM, AM, F, C]]
    st = progression_statistics(seqs, [False], reference=seqs)
    assert st["major_share"] == 0.75 and st["minor_share"] == 0.25
    assert st["changes_per_bar"] == 1.0 and st["distinct_chords"] == 4
    assert st["js_to_real"] == 0.0 and st["diatonic_share"] == 1.0
    p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert js_divergence(p, q) == pytest.approx(1.0)


def test_evaluation_on_the_synthetic_corpus(corpus: FakeCorpus, shipped_model: Path) -> None:
    report = evaluate_harmony(
        corpus, None, EvalConfig(ngram_orders=(2, 3), generated=4, response_samples=5)
    )
    names = list(report["next_chord"])
    assert names[0] == "network (phrase labels)" and len(names) == 4
    for figures in report["next_chord"].values():
        assert 0 <= figures["top1"] <= figures["top5"] <= 1 and figures["perplexity"] >= 1
    assert report["ngram_order"] in (2, 3)
    assert set(report["generated"]) == {"real", "network", "ngram", "baseline"}
    assert "network valence+0.8" in report["response"]


def test_evaluate_cli_json(
    corpus: FakeCorpus, shipped_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import image2music.data
    from image2music.cli.main import build_cli

    monkeypatch.setattr(image2music.data, "load_corpus", lambda cache_dir=None: corpus)
    result = runner.invoke(
        build_cli(), ["evaluate", "harmony", "--json", "--samples", "3", "--response-samples", "3"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["data"]["split"] == "test" and report["model"]["version"]
    table = runner.invoke(
        build_cli(), ["evaluate", "harmony", "--samples", "3", "--response-samples", "3"]
    )
    assert table.exit_code == 0 and "Next-chord prediction" in table.stdout


def test_realism_statistics() -> None:
    from image2music.harmony.tokens import chord_id

    i, v, big_v, flat_vi, vi = (
        chord_id(0, "min"), chord_id(7, "min"), chord_id(7, "maj"), chord_id(8, "maj"),
        chord_id(9, "min"),
    )  # fmt: skip
    minor = [i, v, flat_vi, big_v, i, v, big_v, i]
    loop = [C, F] * 4
    st = progression_statistics([minor, loop, [C, C, vi, vi, F, G, G, C]], [True, False, False])
    assert st["raised_dominant_share"] == 0.5  # V twice, v twice
    assert st["submediant_share"] == 2 / 16
    assert st["v_to_flat_vi"] == pytest.approx(100 / 18)  # one v -> bVI in 18 changes
    assert st["two_chord_share"] == pytest.approx(1 / 3)
    assert st["two_chord_4bar_share"] == pytest.approx(1 / 3)
