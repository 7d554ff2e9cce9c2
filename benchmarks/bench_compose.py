"""Speed and memory of composing from a 12-megapixel JPEG.

Reports, for one 4000 x 3000 JPEG made from the example photo:

* Pillow's full decode of that JPEG (the yardstick of the warm compose),
* warm in-process ``compose`` (MIDI and JSON bytes, in memory) and its ratio
  to the full decode,
* a bare ``python -c "import numpy, PIL.Image"`` (the yardstick of the cold CLI),
* cold CLI: ``image2music compose --format mid,json`` in a fresh process,
  files written, and its ratio to the bare import; and the same with the
  default outputs (MIDI, WAV, JSON, PNG),
* peak memory (max RSS) of a process that composes once.

Run: ``.venv/bin/python benchmarks/bench_compose.py [--repeats N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "photo.jpg"


def make_12mp_jpeg(path: Path) -> Path:
    """A 4000x3000 JPEG: the example photo upscaled, with sensor-like noise."""
    with Image.open(EXAMPLE) as im:
        big = im.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    arr = np.asarray(big).astype(np.int16)
    noise = np.random.default_rng(0).normal(0, 6, arr.shape).astype(np.int16)
    Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8)).save(path, quality=92)
    return path


def timeit(fn: object, repeats: int) -> list[float]:
    assert callable(fn)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def full_decode(path: Path) -> None:
    with Image.open(path) as im:
        im.load()


def peak_rss_mb_of_compose(path: Path) -> float:
    # VmHWM (peak resident set) is reset by exec, unlike ru_maxrss, which a
    # child started by fork + exec inherits from this (much larger) process.
    code = (
        "import re, image2music;"
        f"r = image2music.compose({str(path)!r}); r.midi; r.report_json;"
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    import image2music

    cli = Path(sys.executable).parent / "image2music"
    with tempfile.TemporaryDirectory() as tmp:
        jpeg = make_12mp_jpeg(Path(tmp) / "big.jpg")
        decode = timeit(lambda: full_decode(jpeg), args.repeats)

        def warm() -> None:
            r = image2music.compose(jpeg)
            r.midi  # noqa: B018 - renders the MIDI
            r.report_json  # noqa: B018 - renders the JSON

        warm()  # load cascades and caches once
        compose_times = timeit(warm, args.repeats)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
        subprocess.run([str(cli), "--version"], check=True, capture_output=True, env=env)
        cold_runs = max(3, args.repeats // 2)
        bare = timeit(
            lambda: subprocess.run(
                [sys.executable, "-c", "import numpy, PIL.Image"], check=True, env=env
            ),
            cold_runs,
        )

        def cold_cli(*extra: str) -> list[float]:
            cmd = [str(cli), "compose", str(jpeg), "-o", tmp, "--force", "-q", *extra]

            def run() -> None:
                subprocess.run(cmd, check=True, capture_output=True, env=env)

            run()
            return timeit(run, cold_runs)

        cold_midi = cold_cli("--format", "mid,json")
        cold = cold_cli()
        rss = peak_rss_mb_of_compose(jpeg)
        size_mb = jpeg.stat().st_size / 1e6

    med = statistics.median
    results = {
        "image": f"4000x3000 JPEG, {size_mb:.1f} MB",
        "pillow_full_decode_ms": round(med(decode) * 1000, 1),
        "warm_compose_ms": round(med(compose_times) * 1000, 1),
        "warm_compose_over_decode": round(med(compose_times) / med(decode), 2),
        "bare_import_ms": round(med(bare) * 1000, 1),
        "cold_cli_midi_json_ms": round(med(cold_midi) * 1000, 1),
        "cold_cli_midi_json_over_bare_import": round(med(cold_midi) / med(bare), 2),
        "cold_cli_ms": round(med(cold) * 1000, 1),
        "peak_rss_mb": round(rss, 1),
        "bench_process_max_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1
        ),
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"image: {results['image']}, {results['cpu_count']} CPUs")
    rows = [
        ("Pillow full decode (yardstick)", f"{results['pillow_full_decode_ms']} ms"),
        ("warm compose, MIDI + JSON", f"{results['warm_compose_ms']} ms"),
        ("  ratio to the full decode", f"{results['warm_compose_over_decode']}x"),
        ("bare import numpy + PIL (yardstick)", f"{results['bare_import_ms']} ms"),
        ("cold CLI, --format mid,json", f"{results['cold_cli_midi_json_ms']} ms"),
        ("  ratio to the bare import", f"{results['cold_cli_midi_json_over_bare_import']}x"),
        ("cold CLI, default outputs", f"{results['cold_cli_ms']} ms"),
        ("peak memory of one compose", f"{results['peak_rss_mb']} MB"),
    ]
    for label, value in rows:
        print(f"  {label:<34} {value:>10}")


if __name__ == "__main__":
    main()
