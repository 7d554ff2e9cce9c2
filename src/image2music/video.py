"""A video clip -> a soundtrack exactly as long as the clip, its sections changing at the cuts.

The clip is read by :func:`image2music.vision.video.read_clip` (PyAV; the
``video`` extra): its length, its scene cuts, and up to three frames of each
scene. Every scene becomes a section of the piece
(:func:`image2music.sequence.compose_sections`), lasting exactly the scene's
seconds, its mood the mean of its frames' estimates; the last section's held
ending closes the clip. ``Composition.write(..., formats=["mp4"])`` writes the
clip with the soundtrack (:mod:`image2music.rendering.mux`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from image2music.composition import Composition
from image2music.emotion import EmotionEstimator
from image2music.errors import ConfigError
from image2music.options import ComposeOptions
from image2music.pipeline import ProgressCallback
from image2music.rendering.report import ImageInfo

__all__ = ["VideoSource", "compose_video"]

#: What :func:`compose_video` accepts: a path or the file's bytes.
VideoSource = str | os.PathLike[str] | bytes


def compose_video(
    clip: VideoSource,
    options: ComposeOptions | None = None,
    *,
    name: str | None = None,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
    decode_progress: Callable[[float, float], None] | None = None,
) -> Composition:
    """Compose a soundtrack for a video clip (MP4, MOV, WebM, MKV, animated GIF, AVI).

    Args:
        clip: The clip: a path or its bytes (at most 10 minutes).
        options: Composition options; the clip sets the length, so
            ``duration_sec`` must be ``None``.
        name: The clip's name for the report and the files (default: the
            file's name, or ``"video"`` for bytes).
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.
        decode_progress: Called while decoding with ``(seconds done, seconds total)``.

    Returns:
        The composition; ``write(outdir, ["mp4", ...])`` also writes the muxed
        video. Its report has ``video`` (cuts) and ``sections`` (one per scene).

    Raises:
        VideoError: The clip cannot be read, has no video stream, is empty,
            shorter than 2 s or longer than 10 minutes.
        ConfigError: If ``duration_sec`` is given.
        MissingDependencyError: Without PyAV (``pip install image2music[video]``).
    """
    from image2music.sequence import Picture, compose_sections
    from image2music.vision.analyse import analyse_array
    from image2music.vision.video import read_clip

    opts = options or ComposeOptions()
    if opts.duration_sec is not None:
        raise ConfigError("a soundtrack lasts as long as its clip; do not give a duration")
    if isinstance(clip, bytearray | memoryview):
        clip = bytes(clip)
    if not isinstance(clip, bytes | str | os.PathLike):
        raise ConfigError(f"compose_video needs a path or bytes, got {type(clip).__name__}")
    shown = name or (Path(os.fspath(clip)).name if not isinstance(clip, bytes) else "video")
    if progress is not None:
        progress("analyse", 0, 7)
    read = read_clip(clip, name=shown, progress=decode_progress)
    digest = _sha256(clip)
    content = opts.detect_entities or opts.emotion == "learned"
    pictures = []
    for i, scene in enumerate(read.scenes, start=1):
        views = [
            replace(
                analyse_array(frame, detect_entities=opts.detect_entities, content=content),
                width_px=read.width_px,
                height_px=read.height_px,
                format=read.codec,
            )
            for frame in scene.frames
        ]
        middle = len(views) // 2
        label = f"scene {i} ({scene.start_sec:.2f}–{scene.end_sec:.2f} s)"
        pictures.append(
            Picture(
                views[middle],
                ImageInfo(shown, digest),
                label,
                tuple(v for j, v in enumerate(views) if j != middle),
            )
        )
    video = {
        "name": shown,
        "sha256": digest,
        "duration_sec": round(read.duration_sec, 3),
        "width_px": read.width_px,
        "height_px": read.height_px,
        "codec": read.codec,
        "cuts_sec": [round(s.start_sec, 3) for s in read.scenes[1:]],
    }
    composed = compose_sections(
        pictures,
        [s.seconds for s in read.scenes],
        opts,
        title=Path(shown).stem or "video",
        estimator=estimator,
        progress=progress,
        requested_sec=read.duration_sec,
        video=video,
    )
    return replace(composed, video=clip)


def _sha256(clip: VideoSource) -> str:
    if isinstance(clip, bytes):
        return hashlib.sha256(clip).hexdigest()
    with Path(clip).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
