"""Training end to end on the synthetic corpus, checkpoint rebuild, ONNX parity (need torch)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.harmony.decoding import progression_to_tokens
from image2music.harmony.grid import position_features
from image2music.harmony.model_files import load_model_info, onnx_session
from image2music.harmony.network import NetworkHarmony, OnnxStepModel
from image2music.types import Emotion, Key
from tests.harmony.conftest import FakeCorpus

runner = CliRunner()


@pytest.fixture(scope="module")
def trained(corpus: FakeCorpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained for two epochs on the synthetic corpus (a few seconds)."""
    from tests.conftest import need

    need("torch", "training the harmony network")
    need("onnx", "exporting the harmony network")
    from image2music.training.loop import TrainConfig
    from image2music.training.networks import HARMONY_RUN
    from image2music.training.run import run_network
    from image2music.training.sequence_model import HARMONY_NETWORK

    out = tmp_path_factory.mktemp("run")
    summary = run_network(
        HARMONY_RUN,
        corpus,
        out,
        TrainConfig(epochs=2, batch_size=8, seed=3, threads=1),
        replace(
            HARMONY_NETWORK, arch="gru", embed_dim=8, hidden_size=16, num_layers=2, dropout=0.1
        ),
        install=True,
        install_path=out / "installed" / "harmony.onnx",
    )
    assert summary.installed is not None and summary.installed.is_file()
    return summary.onnx_path


def test_run_writes_checkpoint_onnx_sidecar_history(trained: Path) -> None:
    out = trained.parent
    for name in ("harmony.pt", "harmony.onnx", "harmony.json", "history.json"):
        assert (out / name).is_file()
    side = json.loads((out / "harmony.json").read_text())
    assert side["train_config"]["seed"] == 3 and side["seed"] == 3
    assert side["corpus"]["content_hash"] == "f" * 64
    assert side["corpus"]["sources"] == {"fake": {"licences": ["MIT"], "phrases": 32}}
    assert side["training"]["epochs_run"] == 2 and len(side["training"]["history"]) == 2
    assert {"valid", "test"} <= set(side["metrics"])
    assert side["labels"]["definition"]["valence"]
    assert (out / "installed" / "harmony.json").read_text() == (out / "harmony.json").read_text()


def test_checkpoint_rebuilds_its_model(trained: Path) -> None:
    import torch

    from image2music.training.sequence_model import load_checkpoint

    model, ckpt = load_checkpoint(trained.parent / "harmony.pt", "harmony")
    assert ckpt["model_args"]["hidden_size"] == 16 and not model.training
    assert ckpt["corpus"]["content_hash"] == "f" * 64 and ckpt["package_version"]
    assert ckpt["train_config"]["epochs"] == 2 and "metrics" in ckpt
    again, _ = load_checkpoint(trained.parent / "harmony.pt", "harmony")
    x = torch.tensor([[1, 5, 22]])
    pos = torch.from_numpy(position_features(3))[None]
    cond = torch.tensor([[0.5, -0.5, 0.0]])
    h = torch.zeros(2, 1, 16)
    a = model(x, pos, cond, h, torch.ones(1))[0]
    b = again(x, pos, cond, h, torch.ones(1))[0]
    assert torch.equal(a, b)


def test_onnx_matches_torch(trained: Path) -> None:
    import torch

    from image2music.training.sequence_model import load_checkpoint

    model, _ = load_checkpoint(trained.parent / "harmony.pt", "harmony")
    rng = np.random.default_rng(0)
    b, t = 3, 7
    tokens = rng.integers(5, 209, size=(b, t)).astype(np.int64)
    tokens[:, 0] = 1
    position = np.stack([position_features(t)] * b)
    condition = rng.uniform(-1, 1, size=(b, 3)).astype(np.float32)
    h_in = rng.normal(size=(2, b, 16)).astype(np.float32)
    start = np.array([1.0, 0.0, 1.0], dtype=np.float32)
    with torch.no_grad():
        ref_logits, ref_h = (
            x.numpy()
            for x in model(
                *(torch.from_numpy(a) for a in (tokens, position, condition, h_in, start))
            )
        )
    session = onnx_session(str(trained))
    logits, h_out = session.run(
        None,
        {
            "tokens": tokens,
            "position": position,
            "condition": condition,
            "h_in": h_in,
            "start": start,
        },
    )
    np.testing.assert_allclose(logits, ref_logits, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(h_out, ref_h, atol=1e-5, rtol=1e-4)
    # step by step with the carried state equals the whole sequence at once
    step = OnnxStepModel(load_model_info(trained))
    step.start(t, condition[0])
    for i in range(t):
        got = step.next_logits(int(tokens[0, i]), i)
        np.testing.assert_allclose(got, ref_logits[0, i], atol=1e-4, rtol=1e-4)


def test_tiny_model_composes_valid_progressions(trained: Path) -> None:
    gen = NetworkHarmony(trained)
    assert gen.version.startswith(gen.info.sidecar["package_version"])
    for seed in range(5):
        prog = gen.generate(Emotion(0.2, 0.4), Key(4, "minor"), 8, np.random.default_rng(seed))
        toks = progression_to_tokens(prog)
        assert toks[0] == toks[-1] and len(toks) == 16


def test_train_cli_runs_end_to_end(
    corpus: FakeCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import need

    need("torch", "training the harmony network")
    need("onnx", "exporting the harmony network")
    import image2music.data
    from image2music.cli.main import build_cli

    monkeypatch.setattr(image2music.data, "load_corpus", lambda cache_dir=None: corpus)
    out = tmp_path / "run"
    args = ["train", "harmony", "--epochs", "1", "--seed", "1", "--out", str(out)]
    args += ["--hidden-size", "8", "--layers", "1", "--embed-dim", "4", "--batch-size", "16"]
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 0, result.output
    assert "best epoch 1 of 1" in result.output
    assert (out / "harmony.onnx").is_file() and (out / "harmony.pt").is_file()
    refused = runner.invoke(build_cli(), [*args, "--install", "--all-licences"])
    assert refused.exit_code == 1


def test_training_is_reproducible_for_a_seed(corpus: FakeCorpus) -> None:
    from tests.conftest import need

    torch = need("torch", "training the harmony network")
    from image2music.sequences.dataset import load_examples
    from image2music.sequences.labels import LabelScaler
    from image2music.training.loop import TrainConfig, train_sequences
    from image2music.training.networks import evaluate_harmony_model as evaluate_model
    from image2music.training.networks import harmony_tensors as make_tensors
    from image2music.training.sequence_model import HARMONY_NETWORK

    train, valid = load_examples(corpus, "train"), load_examples(corpus, "valid")
    scaler = LabelScaler.fit(train)
    cfg = TrainConfig(epochs=1, batch_size=8, seed=5, threads=1, label_dropout=0.5)
    mc = replace(HARMONY_NETWORK, arch="gru", embed_dim=4, hidden_size=8, num_layers=1)
    tr = make_tensors(train, scaler.conditions(train))
    va = make_tensors(valid, scaler.conditions(valid))
    a = train_sequences(mc, tr, va, cfg, evaluate_model)
    b = train_sequences(mc, tr, va, cfg, evaluate_model)
    for (ka, va), (_kb, vb) in zip(
        a.model.state_dict().items(), b.model.state_dict().items(), strict=True
    ):
        assert torch.equal(va, vb), ka
    assert a.history[0].valid_loss == b.history[0].valid_loss
