"""Speed of the melody network: writing the melody of 8 bars, and loading the model.

Reports, for the shipped ONNX model (onnxruntime, CPU, one thread):

* ONNX model load in a fresh process (import onnxruntime + session creation),
* warm generation of the melody over one 8-bar progression (128 sixteenth-note
  steps, rules and echo included, realised ``Melody``), median and p90 of many,
* the rule-based baseline melody's ``generate`` for comparison.

Run: ``.venv/bin/python benchmarks/bench_melody.py [--repeats N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from image2music.baseline.harmony import BaselineHarmony
from image2music.baseline.melody import BaselineMelody
from image2music.melody.model_files import default_model_path
from image2music.melody.network import NetworkMelody
from image2music.types import Emotion, Key


def timeit(fn: Callable[[int], object], repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return times


def cold_load_ms() -> float:
    code = (
        "import time; t = time.perf_counter();"
        "from image2music.melody.model_files import load_model_info, melody_session;"
        "melody_session(load_model_info());"
        "print((time.perf_counter() - t) * 1000)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=100)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    emotion = Emotion(0.3, 0.2)
    progression = BaselineHarmony().generate(emotion, Key(0, "major"), 8, np.random.default_rng(0))
    gen = NetworkMelody()
    baseline = BaselineMelody()
    gen.generate(progression, emotion, np.random.default_rng(0))  # warm up
    net = timeit(
        lambda i: gen.generate(progression, emotion, np.random.default_rng(i)), args.repeats
    )
    base = timeit(
        lambda i: baseline.generate(progression, emotion, np.random.default_rng(i)), args.repeats
    )
    loads = [cold_load_ms() for _ in range(5)]
    results = {
        "model": gen.version,
        "onnx_mb": round(default_model_path().stat().st_size / 1e6, 2),
        "onnx_load_cold_ms": round(statistics.median(loads), 1),
        "generate_8_bars_ms": round(statistics.median(net) * 1000, 2),
        "generate_8_bars_p90_ms": round(float(np.percentile(net, 90)) * 1000, 2),
        "baseline_generate_8_bars_ms": round(statistics.median(base) * 1000, 3),
        "repeats": args.repeats,
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"model {results['model']} ({results['onnx_mb']} MB), {results['cpu_count']} CPUs")
    rows = [
        ("ONNX load, fresh process", f"{results['onnx_load_cold_ms']} ms"),
        ("melody for 8 bars (median)", f"{results['generate_8_bars_ms']} ms"),
        ("melody for 8 bars (p90)", f"{results['generate_8_bars_p90_ms']} ms"),
        ("baseline melody for 8 bars", f"{results['baseline_generate_8_bars_ms']} ms"),
    ]
    for label, value in rows:
        print(f"  {label:<34} {value:>10}")


if __name__ == "__main__":
    main()
