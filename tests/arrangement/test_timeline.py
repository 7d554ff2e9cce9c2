"""Section bars and tempos that make every section last its seconds exactly."""

from __future__ import annotations

import numpy as np
import pytest

from image2music.arrangement.form import TEMPO_RANGE_BPM, TEMPO_SLACK
from image2music.arrangement.timeline import JOIN_MIN_BARS, bar_choices, plan_timeline


def test_bar_choices_prefer_whole_phrases() -> None:
    prefs = dict(bar_choices(40))
    assert prefs[4] == prefs[8] == prefs[12] == prefs[16] == prefs[40] == 0
    assert prefs[2] == prefs[6] == 1 and prefs[1] == prefs[3] == 2
    assert 18 not in prefs and 17 not in prefs


def test_every_section_lasts_its_seconds_exactly() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(2, 8))
        seconds = rng.uniform(2.5, 90.0, n)
        planned = rng.uniform(50.0, 150.0, n)
        timeline = plan_timeline(list(seconds), list(planned), 4)
        for want, section in zip(seconds, timeline, strict=True):
            low, high = TEMPO_RANGE_BPM
            if low < section.tempo_bpm < high:
                assert section.seconds(4) == pytest.approx(want, abs=1e-6)
        assert timeline[-1].ending_bars == 1
        assert all(t.ending_bars == 0 for t in timeline[:-1])


def test_tempos_stay_near_the_plan_where_a_form_fits() -> None:
    timeline = plan_timeline([30.0, 40.0, 61.0], [90.0, 120.0, 70.0], 4)
    for planned, section in zip([90.0, 120.0, 70.0], timeline, strict=True):
        assert abs(section.tempo_bpm / planned - 1) <= TEMPO_SLACK + 0.03  # the join's share


def test_a_tempo_change_is_taken_in_two_steps() -> None:
    timeline = plan_timeline([20.0, 20.0], [70.0, 130.0], 4)
    first, second = timeline
    assert first.bars >= JOIN_MIN_BARS
    assert first.join_tempo_bpm == pytest.approx((first.tempo_bpm * second.tempo_bpm) ** 0.5)
    assert second.join_tempo_bpm is None
    same = plan_timeline([20.0, 20.0], [100.0, 100.0], 4)
    assert same[0].join_tempo_bpm is None


def test_without_seconds_each_section_has_the_bars_at_its_tempo() -> None:
    timeline = plan_timeline(None, [80.0, 120.0], 4, bars=8)
    assert [t.bars for t in timeline] == [8, 8]
    assert timeline[1].tempo_bpm == 120.0
    assert timeline[0].tempo_bpm == 80.0


def test_a_fixed_tempo_is_kept() -> None:
    timeline = plan_timeline([10.0, 10.0], [100.0, 100.0], 4, tempo_fixed=True)
    assert all(t.tempo_bpm == 100.0 and t.join_tempo_bpm is None for t in timeline)
    assert [t.bars for t in timeline] == [4, 3]  # 9.6 s, 9.6 s (3 bars + the ending)
