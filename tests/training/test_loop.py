"""One training loop and one model core for both sequence networks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need

torch = need("torch", "the training loop")

from image2music.onnx_models import MODELS_DIR  # noqa: E402
from image2music.sequences.labels import LabelScaler  # noqa: E402
from image2music.training.architectures import ARCHITECTURES, HARMONY_GRU  # noqa: E402
from image2music.training.loop import (  # noqa: E402
    IGNORE,
    SequenceTensors,
    TrainConfig,
    _conditions,
    forward,
    train_sequences,
)
from image2music.training.networks import HARMONY_RUN, MELODY_RUN  # noqa: E402
from image2music.training.run import NetworkRun, run_network  # noqa: E402
from image2music.training.sequence_model import (  # noqa: E402
    HARMONY_NETWORK,
    MELODY_NETWORK,
    ConditionedGRU,
    SequenceModel,
    load_checkpoint,
    save_checkpoint,
)

TINY = replace(HARMONY_NETWORK, arch="gru", embed_dim=4, hidden_size=8, num_layers=1, dropout=0.0)


def _tensors(n: int, seed: int) -> SequenceTensors:
    g = torch.Generator().manual_seed(seed)
    t = 6
    inputs = torch.randint(5, TINY.vocab_size, (n, t), generator=g)
    targets = torch.randint(5, TINY.vocab_size, (n, t), generator=g)
    targets[:, -1] = IGNORE
    position = torch.rand(n, t, TINY.n_position, generator=g)
    condition = torch.rand(n, TINY.n_condition, generator=g) * 2 - 1
    return SequenceTensors(inputs, targets, (position,), condition)


def _loss(model: SequenceModel, data: SequenceTensors) -> dict[str, float]:
    with torch.no_grad():
        logits = forward(model, data, torch.arange(len(data)))
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), data.targets.reshape(-1), ignore_index=IGNORE
        )
    return {"loss": float(loss), "perplexity": float(loss.exp()), "top1": 0.0}


def test_label_dropout_withholds_valence_and_arousal() -> None:
    cond = torch.tensor([[0.5, -0.5, 1.0]] * 4)
    config = TrainConfig(label_noise=0.0, label_dropout=1.0)
    out = _conditions(cond, config, torch.Generator().manual_seed(0))
    assert torch.equal(out[:, :2], torch.zeros(4, 2)) and torch.equal(out[:, 2], cond[:, 2])
    kept = _conditions(cond, replace(config, label_dropout=0.0), torch.Generator())
    assert torch.equal(kept, cond)


@pytest.mark.parametrize("run", [HARMONY_RUN, MELODY_RUN])
def test_both_networks_train_through_the_one_loop(
    run: NetworkRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    from image2music.training import run as run_module

    calls: list[TrainConfig] = []

    class StopError(Exception):
        pass

    def fake(model_config: Any, tr: Any, va: Any, config: TrainConfig, *a: Any, **k: Any) -> Any:
        calls.append(config)
        raise StopError

    monkeypatch.setattr(run_module, "train_sequences", fake)
    monkeypatch.setattr(LabelScaler, "fit", lambda _ex: _Scaler())
    fake_run = replace(run, load=lambda c, s, p: [1], harmony=lambda ex: ex, tensors=lambda e, c: e)
    config = TrainConfig(label_dropout=0.3)
    with pytest.raises(StopError):
        run_network(fake_run, _Corpus(), Path("unused"), config, TINY)  # type: ignore[arg-type]
    assert calls == [config]  # label dropout reaches the loop for both networks


class _Scaler:
    def conditions(self, _: object) -> None:
        return None


class _Corpus:
    def __init__(self) -> None:
        self.manifest: dict[str, str] = {}


def test_time_budget_stops_after_a_whole_epoch() -> None:
    tr, va = _tensors(40, 0), _tensors(8, 1)
    batches: list[tuple[int, int, int]] = []
    config = TrainConfig(epochs=5, batch_size=8, threads=1, max_minutes=1e-9)
    result = train_sequences(
        TINY, tr, va, config, _loss, on_batch=lambda e, d, n, _loss: batches.append((e, d, n))
    )
    assert result.stopped == "time" and len(result.history) == 1
    assert batches[-1] == (1, 5, 5)  # every batch of the epoch ran


def test_training_is_deterministic() -> None:
    tr, va = _tensors(24, 2), _tensors(8, 3)
    config = TrainConfig(epochs=2, batch_size=8, threads=1, label_dropout=0.5)
    a = train_sequences(TINY, tr, va, config, _loss).model.state_dict()
    b = train_sequences(TINY, tr, va, config, _loss).model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_checkpoint_extras_never_replace_the_core(tmp_path: Path) -> None:
    model = ConditionedGRU(TINY)
    path = tmp_path / "h.pt"
    save_checkpoint(path, model, train_config={"seed": 1}, extra={"format": "x", "state_dict": 0})
    again, ckpt = load_checkpoint(path, "harmony")
    assert ckpt["train_config"] == {"seed": 1}
    assert all(torch.equal(v, again.state_dict()[k]) for k, v in model.state_dict().items())
    with pytest.raises(Exception, match="not a melody checkpoint"):
        load_checkpoint(path, "melody")


def test_one_core_two_configurations() -> None:
    assert ConditionedGRU(HARMONY_NETWORK).input_names == (
        "tokens", "position", "condition", "h_in", "start",
    )  # fmt: skip
    assert ConditionedGRU(MELODY_NETWORK).input_names == (
        "tokens", "chords", "position", "condition", "h_in", "start",
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["harmony", "melody"])
def test_defaults_are_the_shipped_architecture(kind: str) -> None:
    shipped = json.loads((MODELS_DIR / f"{kind}.json").read_text())["model_config"]
    for name, value in ARCHITECTURES[kind].items():
        assert shipped[name] == value, name
    if kind == "harmony":  # and the GRU shipped beside the transformer
        gru = json.loads((MODELS_DIR / "harmony-gru.json").read_text())["model_config"]
        assert all(gru[name] == value for name, value in HARMONY_GRU.items())
    network = HARMONY_NETWORK if kind == "harmony" else MELODY_NETWORK
    assert network.hidden_size == ARCHITECTURES[kind]["hidden_size"]
