"""Run every ``benchmarks/bench_*.py`` with ``--json`` and print one table.

Each script runs in its own process with small repeat counts (``--quick``
smaller still), so the whole run takes a few minutes; a script that fails or
times out gives an ``error`` row instead of stopping the others.

Run: ``.venv/bin/python benchmarks/run_all.py [--quick] [--json] [--only compose,render]``.
Timings depend on the CPU and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: Small arguments per script (normal, quick); scripts not listed get only ``--json``.
ARGS: dict[str, tuple[list[str], list[str]]] = {
    "compose": (["--repeats", "4"], ["--repeats", "2"]),
    "render": (["--repeats", "2"], ["--repeats", "1"]),
    "harmony": (["--repeats", "100"], ["--repeats", "20"]),
    "web": (["--requests", "12", "--timeout", "300"], ["--requests", "4", "--timeout", "120"]),
    "memory": ([], ["--quick"]),
}


def scripts() -> dict[str, Path]:
    """``name -> path`` of every ``bench_*.py`` next to this file, sorted."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def run_one(path: Path, args: list[str], timeout: float) -> dict[str, Any]:
    """Run one script with ``--json``; its JSON, or ``{"error": ...}``."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(path), *args, "--json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=HERE.parent,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:200]}"}
    try:
        out: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"error": "no JSON on stdout"}
    out["_seconds"] = round(time.perf_counter() - t0, 1)
    return out


def run_all(
    quick: bool = False, only: list[str] | None = None, timeout: float = 600.0
) -> dict[str, dict[str, Any]]:
    """Run the scripts (all, or those named in ``only``) and collect their JSON."""
    results = {}
    for name, path in scripts().items():
        if only and name not in only:
            continue
        normal, small = ARGS.get(name, ([], []))
        args = small if quick else normal
        if name not in ARGS and "--repeats" in path.read_text(encoding="utf-8"):
            args = ["--repeats", "3" if quick else "10"]
        results[name] = run_one(path, args, timeout)
    return results


def _flat(prefix: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for k, v in value.items():
            if not str(k).startswith("_"):
                rows += _flat(f"{prefix} / {k}" if prefix else str(k), v)
        return rows
    if isinstance(value, bool) or not isinstance(value, int | float):
        return []
    return [(prefix, f"{value:g}")]


def table_rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """``(benchmark, measure, value)`` rows: the headline figures of each script."""
    rows: list[tuple[str, str, str]] = []
    for name, r in results.items():
        if "error" in r:
            rows.append((name, "error", str(r["error"])))
            continue
        if name == "compose":
            rows += [
                (name, "cold CLI compose (12 MP JPEG)", f"{r['cold_cli_ms']} ms"),
                (name, "warm compose, MIDI + JSON", f"{r['warm_compose_ms']} ms"),
                (name, "peak memory of one compose", f"{r['peak_rss_mb']} MB"),
            ]
        elif name == "render":
            for synth, s in r.get("synths", {}).items():
                for label, sp in s["speed"].items():
                    rows.append(
                        (
                            name,
                            f"{synth} {label}: synthesis + mastering",
                            f"{sp['synth_plus_master_x_realtime']}x real time",
                        )
                    )
                rows.append(
                    (name, f"{synth} warm compose + audio", f"{s['warm_compose_with_audio_ms']} ms")
                )
                rows.append(
                    (name, f"{synth} cold CLI + audio", f"{s['cold_cli_with_audio_ms']} ms")
                )
        elif name == "harmony":
            rows += [
                (name, "network: sample 8 bars", f"{r['sample_8_bars_ms']} ms"),
                (name, "network: generate 8 bars", f"{r['generate_8_bars_ms']} ms"),
                (name, "baseline: generate 8 bars", f"{r['baseline_generate_8_bars_ms']} ms"),
                (name, "ONNX load, fresh process", f"{r['onnx_load_cold_ms']} ms"),
            ]
        elif name == "web":
            rows += [
                (name, f"{r['requests']} concurrent composes", f"{r['throughput_per_s']} /s"),
                (name, "latency p50 / p99", f"{r['latency_p50_s']} / {r['latency_p99_s']} s"),
                (name, "errors", str(r["errors"])),
                (name, "server peak memory", f"{r['server_peak_memory_mb']} MB"),
            ]
        else:
            rows += [(name, k, v) for k, v in _flat("", r) if k != "cpu_count"]
    return rows


def format_table(rows: list[tuple[str, str, str]]) -> str:
    """The rows as a plain-text table."""
    head = ("benchmark", "measure", "value")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smallest repeat counts")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--only", default="", help="comma-separated names, e.g. compose,render")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per script")
    args = ap.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    results = run_all(args.quick, only, args.timeout)
    if args.json:
        print(json.dumps({"benchmarks": results, "table": table_rows(results)}, indent=2))
        return
    print(f"{os.cpu_count()} CPUs; timings depend on what else runs")
    print(format_table(table_rows(results)))


if __name__ == "__main__":
    main()
