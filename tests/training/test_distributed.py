"""Training under torchrun: two processes with DistributedDataParallel give one checkpoint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.harmony.conftest import fake_corpus
import image2music.data
image2music.data.load_corpus = lambda cache_dir=None: fake_corpus()
from image2music.cli.main import run
sys.argv = ["image2music", "train", "harmony", "--epochs", "2", "--seed", "1",
            "--out", sys.argv[1], "--hidden-size", "8", "--layers", "1", "--embed-dim", "4",
            "--batch-size", "16", "--threads", "1"]
run()
"""


def test_two_torchrun_processes_train_one_checkpoint(tmp_path: Path) -> None:
    need("torch", "training")
    from image2music.training.sequence_model import load_checkpoint

    script = tmp_path / "train.py"
    script.write_text(_SCRIPT)
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
         str(script), str(out)],
        capture_output=True, text=True, check=False, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("best epoch 2 of 2") == 1  # process 0 prints, the other does not
    assert sorted(p.name for p in out.iterdir()) == [
        "harmony.json", "harmony.onnx", "harmony.pt", "history.json",
    ]  # fmt: skip
    sidecar = json.loads((out / "harmony.json").read_text())
    assert sidecar["training"]["processes"] == 2 and sidecar["training"]["epochs_run"] == 2
    model, _ = load_checkpoint(out / "harmony.pt", "harmony")  # rebuilt from its own stored config
    assert model.config.hidden_size == 8
