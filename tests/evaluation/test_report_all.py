from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.evaluation.judge.judge import Judge


def test_evaluate_all_quick_writes_both_files(
    fake_judge: tuple[Judge, Path], tmp_path: Path
) -> None:
    _, judge_path = fake_judge
    out = tmp_path / "report"
    res = CliRunner().invoke(
        build_cli(), ["evaluate", "all", "--quick", "--out", str(out), "--judge", str(judge_path)]
    )
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    assert report["package_version"] and report["date"] and "harmony" in report["models"]
    assert report["models"]["judge"].startswith("judge-1+")
    assert report["harmony"] == {"skipped": "--quick"}
    assert report["controllability"]["pipelines"]["network"]["grid"]["cells"]
    md = (out / "report.md").read_text()
    assert "# image2music evaluation report" in md and "EMOPIA paper" in md
    assert "Controllability" in md


def test_evaluate_all_without_judge_data(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        build_cli(),
        ["evaluate", "all", "--quick", "--out", str(tmp_path / "r"),
         "--judge", str(tmp_path / "j.npz"), "--datasets", str(tmp_path / "none")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert "skipped" in report["judge"] and "skipped" in report["controllability"]
