"""Training end to end on the synthetic corpus, checkpoint rebuild, ONNX parity, evaluation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.evaluation.melody_eval import MelodyEvalConfig, evaluate_melody
from image2music.evaluation.melody_metrics import FEATURES, overlapping_area
from image2music.melody.grid import condition_vector
from image2music.melody.model_files import load_model_info
from image2music.melody.network import NetworkMelody, OnnxMelodyStepModel, score_melodies
from image2music.types import Emotion, Key
from tests.harmony.conftest import FakeCorpus

runner = CliRunner()


@pytest.fixture(scope="module")
def trained(mcorpus: FakeCorpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny melody model trained for two epochs on the synthetic corpus (seconds)."""
    from tests.conftest import need

    need("torch", "training the melody network")
    need("onnx", "exporting the melody network")
    from image2music.training.loop import TrainConfig
    from image2music.training.networks import MELODY_RUN
    from image2music.training.run import run_network
    from image2music.training.sequence_model import MELODY_NETWORK

    out = tmp_path_factory.mktemp("mrun")
    summary = run_network(
        MELODY_RUN,
        mcorpus,
        out,
        TrainConfig(epochs=2, batch_size=8, seed=3, threads=1, lr=5e-3),
        replace(MELODY_NETWORK, embed_dim=8, hidden_size=16, num_layers=2, dropout=0.1),
        install=True,
        install_path=out / "installed" / "melody.onnx",
    )
    assert summary.installed is not None and summary.installed.is_file()
    return summary.onnx_path


def test_run_writes_checkpoint_onnx_sidecar_history(trained: Path) -> None:
    out = trained.parent
    for name in ("melody.pt", "melody.onnx", "melody.json", "history.json"):
        assert (out / name).is_file()
    side = json.loads((out / "melody.json").read_text())
    assert side["seed"] == 3 and side["train_config"]["seed"] == 3
    assert side["corpus"]["content_hash"] == "f" * 64
    assert side["corpus"]["sources"] == {"fake": {"licences": ["MIT"], "phrases": 32}}
    assert side["training"]["epochs_run"] == 2
    assert {"valid", "test"} <= set(side["metrics"])
    assert side["labels"]["definition"]["arousal"]
    assert side["vocab_version"] == 1 and side["package_version"]
    assert load_model_info(trained).hidden_size == 16


def test_checkpoint_rebuilds_and_onnx_matches_torch(trained: Path, mcorpus: FakeCorpus) -> None:
    import torch

    from image2music.sequences.melody_dataset import load_melody_examples
    from image2music.training.networks import melody_tensors as make_melody_tensors
    from image2music.training.sequence_model import load_checkpoint

    model, ckpt = load_checkpoint(trained.parent / "melody.pt", "melody")
    assert ckpt["model_args"]["hidden_size"] == 16
    ex = load_melody_examples(mcorpus, "test")
    cond = np.tile(condition_vector(0.3, -0.2, False), (len(ex), 1))
    tensors = make_melody_tensors(ex, cond)
    b = len(ex)
    with torch.no_grad():
        ref, _ = model(
            tensors.inputs,
            *tensors.steps,
            tensors.condition,
            torch.zeros(2, b, 16),
            torch.ones(b),
        )
    info = load_model_info(trained)
    got = score_melodies(info, tensors.inputs.numpy(), ex.chords, cond)
    np.testing.assert_allclose(got, ref.numpy(), atol=1e-4)
    # step by step (carrying the state) gives the same logits as the whole sequence
    step = OnnxMelodyStepModel(info)
    step.start(ex.chords[0], cond[0])
    rows = [step.next_logits(int(tensors.inputs[0, t]), t) for t in range(20)]
    np.testing.assert_allclose(np.stack(rows), ref.numpy()[0, :20], atol=1e-4)


def test_network_melody_from_trained_model(trained: Path) -> None:
    from image2music.baseline.harmony import BaselineHarmony

    net = NetworkMelody(trained)
    assert net.name == "network-melody" and net.version
    e = Emotion(0.4, 0.3)
    prog = BaselineHarmony().generate(e, Key(5, "major"), 8, np.random.default_rng(1))
    a = net.generate(prog, e, np.random.default_rng(2))
    b = net.generate(prog, e, np.random.default_rng(2))
    assert a == b
    assert a.notes[-1].end_ticks == prog.total_ticks and a.notes[-1].pitch % 12 == 5


def test_evaluate_melody_report(trained: Path, mcorpus: FakeCorpus) -> None:
    report = evaluate_melody(mcorpus, trained, MelodyEvalConfig(windows=4))
    assert report["data"]["windows"] == 4
    assert set(report["features"]) == {"real", "network", "baseline"}
    for k in ("network", "baseline"):
        assert set(FEATURES) <= set(report["overlapping_area"][k])
    # strong beats are mostly chord tones (appoggiaturas are allowed, as in real melodies)
    assert report["features"]["network"]["chord_tone_ratio"]["mean"] > 0.6
    assert report["features"]["network"]["stutter"]["mean"] == 0.0
    assert "syncopation" in report["overlapping_area"]["network"]
    assert abs(sum(report["features"]["real"]["interval_histogram"]) - 1.0) < 1e-9


def test_evaluate_and_train_commands(
    trained: Path, mcorpus: FakeCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import image2music.data as data

    monkeypatch.setattr(data, "load_corpus", lambda cache_dir=None: mcorpus)
    result = runner.invoke(
        build_cli(), ["evaluate", "melody", "--json", "--model", str(trained), "--windows", "3"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data"]["windows"] == 3
    table = runner.invoke(
        build_cli(), ["evaluate", "melody", "--model", str(trained), "--windows", "3"]
    )
    assert table.exit_code == 0 and "ms per 8-bar melody" in table.stdout
    assert runner.invoke(build_cli(), ["train", "melody", "--help"]).exit_code == 0


def test_overlapping_area() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, 400)
    assert overlapping_area(a, a) == pytest.approx(1.0, abs=1e-3)
    assert overlapping_area(a, rng.normal(0, 1, 400)) > 0.85
    assert overlapping_area(a, a + 20) < 0.01
    assert np.isnan(overlapping_area([], a))
    assert 0.0 <= overlapping_area([1.0] * 10, a / 10 + 0.9) <= 1.0


def test_rhythm_features() -> None:
    from image2music.evaluation.melody_metrics import melody_features
    from image2music.types import Chord, Key, Melody, Note, Progression, TimedChord

    prog = Progression(Key(0, "major"), (TimedChord(Chord(0, "maj"), 0, 1920),), 1)
    # an 8th off beat 1 held over beat 2 (syncopated), then a quarter on beat 3
    synced = Melody((Note(64, 240, 480, 80), Note(67, 960, 480, 80)), 480)
    f = melody_features(synced, prog)
    assert f["offbeat_share"] == 0.5 and f["syncopation"] == 0.5 and f["stutter"] == 0.0
    # six 16ths of one pitch in a row: a stutter
    hammer = Melody(tuple(Note(60, 120 * k, 120, 80) for k in range(6)), 480)
    assert melody_features(hammer, prog)["stutter"] == 1.0
    five = Melody(tuple(Note(60, 120 * k, 120, 80) for k in range(5)), 480)
    assert melody_features(five, prog)["stutter"] == 0.0
