"""Read a video clip: its length, its scene cuts and a few frames of each scene.

Decoding is PyAV's (FFmpeg inside its wheels; the ``video`` extra), so MP4,
MOV, WebM, MKV and animated GIF need no system install. The clip is decoded
once, as cheaply as thumbnails allow: frames that no other frame refers to
are skipped (``skip_frame=NONREF``), the deblocking filter is off, and H.264
uses slice threads (faster than frame threads on two cores). Only sampled
frames are converted, at a small size:

* every :data:`CUT_FPS`-th of a second a 64 x 36-ish frame for the cut
  detector, so a cut is placed within ``1 / CUT_FPS`` s (0.1 s);
* every :data:`FRAME_FPS`-th of a second a frame with its longest side
  :data:`FRAME_SIDE_PX` for the scene's emotion.

**Cuts** are found like PySceneDetect's ``ContentDetector``: the mean absolute
change of hue, saturation and value (0..255 each) between consecutive sampled
frames; a change above :data:`CUT_THRESHOLD` (27, its default) is a cut.
**Dissolves** (cross-fades, which change little from frame to frame) are
found from the change across a :data:`DISSOLVE_SEC` window: a peak above
:data:`DISSOLVE_THRESHOLD` that rises :data:`DISSOLVE_RISE` above the change a
window away on both sides (a steady pan does not). Scenes shorter than
``min_scene_sec`` are merged into the scene before.
``benchmarks/bench_cuts.py`` measures both against PySceneDetect.

**Limits**: a clip of at most :data:`MAX_CLIP_SEC` seconds (10 minutes), at
least :data:`MIN_CLIP_SEC`; a file without a video stream, a truncated or
corrupt file, or a zero-length clip is a :class:`~image2music.errors.VideoError`
with one line naming the file.
"""

from __future__ import annotations

import io
import itertools
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import MissingDependencyError, VideoError

__all__ = [
    "CUT_FPS",
    "CUT_THRESHOLD",
    "DISSOLVE_SEC",
    "FRAME_FPS",
    "FRAME_SIDE_PX",
    "MAX_CLIP_SEC",
    "MIN_CLIP_SEC",
    "VIDEO_SUFFIXES",
    "Clip",
    "Scene",
    "content_change",
    "find_cuts",
    "read_clip",
]

#: Longest clip accepted, in seconds.
MAX_CLIP_SEC = 600.0
#: Shortest clip accepted, in seconds (one 2-bar section at the fastest tempo).
MIN_CLIP_SEC = 2.0
#: Frames per second looked at by the cut detector.
CUT_FPS = 10.0
#: Frames per second kept for the scenes' emotions.
FRAME_FPS = 1.0
#: Longest side of the kept frames, in pixels.
FRAME_SIDE_PX = 320
#: Mean HSV change (0..255) above which two frames are in different scenes.
CUT_THRESHOLD = 27.0
#: Window over which a dissolve (a cross-fade between scenes) is measured, in seconds.
DISSOLVE_SEC = 1.2
#: Change across the window above which a peak may be a dissolve (twice a cut's).
DISSOLVE_THRESHOLD = 2 * CUT_THRESHOLD
#: How far a dissolve's peak must rise above the window's change a window away.
DISSOLVE_RISE = 20.0
#: Frames of a scene whose emotions are averaged.
FRAMES_PER_SCENE = 3
#: File name endings of the clips the CLI accepts.
VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mkv", ".gif", ".avi"})

_CUT_SIZE = (64, 36)

#: Called as ``progress(seconds_done, seconds_total)`` while decoding.
DecodeProgress = Callable[[float, float], None]


@dataclass(frozen=True)
class Scene:
    """A stretch of the clip between two cuts.

    Attributes:
        start_sec: Where it starts, from the clip's start.
        end_sec: Where it ends.
        frames: Up to :data:`FRAMES_PER_SCENE` RGB frames from inside it,
            ``uint8`` (height, width, 3), longest side :data:`FRAME_SIDE_PX`.
    """

    start_sec: float
    end_sec: float
    frames: tuple[NDArray[np.uint8], ...]

    @property
    def seconds(self) -> float:
        """Length of the scene."""
        return self.end_sec - self.start_sec


@dataclass(frozen=True)
class Clip:
    """What was read from a video file.

    Attributes:
        name: The file's name.
        duration_sec: Length of the video stream.
        width_px: Frame width.
        height_px: Frame height.
        codec: The video codec's name, e.g. ``"h264"``.
        scenes: The scenes, in order, covering the clip.
        changes: The content change at each sampled frame (for diagnostics).
    """

    name: str
    duration_sec: float
    width_px: int
    height_px: int
    codec: str
    scenes: tuple[Scene, ...]
    changes: tuple[float, ...] = ()


def _av() -> Any:
    try:
        import av
    except ImportError as e:
        raise MissingDependencyError("av", "video", "reading video clips") from e
    return av


def content_change(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> float:
    """Mean absolute HSV change (0..255) between two small RGB frames of the same size."""
    import cv2

    ha = cv2.cvtColor(a, cv2.COLOR_RGB2HSV_FULL).astype(np.int16)
    hb = cv2.cvtColor(b, cv2.COLOR_RGB2HSV_FULL).astype(np.int16)
    hue = np.abs(ha[..., 0] - hb[..., 0])
    hue = np.minimum(hue, 256 - hue)  # hue is a circle
    rest = np.abs(ha[..., 1:] - hb[..., 1:])
    return float((hue.mean() + rest[..., 0].mean() + rest[..., 1].mean()) / 3.0)


def find_cuts(
    times_sec: list[float],
    changes: list[float],
    *,
    threshold: float = CUT_THRESHOLD,
    min_scene_sec: float = MIN_CLIP_SEC,
    end_sec: float,
    spans: list[float] | None = None,
) -> list[float]:
    """Times where a new scene starts (module docstring); scenes stay ``min_scene_sec`` long.

    Args:
        times_sec: Time of each sampled frame.
        changes: Content change from the frame before (the first is 0).
        threshold: Change that makes a cut.
        min_scene_sec: Shortest scene; a cut closer than this to the previous
            cut (or to the clip's start or end) is dropped.
        end_sec: Length of the clip.
        spans: Content change across :data:`DISSOLVE_SEC` centred on each
            sampled frame (0 where the window does not fit), for dissolves;
            ``None`` finds hard cuts only.

    Returns:
        The cut times, increasing, excluding 0 and the end.
    """
    found = [
        (t, i) for i, (t, c) in enumerate(zip(times_sec, changes, strict=True)) if c > threshold
    ]
    if spans is not None:  # a window straddling a hard cut is no dissolve
        hard = [i for _, i in found]
        reach = round(DISSOLVE_SEC * CUT_FPS)
        found += [
            (times_sec[i], i)
            for i in _dissolves(spans)
            if not any(abs(i - j) <= reach for j in hard)
        ]
    cuts: list[float] = []
    last = 0.0
    for t, _ in sorted(found):
        if t - last >= min_scene_sec and end_sec - t >= min_scene_sec:
            cuts.append(t)
            last = t
    return cuts


def _dissolves(spans: list[float]) -> list[int]:
    """Samples where a gradual change peaks: a bump in ``spans`` above its surroundings."""
    reach = round(DISSOLVE_SEC * CUT_FPS / 2)
    out = []
    for i in range(2 * reach, len(spans) - 2 * reach):
        here = spans[i]
        if here < DISSOLVE_THRESHOLD or here < max(spans[i - reach : i + reach + 1]):
            continue
        around = max(spans[i - 2 * reach], spans[i + 2 * reach])
        if here - around >= DISSOLVE_RISE:
            out.append(i)
    return out


def _open(source: str | os.PathLike[str] | bytes, name: str) -> Any:
    av = _av()
    try:
        target: Any = io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source)
        return av.open(target, mode="r")
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as e:
        raise VideoError(f"{name}: not a video clip FFmpeg can read ({_short(e)})") from e


def _short(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:160] or type(e).__name__


def read_clip(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    min_scene_sec: float = MIN_CLIP_SEC,
    threshold: float = CUT_THRESHOLD,
    progress: DecodeProgress | None = None,
) -> Clip:
    """Decode a clip: its length, its scenes and a few frames of each.

    Args:
        source: A path or the file's bytes.
        name: The name errors and the report use (default: the file's name).
        min_scene_sec: Shortest scene, in seconds (default :data:`MIN_CLIP_SEC`).
        threshold: Content change that makes a cut (default :data:`CUT_THRESHOLD`).
        progress: Called now and then with seconds decoded and the clip's length.

    Returns:
        The clip.

    Raises:
        VideoError: No video stream, unreadable, zero length, or longer than
            :data:`MAX_CLIP_SEC`.
        MissingDependencyError: Without PyAV (``pip install image2music[video]``).
    """
    av = _av()
    shown = name or (Path(os.fspath(source)).name if not isinstance(source, bytes) else "video")
    if not isinstance(source, bytes):
        path = Path(os.fspath(source))
        if not path.is_file():
            what = "does not exist" if not path.exists() else "is not a regular file"
            raise VideoError(f"{shown}: {what}")
    container = _open(source, shown)
    try:
        if not container.streams.video:
            raise VideoError(f"{shown}: has no video stream")
        stream = container.streams.video[0]
        _fast_decoding(stream)
        declared = _declared_seconds(container, stream)
        if declared is not None and declared > MAX_CLIP_SEC:
            raise VideoError(
                f"{shown}: {declared:.0f} s long; clips of at most {MAX_CLIP_SEC:.0f} s "
                "(10 minutes) are accepted"
            )
        return _decode(container, stream, shown, declared, min_scene_sec, threshold, progress)
    except av.FFmpegError as e:
        raise VideoError(f"{shown}: the video cannot be decoded ({_short(e)})") from e
    finally:
        container.close()


def _fast_decoding(stream: Any) -> None:
    """Decode only what the thumbnails need (see the module docstring)."""
    stream.codec_context.skip_frame = "NONREF"  # frames no other frame refers to
    stream.codec_context.options = {"skip_loop_filter": "all"}  # no deblocking
    # Slice threads beat frame threads for H.264 on two cores (benchmarks/bench_sequence.py).
    stream.thread_type = "SLICE" if stream.codec_context.name == "h264" else "AUTO"


def _declared_seconds(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000.0
    return None


def _frame_size(width: int, height: int) -> tuple[int, int]:
    scale = FRAME_SIDE_PX / max(width, height)
    if scale >= 1.0:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode(
    container: Any,
    stream: Any,
    name: str,
    declared: float | None,
    min_scene_sec: float,
    threshold: float,
    progress: DecodeProgress | None,
) -> Clip:
    times: list[float] = []
    changes: list[float] = []
    kept: list[tuple[float, NDArray[np.uint8]]] = []
    previous: NDArray[np.uint8] | None = None
    reach = round(DISSOLVE_SEC * CUT_FPS / 2)
    window: deque[NDArray[np.uint8]] = deque(maxlen=2 * reach + 1)
    spans: list[float] = [0.0] * reach
    next_cut, next_keep = 0.0, 0.0
    end = 0.0
    first: float | None = None
    width = height = 0
    reported = 0.0
    for frame in container.decode(stream):
        if frame.time is None:
            continue
        t = float(frame.time)
        first = t if first is None else first
        t -= first
        duration = float(frame.duration * frame.time_base) if frame.duration else 0.0
        end = max(end, t + duration, t)
        width, height = frame.width, frame.height
        if t > MAX_CLIP_SEC:
            raise VideoError(
                f"{name}: longer than {MAX_CLIP_SEC:.0f} s; clips of at most 10 minutes "
                "are accepted"
            )
        if t + 1e-6 >= next_cut:  # the first frame at or after each grid time
            small = frame.to_ndarray(width=_CUT_SIZE[0], height=_CUT_SIZE[1], format="rgb24")
            times.append(t)
            changes.append(0.0 if previous is None else content_change(previous, small))
            previous = small
            window.append(small)
            if len(window) == window.maxlen:  # the change across the window, at its middle
                spans.append(content_change(window[0], window[-1]))
            while next_cut <= t + 1e-6:  # a fixed grid: samples do not drift
                next_cut += 1.0 / CUT_FPS
        if t + 1e-6 >= next_keep:
            w, h = _frame_size(frame.width, frame.height)
            kept.append((t, frame.to_ndarray(width=w, height=h, format="rgb24")))
            while next_keep <= t + 1e-6:
                next_keep += 1.0 / FRAME_FPS
        if progress is not None and declared and t - reported >= 1.0:
            progress(t, declared)
            reported = t
    if not times:
        raise VideoError(f"{name}: no frame could be decoded (empty or truncated clip)")
    if len(times) == 1 or end <= 0.0:
        end = max(end, 1.0 / CUT_FPS)
    if end < MIN_CLIP_SEC:
        raise VideoError(
            f"{name}: {end:.2f} s long; a clip needs at least {MIN_CLIP_SEC:g} s of video"
        )
    spans += [0.0] * (len(times) - len(spans))
    cuts = find_cuts(
        times, changes, threshold=threshold, min_scene_sec=min_scene_sec, end_sec=end, spans=spans
    )
    bounds = [0.0, *cuts, end]
    scenes = tuple(Scene(a, b, _scene_frames(kept, a, b)) for a, b in itertools.pairwise(bounds))
    return Clip(
        name,
        end,
        width,
        height,
        str(stream.codec_context.name),
        scenes,
        tuple(changes),
    )


def _scene_frames(
    kept: list[tuple[float, NDArray[np.uint8]]], start: float, end: float
) -> tuple[NDArray[np.uint8], ...]:
    """Up to :data:`FRAMES_PER_SCENE` kept frames spread over the scene (else the nearest)."""
    inside = [f for t, f in kept if start <= t < end]
    if not inside:
        nearest = min(kept, key=lambda tf: abs(tf[0] - (start + end) / 2))
        return (nearest[1],)
    if len(inside) <= FRAMES_PER_SCENE:
        return tuple(inside)
    picks = np.linspace(0, len(inside) - 1, FRAMES_PER_SCENE + 2)[1:-1]
    return tuple(inside[round(p)] for p in picks)
