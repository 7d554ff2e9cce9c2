"""Batch throughput: pictures a second with --jobs 1, --jobs 2 and --engine ray.

Composes a library of real photographs (the first N of OASIS, read in place
from ``$IMAGE2MUSIC_DATASETS/image-emotion``; generated pictures when the
datasets are absent) with ``image2music compose DIR -o OUT`` in a fresh
process per run, each into an empty output folder, and reports wall-clock
seconds, pictures a second, the speed-up over one job and the cost per
picture (core-seconds: jobs x seconds / pictures). The first run of each
process pays for imports and loading the networks, as a user's would.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--pictures 200]
[--formats mid,json] [--engines local1,local2,ray2] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def library(folder: Path, n: int) -> str:
    """Fill ``folder`` with ``n`` pictures (links to real photographs when available)."""
    data = Path(os.environ.get("IMAGE2MUSIC_DATASETS", ROOT.parent / "shared" / "datasets"))
    photos = sorted((data / "image-emotion" / "oasis" / "images").glob("*.jpg"))[:n]
    folder.mkdir(parents=True)
    if len(photos) == n:
        for photo in photos:
            (folder / photo.name).symlink_to(photo)
        return f"{n} OASIS photographs (500 x 400 JPEG)"
    from PIL import Image

    for i in range(n):
        Image.new("RGB", (640, 480), (i * 37 % 256, i * 91 % 256, i * 53 % 256)).save(
            folder / f"p{i:04d}.jpg"
        )
    return f"{n} generated 640 x 480 JPEGs"


def run(pictures: Path, out: Path, formats: str, jobs: int, engine: str) -> float:
    cli = str(Path(sys.executable).parent / "image2music")
    args = [cli, "compose", str(pictures), "-o", str(out), "--format", formats, "-q"]
    args += ["--jobs", str(jobs), "--engine", engine]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pictures", type=int, default=200)
    ap.add_argument("--formats", default="mid,json")
    ap.add_argument("--engines", default="local1,local2,ray2", help="ENGINE+JOBS, comma-separated")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        pictures = Path(tmp) / "pictures"
        what = library(pictures, args.pictures)
        base = None
        for spec in args.engines.split(","):
            engine, jobs = spec.rstrip("0123456789"), int(spec[len(spec.rstrip("0123456789")) :])
            out = Path(tmp) / f"out-{spec}"
            seconds = run(pictures, out, args.formats, jobs, engine)
            shutil.rmtree(out)
            base = base or seconds
            rows.append(
                {
                    "engine": engine,
                    "jobs": jobs,
                    "seconds": round(seconds, 1),
                    "pictures_per_sec": round(args.pictures / seconds, 2),
                    "speed_up": round(base / seconds, 2),
                    "core_sec_per_picture": round(jobs * seconds / args.pictures, 2),
                }
            )
    result = {"library": what, "formats": args.formats, "cpu_count": os.cpu_count(), "runs": rows}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{what}, formats {args.formats}, {os.cpu_count()} cores")
    print("engine  jobs  seconds  pictures/s  speed-up  core-s/picture")
    for r in rows:
        print(
            f"{r['engine']:<7} {r['jobs']:>4} {r['seconds']:>8} {r['pictures_per_sec']:>11}"
            f" {r['speed_up']:>9} {r['core_sec_per_picture']:>15}"
        )


if __name__ == "__main__":
    main()
