from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.errors import Image2MusicError
from image2music.evaluation.judge.judge import Judge
from image2music.evaluation.judge.train import (
    default_judge_path,
    emopia_dir,
    load_or_train_judge,
    train_judge,
)
from tests.evaluation.fake_emopia import piece


def test_trains_on_fake_emopia(fake_judge: tuple[Judge, Path]) -> None:
    judge, path = fake_judge
    figs = judge.meta["figures"]
    assert set(figs) == {"train", "val", "test"}
    assert figs["test"]["clips"] == 16
    assert figs["test"]["arousal"] >= 0.9 and figs["test"]["valence"] >= 0.9
    assert np.array(figs["test"]["confusion_4q"]).sum() == 16
    loaded = Judge.load(path)
    assert loaded.version == judge.version and loaded.meta["figures"] == figs


def test_reading_follows_the_music(fake_judge: tuple[Judge, Path]) -> None:
    judge, _ = fake_judge
    rng = np.random.default_rng(5)
    happy = judge.read_midi(piece(1, rng))
    sad = judge.read_midi(piece(3, rng))
    assert happy.valence > 0 > sad.valence and happy.arousal > 0 > sad.arousal
    assert happy.quadrant == 1 and sad.quadrant == 3
    assert sum(happy.quadrant_proba) == pytest.approx(1.0)
    assert happy.to_dict()["quadrant"] == 1


def test_load_or_train_trains_when_missing(fake_datasets: Path, tmp_path: Path) -> None:
    notes: list[str] = []
    path = tmp_path / "j" / "judge.npz"
    judge = load_or_train_judge(path, fake_datasets, note=notes.append)
    assert path.is_file() and path.with_suffix(".json").is_file() and notes
    again = load_or_train_judge(path, fake_datasets, note=notes.append)
    assert again.version == judge.version and len(notes) == 1


def test_missing_dataset_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(Image2MusicError, match="split file missing"):
        train_judge(tmp_path / "nothing")


def test_paths_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE2MUSIC_CACHE_DIR", str(tmp_path / "c"))
    assert default_judge_path() == tmp_path / "c" / "judge" / "judge.npz"
    monkeypatch.setenv("IMAGE2MUSIC_DATASETS", str(tmp_path))
    assert emopia_dir() == tmp_path / "emopia"


def test_cli_train_judge(fake_datasets: Path, tmp_path: Path) -> None:
    out = tmp_path / "judge.npz"
    runner = CliRunner()
    res = runner.invoke(
        build_cli(), ["train", "judge", "--datasets", str(fake_datasets), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert out.is_file() and "test" in res.output
    res = runner.invoke(build_cli(), ["evaluate", "judge", "--judge", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert '"paper_figures"' in res.output
    res = runner.invoke(build_cli(), ["train", "judge", "--datasets", str(tmp_path / "none")])
    assert res.exit_code == 1 and "error:" in res.output


REAL = os.environ.get("IMAGE2MUSIC_DATASETS")


@pytest.mark.skipif(
    not REAL or not (Path(REAL) / "emopia" / "EMOPIA_1.0.tar.gz").is_file(),
    reason="IMAGE2MUSIC_DATASETS does not point to the real EMOPIA",
)
def test_real_emopia_judge_beats_chance() -> None:
    t0 = time.perf_counter()
    _, figs = train_judge(emopia_dir(REAL))
    assert time.perf_counter() - t0 < 90
    test = figs["test"]
    assert test["clips"] == 88
    assert test["4q"] > 0.40 and test["arousal"] > 0.70 and test["valence"] > 0.55
