from __future__ import annotations

from pathlib import Path

import pytest

from image2music.arrangement.form import (
    ENDING_BARS,
    TEMPO_RANGE_BPM,
    TEMPO_SLACK,
    add_ending,
    form_for,
    join_sections,
    section_layout,
)
from image2music.types import COMMON_TIME, Emotion, Note

from .conftest import piece

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


@pytest.mark.parametrize(
    ("duration", "section", "sections"),
    [
        (10.0, 4, 1),
        (18.0, 8, 1),
        (34.0, 16, 1),
        (50.0, 8, 3),
        (66.0, 16, 2),
        (86.0, 8, 5),
        (90.0, 4, 11),
    ],
)
def test_duration_picks_sections(duration: float, section: int, sections: int) -> None:
    form = form_for(8, duration, 120.0, COMMON_TIME)  # 2 s per bar
    assert (form.section_bars, form.sections) == (section, sections)
    assert "ending" in form.reason
    assert form.tempo_bpm is not None
    length = (form.bars + ENDING_BARS) * 4 * 60.0 / form.tempo_bpm
    assert length == pytest.approx(duration, abs=1e-9)
    assert abs(form.tempo_bpm / 120.0 - 1.0) <= TEMPO_SLACK


@pytest.mark.parametrize("tempo", [55.0, 72.0, 96.0, 120.0, 150.0, 180.0])
@pytest.mark.parametrize("duration", [10.0, 23.3, 47.0, 90.0, 181.7, 300.0, 600.0])
def test_every_duration_is_exact(duration: float, tempo: float) -> None:
    form = form_for(8, duration, tempo, COMMON_TIME)
    assert form.tempo_bpm is not None
    assert TEMPO_RANGE_BPM[0] <= form.tempo_bpm <= TEMPO_RANGE_BPM[1]
    length = (form.bars + ENDING_BARS) * 4 * 60.0 / form.tempo_bpm
    assert length == pytest.approx(duration, abs=1e-6)
    if duration >= 90:  # long pieces have forms to spare: the tempo barely moves
        assert abs(form.tempo_bpm / tempo - 1.0) <= TEMPO_SLACK


def test_a_fixed_tempo_is_kept() -> None:
    form = form_for(8, 90.0, 100.0, COMMON_TIME, tempo_fixed=True)
    assert form.tempo_bpm is None and "fixed 100 bpm" in form.reason
    assert abs((form.bars + ENDING_BARS) * 2.4 - 90.0) <= 4.8


def test_bars_without_duration() -> None:
    form = form_for(16, None, 90.0, COMMON_TIME)
    assert (form.section_bars, form.sections, form.bars) == (16, 1, 16)


def test_join_sections_plays_them_end_to_end() -> None:
    prog, a = piece(Emotion(0.5, 0.5), bars=4, seed=1)
    other, b = piece(Emotion(0.5, 0.5), bars=4, seed=2)
    long, mel = join_sections([(prog, a), (other, b), (prog, b)])
    assert long.bars == 12 and len(long.chords) == 2 * len(prog.chords) + len(other.chords)
    span = prog.total_ticks
    second = [tc.chord for tc in long.chords if span <= tc.start_ticks < 2 * span]
    assert second == [tc.chord for tc in other.chords]
    third = [n for n in mel.notes if n.start_ticks >= 2 * span]
    assert [n.pitch for n in third] == [n.pitch for n in b.notes]
    assert section_layout(1) == "A" and section_layout(4) == "ABAB"
    assert section_layout(5) == "ABACB" and section_layout(6) == "ABABCB"


def test_long_pieces_have_two_progressions_and_no_repeated_section() -> None:
    import image2music

    piece_ = image2music.compose(EXAMPLE, duration_sec=90, seed=2)
    form = piece_.report["arrangement"]["form"]
    assert form["sections"] >= 3 and form["layout"].startswith("A B A")
    span = form["section_bars"] * piece_.score.progression.bar_ticks

    def section(track_notes: list[Note], i: int) -> list[tuple[int, int, int]]:
        return [
            (n.pitch, n.start_ticks - i * span, n.duration_ticks)
            for n in track_notes
            if i * span <= n.start_ticks < (i + 1) * span
        ]

    chords = piece_.score.progression.chords
    progressions = {
        tuple(tc.chord for tc in chords if i * span <= tc.start_ticks < (i + 1) * span)
        for i in range(form["sections"])
    }
    assert len(progressions) >= 2
    melody = list(piece_.score.melody.notes)
    bodies = [tuple(section(melody, i)) for i in range(form["sections"])]
    assert len(set(bodies)) == len(bodies)  # no two sections share their melody


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
