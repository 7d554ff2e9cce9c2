"""Reading clips: formats, scene cuts, and one-line errors for bad clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from image2music.errors import VideoError
from image2music.vision.video import CUT_FPS, MAX_CLIP_SEC, content_change, find_cuts, read_clip
from tests.clips import SCENE_SECONDS, MakeClip, write_clip
from tests.conftest import need

need("av", "video clips")


def test_three_stills_are_three_scenes(three_scenes: Path) -> None:
    clip = read_clip(three_scenes)
    assert clip.duration_sec == pytest.approx(sum(SCENE_SECONDS), abs=0.05)
    assert clip.codec == "h264" and (clip.width_px, clip.height_px) == (320, 240)
    starts = [s.start_sec for s in clip.scenes]
    assert starts == pytest.approx([0.0, 5.0, 11.0], abs=1.0 / CUT_FPS)
    for scene in clip.scenes:
        assert 1 <= len(scene.frames) <= 3
        assert scene.frames[0].dtype == np.uint8 and max(scene.frames[0].shape[:2]) <= 320


@pytest.mark.parametrize(
    ("name", "codec", "container"),
    [
        ("clip.webm", "libvpx-vp9", "webm"),
        ("clip.mov", "mpeg4", "mov"),
        ("clip.mkv", "libx264", "matroska"),
        ("clip.gif", "gif", "gif"),
    ],
)
def test_other_formats(make_clip: MakeClip, name: str, codec: str, container: str) -> None:
    path = make_clip(name, (3.0, 3.0), codec=codec, container=container, fps=10)
    clip = read_clip(path)
    assert clip.duration_sec == pytest.approx(6.0, abs=0.15)
    assert [s.start_sec for s in clip.scenes] == pytest.approx([0.0, 3.0], abs=1.0 / CUT_FPS)


def test_cuts_keep_scenes_apart() -> None:
    times = [i / 10 for i in range(100)]
    changes = [0.0] * 100
    for i in (5, 30, 31, 90):
        changes[i] = 60.0
    assert find_cuts(times, changes, min_scene_sec=2.0, end_sec=10.0) == [3.0]


def test_content_change_sees_a_new_picture_not_noise() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (36, 64, 3), dtype=np.uint8)
    noisy = np.clip(a.astype(int) + rng.integers(-3, 4, a.shape), 0, 255).astype(np.uint8)
    assert content_change(a, noisy) < 5
    assert content_change(a, 255 - a) > 27


def test_bytes_are_read_too(three_scenes: Path) -> None:
    assert len(read_clip(three_scenes.read_bytes(), name="x.mp4").scenes) == 3


def test_no_video_stream(tmp_path: Path) -> None:
    av = need("av")
    path = tmp_path / "sound.m4a"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=44100, layout="stereo")
        frame = av.AudioFrame.from_ndarray(
            np.zeros((2, 1024), np.float32), format="fltp", layout="stereo"
        )
        frame.sample_rate = 44100
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    with pytest.raises(VideoError, match=r"^sound\.m4a: has no video stream$"):
        read_clip(path)


def test_corrupt_truncated_and_empty_clips(tmp_path: Path, three_scenes: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01 not a video " * 100)
    with pytest.raises(VideoError, match=r"^junk\.mp4: not a video clip"):
        read_clip(junk)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(three_scenes.read_bytes()[:3000])
    with pytest.raises(VideoError, match=r"^cut\.mp4: "):
        read_clip(cut)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoError, match=r"^empty\.mp4: "):
        read_clip(empty)
    with pytest.raises(VideoError, match="does not exist"):
        read_clip(tmp_path / "missing.mp4")
    with pytest.raises(VideoError, match="not a regular file"):
        read_clip(tmp_path)


def test_too_short_and_too_long(tmp_path: Path) -> None:
    av = need("av")
    frames = [np.zeros((64, 64, 3), np.uint8)]
    short = write_clip(tmp_path / "short.mp4", frames, [1.0])
    with pytest.raises(VideoError, match=r"short\.mp4: 1\.\d+ s long; a clip needs at least 2 s"):
        read_clip(short)
    long = tmp_path / "long.mp4"  # two frames 11 minutes apart: a cheap long clip
    with av.open(str(long), "w") as out:
        stream = out.add_stream("libx264", rate=1)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for pts in (0, int(MAX_CLIP_SEC) + 60):
            frame = av.VideoFrame.from_ndarray(frames[0], format="rgb24")
            frame.pts = pts
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with pytest.raises(
        VideoError, match=r"long\.mp4: .*at most 600 s|long\.mp4: longer than 600 s"
    ):
        read_clip(long)


def test_a_dissolve_is_a_cut_at_its_middle(tmp_path: Path) -> None:
    from tests.clips import stills

    a, b, _ = stills()
    fade = 25  # one second at 25 fps
    frames = [a] * 100 + [
        ((1 - (k + 0.5) / fade) * a + (k + 0.5) / fade * b).astype(np.uint8) for k in range(fade)
    ] + [b] * 100  # fmt: skip
    path = write_clip(tmp_path / "dissolve.mp4", frames, [0.04] * len(frames))
    clip = read_clip(path)
    assert [s.start_sec for s in clip.scenes] == pytest.approx([0.0, 4.5], abs=0.3)


def test_a_steady_pan_is_one_scene(tmp_path: Path) -> None:
    from tests.clips import stills

    wide = np.concatenate(stills()[:1] * 2, axis=1)  # 640 px wide
    frames = [np.ascontiguousarray(wide[:, x : x + 320]) for x in range(0, 320, 2)]
    path = write_clip(tmp_path / "pan.mp4", frames, [0.04] * len(frames))
    assert len(read_clip(path).scenes) == 1
