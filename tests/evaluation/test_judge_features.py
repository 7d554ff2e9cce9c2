from __future__ import annotations

import numpy as np
import pytest

from image2music.errors import Image2MusicError
from image2music.evaluation.judge.features import FEATURE_NAMES, extract_features
from image2music.evaluation.judge.midi_reader import clip_quadrant, read_midi_bytes
from tests.evaluation.fake_emopia import MAJOR, MINOR, midi_bytes


def feats(data: bytes) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, extract_features(read_midi_bytes(data)), strict=True))


def test_fast_loud_high_differs_from_slow_soft_low() -> None:
    fast = midi_bytes([(i * 0.25, 0.25, 72 + (i % 5), 110) for i in range(64)])
    slow = midi_bytes([(i * 2.0, 2.0, 40 + (i % 5), 40) for i in range(8)])
    f, s = feats(fast), feats(slow)
    assert f["note_density"] > 4 * s["note_density"]
    assert f["onset_rate"] > 4 * s["onset_rate"]
    assert f["pitch_mean"] > s["pitch_mean"] + 20
    assert f["velocity_mean"] > s["velocity_mean"] + 50
    assert f["log_ioi_mean"] < s["log_ioi_mean"]


def test_major_and_minor_triads() -> None:
    def chords(shape: tuple[int, ...]) -> bytes:
        return midi_bytes(
            [(b * 2.0, 2.0, 60 + r + iv, 80) for b, r in enumerate((0, 5, 7, 0)) for iv in shape]
        )

    major, minor = feats(chords(MAJOR)), feats(chords(MINOR))
    assert major["triad_balance"] == 1.0 and minor["triad_balance"] == -1.0
    assert major["third_balance"] > 0 > minor["third_balance"]
    assert major["mode_major_minus_minor"] > minor["mode_major_minus_minor"]
    assert major["triad_share"] > 0.9


def test_drums_ignored_and_tempo_applied() -> None:
    notes = [(i * 1.0, 1.0, 60, 80) for i in range(8)]
    plain = read_midi_bytes(midi_bytes(notes))
    with_drums = read_midi_bytes(midi_bytes(notes, drums=[(0.0, 0.5, 36, 100)]))
    assert len(plain) == len(with_drums) == 8
    fast = read_midi_bytes(midi_bytes(notes, bpm=240))
    assert fast.onset[-1] == pytest.approx(plain.onset[-1] / 2, abs=1e-3)


def test_empty_and_bad_midi() -> None:
    assert not extract_features(read_midi_bytes(midi_bytes([]))).any()
    with pytest.raises(Image2MusicError):
        read_midi_bytes(b"not midi")


def test_features_finite_for_one_note() -> None:
    x = extract_features(read_midi_bytes(midi_bytes([(0.0, 1.0, 60, 64)])))
    assert x.shape == (len(FEATURE_NAMES),) and np.isfinite(x).all()


def test_clip_quadrant() -> None:
    assert clip_quadrant("Q3_abc_0.mid") == 3
    with pytest.raises(Image2MusicError):
        clip_quadrant("x.mid")
