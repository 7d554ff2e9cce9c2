"""Put the soundtrack into the video: an MP4 with the clip's pictures and the music as AAC.

The video stream is copied without re-encoding when MP4 can carry its codec
(:data:`COPIED_CODECS`: H.264, HEVC, MPEG-4, VP9, AV1); other codecs (an
animated GIF, for example) are re-encoded with H.264 (libx264, CRF 20,
``yuv420p``, even frame sizes). The audio is AAC at 44.1 kHz stereo, cut to the
clip's length with a short fade so it ends with the pictures. The clip's own
audio, if any, is dropped. Container metadata is written bit-exact (no
creation time, no encoder version), so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import MissingDependencyError, OutputError

__all__ = ["AAC_BITRATE", "COPIED_CODECS", "FADE_SEC", "mux_video"]

#: Codecs copied into MP4 as they are.
COPIED_CODECS = frozenset({"h264", "hevc", "mpeg4", "vp9", "av1"})
#: Bit rate of the AAC soundtrack, bits per second.
AAC_BITRATE = 192_000
#: Fade-out at the clip's end, in seconds.
FADE_SEC = 0.3

_FRAME_SAMPLES = 1024


def _av() -> Any:
    try:
        import av
    except ImportError as e:
        raise MissingDependencyError("av", "video", "writing the muxed video") from e
    return av


def mux_video(
    source: str | os.PathLike[str] | bytes,
    samples: NDArray[np.float32],
    sample_rate: int,
    duration_sec: float,
) -> bytes:
    """The MP4 bytes of the clip's pictures with ``samples`` as its sound.

    Args:
        source: The clip: a path or its bytes.
        samples: The soundtrack, float (frames, 2) in [-1, 1].
        sample_rate: Its sample rate, in Hz.
        duration_sec: The clip's length; the sound is cut (and faded) or
            padded with silence to it.

    Returns:
        The MP4 file's bytes.

    Raises:
        OutputError: If FFmpeg cannot write the file.
    """
    av = _av()
    total = max(1, round(duration_sec * sample_rate))
    audio = np.zeros((total, 2), dtype=np.float32)
    n = min(total, len(samples))
    audio[:n] = samples[:n, :2] if samples.ndim == 2 else samples[:n, None]
    fade = min(total, round(FADE_SEC * sample_rate))
    audio[total - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    buf = io.BytesIO()
    try:
        target: Any = io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source)
        with (
            av.open(target, "r") as clip,
            av.open(buf, "w", format="mp4", options={"fflags": "+bitexact"}) as out,
        ):
            in_video = clip.streams.video[0]
            copy = in_video.codec_context.name in COPIED_CODECS
            if copy:
                out_video = out.add_stream_from_template(in_video)
            else:
                out_video = out.add_stream("libx264", rate=in_video.average_rate or 25)
                out_video.width = in_video.width - in_video.width % 2
                out_video.height = in_video.height - in_video.height % 2
                out_video.pix_fmt = "yuv420p"
                out_video.options = {"crf": "20"}
            out_audio = out.add_stream("aac", rate=sample_rate, layout="stereo")
            out_audio.bit_rate = AAC_BITRATE
            _write_audio(av, out, out_audio, audio, sample_rate)
            if copy:
                for packet in clip.demux(in_video):
                    if packet.dts is None:
                        continue
                    packet.stream = out_video
                    out.mux(packet)
            else:
                _reencode(av, clip, in_video, out, out_video)
    except av.FFmpegError as e:
        raise OutputError(f"could not write the muxed video: {' '.join(str(e).split())}") from e
    return buf.getvalue()


def _write_audio(av: Any, out: Any, stream: Any, audio: NDArray[np.float32], rate: int) -> None:
    planar = np.ascontiguousarray(audio.T)
    for start in range(0, planar.shape[1], _FRAME_SAMPLES):
        chunk = np.ascontiguousarray(planar[:, start : start + _FRAME_SAMPLES])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate = rate
        frame.pts = start
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def _reencode(av: Any, clip: Any, in_video: Any, out: Any, out_video: Any) -> None:
    first: int | None = None
    for index, frame in enumerate(clip.decode(in_video)):
        picture = frame.reformat(width=out_video.width, height=out_video.height, format="yuv420p")
        rate = out_video.codec_context.time_base
        if frame.time is not None and rate:
            pts = round(frame.time / rate)
            first = pts if first is None else first
            picture.pts = pts - first
        else:
            picture.pts = index
        picture.time_base = rate
        for packet in out_video.encode(picture):
            out.mux(packet)
    for packet in out_video.encode(None):
        out.mux(packet)
