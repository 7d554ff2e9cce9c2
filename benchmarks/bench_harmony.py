"""Speed of the harmony network: sampling one 8-bar progression, and loading the model.

Reports, for the shipped ONNX model (onnxruntime, CPU, one thread):

* ONNX model load in a fresh process (import onnxruntime + session creation),
* warm sampling of one 8-bar progression (16 half-bar steps), median of many,
* the same through ``NetworkHarmony.generate`` (realised ``Progression``),
* the rule-based baseline's ``generate`` for comparison.

Run: ``.venv/bin/python benchmarks/bench_harmony.py [--repeats N] [--json]``.
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
from image2music.harmony.model_files import default_model_path
from image2music.harmony.network import NetworkHarmony
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
        "from image2music.harmony.model_files import default_model_path, onnx_session;"
        "onnx_session(str(default_model_path()));"
        "print((time.perf_counter() - t) * 1000)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=300)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    gen = NetworkHarmony()
    baseline = BaselineHarmony()
    emotion, key = Emotion(0.3, 0.2), Key(0, "major")
    gen.sample_tokens(0.3, 0.2, "major", 8, np.random.default_rng(0))  # warm up

    tokens = timeit(
        lambda i: gen.sample_tokens(0.3, 0.2, "major", 8, np.random.default_rng(i)), args.repeats
    )
    progression = timeit(
        lambda i: gen.generate(emotion, key, 8, np.random.default_rng(i)), args.repeats
    )
    base = timeit(
        lambda i: baseline.generate(emotion, key, 8, np.random.default_rng(i)), args.repeats
    )
    loads = [cold_load_ms() for _ in range(5)]
    path = default_model_path()
    results = {
        "model": gen.version,
        "onnx_mb": round(path.stat().st_size / 1e6, 2),
        "onnx_load_cold_ms": round(statistics.median(loads), 1),
        "sample_8_bars_ms": round(statistics.median(tokens) * 1000, 2),
        "sample_8_bars_p90_ms": round(float(np.percentile(tokens, 90)) * 1000, 2),
        "generate_8_bars_ms": round(statistics.median(progression) * 1000, 2),
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
        ("sample 8 bars (median)", f"{results['sample_8_bars_ms']} ms"),
        ("sample 8 bars (p90)", f"{results['sample_8_bars_p90_ms']} ms"),
        ("generate 8 bars -> Progression", f"{results['generate_8_bars_ms']} ms"),
        ("baseline generate 8 bars", f"{results['baseline_generate_8_bars_ms']} ms"),
    ]
    for label, value in rows:
        print(f"  {label:<34} {value:>10}")


if __name__ == "__main__":
    main()
