from __future__ import annotations

import pytest

from image2music.arrangement.form import (
    ENDING_BARS,
    add_ending,
    form_for,
    repeat_sections,
)
from image2music.types import COMMON_TIME, Emotion

from .conftest import piece


@pytest.mark.parametrize(
    ("duration", "section", "sections"),
    [
        (8.0, 4, 1),
        (20.0, 8, 1),
        (30.0, 16, 1),
        (50.0, 8, 3),
        (66.0, 16, 2),
        (86.0, 8, 5),
        (90.0, 16, 3),
    ],
)
def test_duration_picks_sections(duration: float, section: int, sections: int) -> None:
    form = form_for(8, duration, 120.0, COMMON_TIME)  # 2 s per bar
    assert (form.section_bars, form.sections) == (section, sections)
    assert "ending" in form.reason
    length = (form.bars + ENDING_BARS) * 2.0
    assert abs(length - duration) <= 10.0


def test_bars_without_duration() -> None:
    form = form_for(16, None, 90.0, COMMON_TIME)
    assert (form.section_bars, form.sections, form.bars) == (16, 1, 16)


def test_repeat_sections_loops_chords_and_alternates_melodies() -> None:
    prog, a = piece(Emotion(0.5, 0.5), bars=4, seed=1)
    _, b = piece(Emotion(0.5, 0.5), bars=4, seed=2)
    long, mel = repeat_sections(prog, (a, b), 3)
    assert long.bars == 12 and len(long.chords) == 3 * len(prog.chords)
    span = prog.total_ticks
    assert [tc.chord for tc in long.chords[len(prog.chords) :][: len(prog.chords)]] == [
        tc.chord for tc in prog.chords
    ]
    second = [n for n in mel.notes if span <= n.start_ticks < 2 * span]
    third = [n for n in mel.notes if n.start_ticks >= 2 * span]
    assert [n.pitch for n in second] == [n.pitch for n in b.notes]
    assert [n.pitch for n in third] == [n.pitch for n in a.notes]


def test_ending_holds_the_last_chord_and_ends_on_the_tonic() -> None:
    prog, mel = piece(Emotion(-0.5, -0.2), bars=4)
    longer, ended = add_ending(prog, mel)
    assert longer.bars == prog.bars + 1
    last, before = longer.chords[-1], prog.chords[-1]
    assert (
        last.chord == before.chord and last.duration_ticks == before.duration_ticks + prog.bar_ticks
    )
    final = ended.notes[-1]
    assert final.pitch % 12 == prog.key.tonic_pc
    assert final.end_ticks == longer.total_ticks
    assert final.start_ticks >= before.start_ticks
