"""Rendering speed: seconds of audio per second for each synthesiser, and compose time with audio.

Reports, for the example photo:

* synthesis speed (audio seconds per wall-clock second) of each synthesiser,
  on the raw synthesis and on the full audio path (synthesis + mastering),
  for an 8-bar piece and a 60-second piece;
* warm in-process compose with the default files (mid, wav, json, png)
  rendered in memory, per synthesiser;
* cold CLI: ``image2music compose`` in a fresh process with the default
  formats, files written, per synthesiser.

FluidSynth rows appear only when the ``fluidsynth`` program and FluidR3_GM are
installed. Run: ``.venv/bin/python benchmarks/bench_render.py [--repeats N] [--json]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "photo.jpg"
DEFAULT_FORMATS = ("mid", "wav", "json", "png")


def timeit(fn: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def synths() -> list[str]:
    from image2music.rendering.synth import FLUIDR3_GM, fluidsynth_available

    names = ["symusic"]
    if fluidsynth_available() and FLUIDR3_GM.is_file():
        names.append("fluidsynth")
    return names


def synthesis_speed(name: str, repeats: int) -> dict[str, Any]:
    import image2music
    from image2music.rendering.audio import TAIL_SEC, render_audio
    from image2music.rendering.synth import choose_synth, synthesise

    choice = choose_synth(name)
    out: dict[str, Any] = {}
    for label, kwargs in (("8 bars", {"bars": 8}), ("60 s", {"duration_sec": 60.0})):
        piece = image2music.compose(EXAMPLE, synth=name, **kwargs)
        seconds = piece.score.duration_sec + TAIL_SEC
        raw = statistics.median(timeit(functools.partial(synthesise, piece.midi, choice), repeats))
        full = statistics.median(
            timeit(functools.partial(render_audio, piece.score, piece.midi, choice), repeats)
        )
        out[label] = {
            "audio_sec": round(seconds, 2),
            "synth_x_realtime": round(seconds / raw, 1),
            "synth_plus_master_x_realtime": round(seconds / full, 1),
        }
    return out


def warm_compose_ms(name: str, repeats: int) -> float:
    import image2music

    def run() -> None:
        result = image2music.compose(EXAMPLE, synth=name)
        for fmt in DEFAULT_FORMATS:
            result.render(fmt)

    run()  # load cascades, the soundfont and matplotlib once
    return round(statistics.median(timeit(run, repeats)) * 1000, 1)


def cold_cli_ms(name: str, repeats: int) -> float:
    cli = Path(sys.executable).parent / "image2music"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(cli), "compose", str(EXAMPLE), "-o", tmp, "--force", "-q", "--synth", name]
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm the disk cache
        times = timeit(
            lambda: subprocess.run(cmd, check=True, capture_output=True, env=env), repeats
        )
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    results: dict[str, Any] = {"cpu_count": os.cpu_count(), "synths": {}}
    for name in synths():
        results["synths"][name] = {
            "speed": synthesis_speed(name, args.repeats),
            "warm_compose_with_audio_ms": warm_compose_ms(name, args.repeats),
            "cold_cli_with_audio_ms": cold_cli_ms(name, max(3, args.repeats)),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"example photo, default formats {','.join(DEFAULT_FORMATS)}, {results['cpu_count']} CPUs"
    )
    for name, r in results["synths"].items():
        print(f"  {name}")
        for label, s in r["speed"].items():
            print(
                f"    {label:<7} ({s['audio_sec']:>5} s of audio): synthesis "
                f"{s['synth_x_realtime']:>6}x real time, with mastering "
                f"{s['synth_plus_master_x_realtime']:>6}x"
            )
        print(f"    warm compose + mid/wav/json/png   {r['warm_compose_with_audio_ms']:>8} ms")
        print(f"    cold CLI compose, files written   {r['cold_cli_with_audio_ms']:>8} ms")


if __name__ == "__main__":
    main()
