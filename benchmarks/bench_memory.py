"""Peak memory (RSS) of the command line on the heavy cases of issue 13.

Each case runs ``image2music compose`` in a fresh process and reads the
child's peak resident set size from ``getrusage``:

* ``example``: the example photo, mid and json (the baseline: imports and networks);
* ``600 s audio``: the example photo, ``--duration 600``, wav, flac and mp3,
  once per synthesiser that is installed;
* ``99 MP PNG``: a generated 11000 x 9000 PNG (about 300 KB on disk), mid and json.

Run: ``.venv/bin/python benchmarks/bench_memory.py [--json] [--quick]``
(``--quick`` makes the long piece 120 s). Figures depend on the platform's
allocator; compare them on one machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "photo.jpg"


def peak_mb(args: list[str]) -> float:
    """Peak RSS of ``image2music ARGS`` in MB (10^6 bytes), in a fresh process."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    cli = str(Path(sys.executable).parent / "image2music")
    done = subprocess.run(
        [sys.executable, "-c", code, cli, *args], check=True, capture_output=True, text=True
    )
    return round(int(done.stdout.strip()) * 1024 / 1e6, 1)


def big_png(path: Path) -> None:
    """An 11000 x 9000 RGB gradient: 99 megapixels that compress to about 300 KB."""
    import numpy as np
    from PIL import Image

    w, h = 11000, 9000
    x = np.linspace(0, 255, w, dtype=np.float32)
    row = np.stack([x, x[::-1], np.full(w, 90, np.float32)], -1).astype(np.uint8)
    Image.fromarray(np.ascontiguousarray(np.broadcast_to(row, (h, w, 3)))).save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--quick", action="store_true", help="a 120 s piece instead of 600 s")
    args = ap.parse_args()
    from image2music.rendering.synth import FLUIDR3_GM, fluidsynth_available

    seconds = "120" if args.quick else "600"
    synths = ["symusic"]
    if fluidsynth_available() and FLUIDR3_GM.is_file():
        synths.append("fluidsynth")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = ["-o", tmp, "--force", "-q"]
        results["example, mid+json"] = peak_mb(
            ["compose", str(EXAMPLE), *out, "--format", "mid,json"]
        )
        for synth in synths:
            results[f"{seconds} s, wav+flac+mp3, {synth}"] = peak_mb(
                ["compose", str(EXAMPLE), *out, "--format", "wav,flac,mp3",
                 "--duration", seconds, "--synth", synth]
            )  # fmt: skip
        png = Path(tmp) / "big.png"
        big_png(png)
        png_args = ["compose", str(png), *out, "--format", "mid,json"]
        results["99 MP PNG, mid+json"] = peak_mb(png_args)
    if args.json:
        print(json.dumps({"peak_rss_mb": results}, indent=2))
        return
    for case, mb in results.items():
        print(f"  {case:<36} peak RSS {mb:>8.1f} MB")


if __name__ == "__main__":
    main()
