"""Speed of sequences and video soundtracks (issue 15's goals).

* ``sequence 180 s``: six test photos, 30 s each (a 3-minute piece): the
  pictures' analysis, and composing from analysed pictures up to the score
  and report (before audio rendering);
* ``video 60 s 1080p``: a generated 60-second 1920 x 1080 H.264 clip (a pan
  over the test photos with film grain, a cut every 10 s; 30 fps, libx264
  preset ``veryfast``, 12 Mbit/s), timed for reading (decode, cuts, frames), for
  the whole ``compose_video`` (reading, each scene's analysis and the
  composition), for rendering the soundtrack's audio and for muxing and
  writing the MP4 (the audio already rendered).

Each figure is the median of ``--repeat`` runs (default 3) in one warm
process. Goals: video analysis at most a quarter of the clip's length (15 s
for 60 s); the 3-minute sequence under 1 s before audio.

Run: ``.venv/bin/python benchmarks/bench_sequence.py [--json] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "tests" / "vision" / "data"
NAMES = ("astronaut", "camera", "coffee", "rocket", "chelsea", "ihc")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``fn`` in seconds, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def make_clip(path: Path, seconds: int = 60, fps: int = 30) -> None:
    """A 1080p clip panning over the photos, with grain; a new photo every 10 s."""
    import av
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    grain = [rng.integers(-10, 11, (1080, 1920, 3), dtype=np.int16) for _ in range(8)]
    big = [
        np.asarray(Image.open(PHOTOS / f"{n}.jpg").convert("RGB").resize((2400, 1350)))
        for n in NAMES
    ]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.options = {"preset": "veryfast"}
        stream.bit_rate = 12_000_000  # about what a phone records 1080p at
        for i in range(seconds * fps):
            photo = big[(i // (10 * fps)) % len(big)]
            x = (i % (10 * fps)) * 480 // (10 * fps)
            frame = np.clip(photo[135:1215, x : x + 1920].astype(np.int16) + grain[i % 8], 0, 255)
            picture = av.VideoFrame.from_ndarray(frame.astype(np.uint8), format="rgb24")
            for packet in stream.encode(picture):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from image2music import ComposeOptions, compose_video
    from image2music.pipeline import load_picture
    from image2music.sequence import Picture, compose_sections
    from image2music.vision.video import read_clip

    results: dict[str, Any] = {}
    photos = [PHOTOS / f"{n}.jpg" for n in NAMES]
    load_picture(photos[0], True, True)  # load the networks once
    analyse_sec, loaded = timed(lambda: [load_picture(p, True, True) for p in photos], args.repeat)
    pictures = [Picture(f, i, i.name) for f, i in loaded]
    options = ComposeOptions(seed=0)
    compose_sections(pictures, [30.0] * 6, options, title="warm-up")
    compose_sec, piece = timed(
        lambda: compose_sections(pictures, [30.0] * 6, options, title="bench"), args.repeat
    )
    results["sequence_180s"] = {
        "pictures": len(photos),
        "analyse_sec": round(analyse_sec, 3),
        "compose_before_audio_sec": round(compose_sec, 3),
        "music_sec": round(piece.score.duration_sec, 3),
    }

    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.mp4"
        start = time.perf_counter()
        make_clip(clip)
        made = time.perf_counter() - start
        read_sec, read = timed(lambda: read_clip(clip), args.repeat)
        video_sec, soundtrack = timed(lambda: compose_video(clip), args.repeat)
        render_sec, _ = timed(lambda: soundtrack.audio, 1)
        mux_sec, _ = timed(
            lambda: soundtrack.write(Path(tmp) / "out", ["mp4"], force=True), args.repeat
        )
        results["video_60s_1080p"] = {
            "clip_mb": round(clip.stat().st_size / 1e6, 1),
            "made_in_sec": round(made, 1),
            "scenes": len(read.scenes),
            "read_sec": round(read_sec, 3),
            "compose_video_sec": round(video_sec, 3),
            "share_of_clip_length": round(video_sec / read.duration_sec, 3),
            "clip_mbit_per_sec": round(clip.stat().st_size * 8 / 1e6 / read.duration_sec, 1),
            "render_audio_sec": round(render_sec, 3),
            "mux_and_write_mp4_sec": round(mux_sec, 3),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, figures in results.items():
        print(name)
        for key, value in figures.items():
            print(f"  {key:28s} {value}")


if __name__ == "__main__":
    main()
