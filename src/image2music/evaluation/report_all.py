"""``image2music evaluate all``: one Markdown and one JSON report of every figure.

Sections: the music emotion judge on EMOPIA's test split, controllability
(network pipeline against the baseline composer), harmony (the network beside
an n-gram model and the baseline, :mod:`.harmony_eval`), melody (when the
``evaluate melody`` command exists), and speed and memory (``benchmarks/run_all.py``).
A section that cannot run (no corpus, no benchmarks folder, ...) is recorded
as skipped with the reason, and the rest still runs. The header gives the date,
the package version and the versions of the models (from their sidecars).
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ReportConfig", "build_report", "model_versions", "write_report"]


@dataclass(frozen=True)
class ReportConfig:
    """What ``evaluate all`` runs.

    Attributes:
        quick: Small grid and sample counts; harmony, melody and benchmarks skipped.
        bench: Run the benchmarks (ignored when ``quick``).
        datasets: Datasets folder for training the judge when it is missing.
        judge_path: The judge file (default: the user cache).
        pictures: Folder of real pictures for controllability (``None``: none).
        seeds: Pieces per grid cell.
    """

    quick: bool = False
    bench: bool = True
    datasets: Path | None = None
    judge_path: Path | None = None
    pictures: Path | None = None
    seeds: int = 10


def model_versions() -> dict[str, str]:
    """``name -> version`` of every model sidecar shipped in ``image2music/models``."""
    from image2music.emotion import ColourPsychologyEstimator

    folder = Path(__file__).resolve().parent.parent / "models"
    out = {"emotion": f"{ColourPsychologyEstimator.name} {ColourPsychologyEstimator.version}"}
    for side in sorted(folder.glob("*.json")):
        try:
            version = json.loads(side.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            continue
        if isinstance(version, str):
            out[side.stem] = version
    return out


def _project_root() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / "benchmarks" / "run_all.py").is_file():
            return base
    return None


def _subprocess_json(cmd: list[str], timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"skipped": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"skipped": f"exit {proc.returncode}: {last[:300]}"}
    try:
        out: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"skipped": "no JSON on stdout"}
    return out


def _harmony() -> dict[str, Any]:
    from image2music.data import load_corpus
    from image2music.errors import Image2MusicError
    from image2music.evaluation.harmony_eval import EvalConfig, evaluate_harmony

    try:
        corpus = load_corpus(None)
        return evaluate_harmony(corpus, None, EvalConfig(generated=200, response_samples=60))
    except (Image2MusicError, OSError) as e:
        return {"skipped": str(e)}


def _melody() -> dict[str, Any]:
    cmd = [sys.executable, "-m", "image2music", "evaluate", "melody", "--json"]
    return _subprocess_json(cmd, 1800)


def _bench(quick: bool) -> dict[str, Any]:
    root = _project_root()
    if root is None:
        return {"skipped": "benchmarks/run_all.py not found (run from the project folder)"}
    cmd = [sys.executable, str(root / "benchmarks" / "run_all.py"), "--json"]
    return _subprocess_json([*cmd, "--quick"] if quick else cmd, 3600)


def build_report(
    config: ReportConfig | None = None, *, on_stage: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run every evaluation and gather the figures (see the module docstring).

    Args:
        config: What to run.
        on_stage: Told what is being done (and notes such as training the judge).
    """
    from image2music.errors import Image2MusicError
    from image2music.evaluation.controllability import (
        ControllabilityConfig,
        evaluate_controllability,
    )
    from image2music.evaluation.judge.train import PAPER_FIGURES, load_or_train_judge
    from image2music.version import __version__

    cfg = config or ReportConfig()
    say = on_stage or (lambda _text: None)
    report: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "quick": cfg.quick,
        "models": model_versions(),
    }
    say("emotion judge")
    try:
        judge = load_or_train_judge(cfg.judge_path, cfg.datasets, note=say)
    except Image2MusicError as e:
        judge = None
        report["judge"] = {"skipped": str(e)}
        report["controllability"] = {"skipped": "no emotion judge"}
    if judge is not None:
        report["models"]["judge"] = judge.version
        report["judge"] = {
            "version": judge.version,
            "figures": judge.meta.get("figures", {}),
            "paper_figures": PAPER_FIGURES,
            "trained_at": judge.meta.get("trained_at"),
        }
        say("controllability")
        ctrl = (
            ControllabilityConfig(seeds=2, bars=4, pictures=cfg.pictures, picture_seeds=1)
            if cfg.quick
            else ControllabilityConfig(seeds=cfg.seeds, pictures=cfg.pictures)
        )
        report["controllability"] = evaluate_controllability(judge, ctrl)
    skip = {"skipped": "--quick"}
    say("harmony")
    report["harmony"] = skip if cfg.quick else _harmony()
    say("melody")
    report["melody"] = skip if cfg.quick else _melody()
    say("speed and memory")
    report["speed"] = (
        skip if cfg.quick else _bench(False) if cfg.bench else {"skipped": "--no-bench"}
    )
    return report


def write_report(report: dict[str, Any], outdir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``outdir`` (created when missing)."""
    from image2music.evaluation.report_markdown import report_markdown

    outdir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = outdir / "report.json", outdir / "report.md"
    json_path.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    md_path.write_text(report_markdown(report), encoding="utf-8")
    return md_path, json_path
