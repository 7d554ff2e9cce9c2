"""A soundtrack for a clip: as long as the clip, sections at the cuts, muxed into an MP4."""

from __future__ import annotations

from pathlib import Path

import pytest

from image2music import ComposeOptions, Composition, compose_video
from image2music.errors import ConfigError
from tests.clips import SCENE_SECONDS, MakeClip
from tests.conftest import need

need("av", "video clips")


@pytest.fixture(scope="module")
def soundtrack(three_scenes: Path) -> Composition:
    return compose_video(three_scenes, ComposeOptions(seed=2))


def test_sections_start_within_a_beat_of_the_cuts(soundtrack: Composition) -> None:
    report = soundtrack.report
    assert report["video"]["cuts_sec"] == pytest.approx([5.0, 11.0], abs=0.1)
    sections = report["sections"]
    assert len(sections) == 3
    for section, cut in zip(sections[1:], report["video"]["cuts_sec"], strict=True):
        beat_sec = 60.0 / section["tempo_bpm"]
        assert abs(section["start_sec"] - cut) <= beat_sec
    assert soundtrack.score.duration_sec == pytest.approx(sum(SCENE_SECONDS), abs=0.1)
    assert [s["source"].split(" (")[0] for s in sections] == ["scene 1", "scene 2", "scene 3"]


def test_the_scenes_moods_lead_the_music(soundtrack: Composition) -> None:
    modes = [s["mode"] for s in soundtrack.report["sections"]]
    valences = [s["emotion"]["valence"] for s in soundtrack.report["sections"]]
    assert modes == ["major" if v >= 0 else "minor" for v in valences]
    assert "minor" in modes and "major" in modes


def test_muxed_mp4_has_the_clip_and_a_soundtrack_as_long(
    soundtrack: Composition, three_scenes: Path, tmp_path: Path
) -> None:
    av = need("av")
    written = soundtrack.write(tmp_path, ["mp4", "json"])
    with av.open(str(written["mp4"])) as f:
        video, audio = f.streams.video[0], f.streams.audio[0]
        assert video.codec_context.name == "h264" and audio.codec_context.name == "aac"
        clip_sec = float(video.duration * video.time_base)
        audio_sec = float(audio.duration * audio.time_base)
    assert clip_sec == pytest.approx(sum(SCENE_SECONDS), abs=0.05)
    assert audio_sec == pytest.approx(clip_sec, abs=0.05)
    with av.open(str(three_scenes)) as src, av.open(str(written["mp4"])) as out:
        copied = [bytes(p) for p in out.demux(out.streams.video[0]) if p.size]
        original = [bytes(p) for p in src.demux(src.streams.video[0]) if p.size]
    assert copied == original  # the pictures are copied, not re-encoded
    again = soundtrack.write(tmp_path / "again", ["mp4"])
    assert again["mp4"].read_bytes() == written["mp4"].read_bytes()


def test_a_gif_is_reencoded_into_the_mp4(make_clip: MakeClip, tmp_path: Path) -> None:
    av = need("av")
    gif = make_clip("moving.gif", (2.5, 2.5), codec="gif", container="gif", fps=10)
    written = compose_video(gif).write(tmp_path / "out", ["mp4"])
    with av.open(str(written["mp4"])) as f:
        assert f.streams.video[0].codec_context.name == "h264"
        assert float(f.streams.audio[0].duration * f.streams.audio[0].time_base) == pytest.approx(
            5.0, abs=0.1
        )


def test_a_duration_cannot_be_given(three_scenes: Path) -> None:
    with pytest.raises(ConfigError, match="as long as its clip"):
        compose_video(three_scenes, ComposeOptions(duration_sec=30))


def test_mp4_needs_a_video() -> None:
    from image2music import compose

    photo = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
    with pytest.raises(ConfigError, match="unknown format"):
        compose(photo, bars=4).write("unused", ["mp4"])
