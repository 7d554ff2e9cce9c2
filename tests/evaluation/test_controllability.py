from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.evaluation.controllability import (
    ControllabilityConfig,
    evaluate_controllability,
    pipelines,
)
from image2music.evaluation.judge.judge import Judge
from image2music.evaluation.report_markdown import controllability_markdown

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"


def test_tiny_grid_structure(fake_judge: tuple[Judge, Path], tmp_path: Path) -> None:
    judge, _ = fake_judge
    shutil.copy(PHOTOS / "camera.jpg", tmp_path / "camera.jpg")
    calls: list[tuple[int, int]] = []
    cfg = ControllabilityConfig(seeds=2, bars=4, pictures=tmp_path, picture_seeds=1)
    res = evaluate_controllability(judge, cfg, on_piece=lambda d, t: calls.append((d, t)))
    assert set(res["pipelines"]) == set(pipelines()) == {"network", "baseline"}
    assert calls[-1][0] == calls[-1][1] == 2 * (9 * 2 + 1)
    base = res["pipelines"]["baseline"]
    assert base["harmony"] == base["melody"] == "baseline"
    cells = base["grid"]["cells"]
    assert len(cells) == 9 and all(c["pieces"] == 2 for c in cells)
    centre = next(c for c in cells if c["valence"] == 0 and c["arousal"] == 0)
    assert centre["valence_agreement"] is None and centre["quadrant_agreement"] is None
    corner = next(c for c in cells if c["valence"] == 0.8 and c["arousal"] == 0.8)
    assert 0.0 <= corner["quadrant_agreement"] <= 1.0
    overall = base["grid"]["overall"]
    assert overall["pieces"] == 18 and 0.0 <= overall["valence_agreement"] <= 1.0
    assert base["pictures"]["rows"][0]["picture"] == "camera.jpg"
    md = "\n".join(controllability_markdown(res))
    assert "overall" in md and "network" in md


def test_cli_controllability(fake_judge: tuple[Judge, Path]) -> None:
    _, path = fake_judge
    res = CliRunner().invoke(
        build_cli(),
        ["evaluate", "controllability", "--judge", str(path), "--seeds", "1", "--bars", "4",
         "--no-pictures", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert '"quadrant_agreement"' in res.output
