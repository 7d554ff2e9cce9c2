"""The transformer core: same inputs and outputs as the GRU, one step at a time or all at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from image2music.harmony.decoding import progression_to_tokens
from image2music.harmony.grid import position_features
from image2music.harmony.model_files import load_model_info
from image2music.harmony.network import NetworkHarmony, OnnxStepModel
from image2music.types import Emotion, Key
from tests.conftest import need
from tests.harmony.conftest import FakeCorpus


@pytest.fixture(scope="module")
def trained(corpus: FakeCorpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny transformer trained for two epochs on the synthetic corpus."""
    need("torch", "training the harmony network")
    need("onnx", "exporting the harmony network")
    from image2music.training.loop import TrainConfig
    from image2music.training.networks import HARMONY_RUN
    from image2music.training.run import run_network
    from image2music.training.sequence_model import HARMONY_NETWORK

    config = replace(
        HARMONY_NETWORK, arch="transformer", embed_dim=8, hidden_size=16, num_layers=2,
        heads=2, dropout=0.1, window=40,
    )  # fmt: skip
    out = tmp_path_factory.mktemp("transformer")
    summary = run_network(
        HARMONY_RUN, corpus, out, TrainConfig(epochs=2, batch_size=8, seed=3, threads=1), config
    )
    return summary.onnx_path


def test_the_sidecar_says_how_to_shape_the_state(trained: Path) -> None:
    info = load_model_info(trained)
    assert info.sidecar["model_config"]["arch"] == "transformer"
    assert (info.num_layers, info.hidden_size) == (1, 40 * 17)


def test_checkpoint_rebuilds_a_transformer(trained: Path) -> None:
    from image2music.training.sequence_model import ConditionedTransformer, load_checkpoint

    model, ckpt = load_checkpoint(trained.parent / "harmony.pt", "harmony")
    assert isinstance(model, ConditionedTransformer)
    assert ckpt["model_args"]["heads"] == 2


def test_onnx_step_by_step_equals_torch_all_at_once(trained: Path) -> None:
    import torch

    from image2music.training.sequence_model import load_checkpoint

    model, _ = load_checkpoint(trained.parent / "harmony.pt", "harmony")
    rng = np.random.default_rng(0)
    t = 12
    tokens = rng.integers(5, 209, size=(1, t)).astype(np.int64)
    tokens[:, 0] = 1
    position = position_features(t)[None]
    condition = rng.uniform(-1, 1, size=(1, 3)).astype(np.float32)
    layers, size = model.config.state_shape
    with torch.no_grad():
        ref = model(
            torch.from_numpy(tokens), torch.from_numpy(position), torch.from_numpy(condition),
            torch.zeros(layers, 1, size), torch.ones(1),
        )[0].numpy()  # fmt: skip
    step = OnnxStepModel(load_model_info(trained))
    step.start(t, condition[0])
    for i in range(t):
        got = step.next_logits(int(tokens[0, i]), i)
        np.testing.assert_allclose(got, ref[0, i], atol=1e-4, rtol=1e-4)


def test_a_transformer_composes_valid_progressions(trained: Path) -> None:
    gen = NetworkHarmony(trained)
    for seed in range(3):
        prog = gen.generate(Emotion(-0.3, 0.5), Key(2, "major"), 8, np.random.default_rng(seed))
        tokens = progression_to_tokens(prog)
        assert tokens[0] == tokens[-1] and len(tokens) == 16


def test_arch_is_checked() -> None:
    need("torch", "the model configuration")
    from image2music.errors import ModelError
    from image2music.training.sequence_model import HARMONY_NETWORK

    with pytest.raises(ModelError, match="arch"):
        replace(HARMONY_NETWORK, arch="lstm")
    with pytest.raises(ModelError, match="multiple of heads"):
        replace(HARMONY_NETWORK, arch="transformer", hidden_size=30, heads=4)
