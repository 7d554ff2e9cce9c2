from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.evaluation.controllability import (
    ControllabilityConfig,
    evaluate_controllability,
    pipelines,
)
from image2music.evaluation.judge.judge import MODE_AND_TEMPO, Judge
from image2music.evaluation.report_markdown import controllability_markdown

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"


def test_tiny_grid_structure(fake_judge: tuple[Judge, Path], tmp_path: Path) -> None:
    judge, _ = fake_judge
    shutil.copy(PHOTOS / "camera.jpg", tmp_path / "camera.jpg")
    calls: list[tuple[int, int]] = []
    cfg = ControllabilityConfig(
        values=(-0.8, 0.0, 0.8), seeds=2, bars=4, pictures=tmp_path, picture_seeds=1
    )
    blind = dataclasses.replace(judge, blind=MODE_AND_TEMPO)
    res = evaluate_controllability(
        judge, cfg, on_piece=lambda d, t: calls.append((d, t)), blind_judge=blind
    )
    assert set(res["pipelines"]) == set(pipelines()) == {"network", "baseline"}
    # 9 grid cells and 2 modes x 3 valence levels, 2 seeds each, and 1 picture
    assert calls[-1][0] == calls[-1][1] == 2 * ((9 + 6) * 2 + 1)
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
    levels = base["grid"]["levels"]
    assert set(levels) == {"valence", "arousal", "blind_valence", "blind_arousal"}
    assert list(levels["valence"]) == ["-0.8", "+0.0", "+0.8"]
    fixed = base["fixed_mode_and_tempo"]
    assert set(fixed) == {"major", "minor"}
    assert -1.0 <= fixed["minor"]["valence_rank_correlation"] <= 1.0
    assert "blind_valence_rank_correlation" in fixed["major"]
    assert res["blind_judge"] == blind.version != res["judge"]
    md = "\n".join(controllability_markdown(res))
    assert "overall" in md and "network" in md and "mode and tempo fixed" in md


def test_cli_controllability(fake_judge: tuple[Judge, Path]) -> None:
    _, path = fake_judge
    res = CliRunner().invoke(
        build_cli(),
        ["evaluate", "controllability", "--judge", str(path), "--seeds", "1", "--bars", "4",
         "--no-pictures", "--no-blind", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert '"quadrant_agreement"' in res.output
