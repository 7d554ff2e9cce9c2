from __future__ import annotations

from pathlib import Path

import pytest

from image2music.evaluation.judge.judge import Judge
from image2music.evaluation.judge.train import train_judge
from tests.evaluation.fake_emopia import make_fake_emopia


@pytest.fixture(scope="session")
def fake_datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fake_emopia(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="session")
def fake_judge(fake_datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Judge, Path]:
    judge, _ = train_judge(fake_datasets / "emopia", grid=(0.01, 0.1))
    path = judge.save(tmp_path_factory.mktemp("judge") / "judge.npz")
    return judge, path
