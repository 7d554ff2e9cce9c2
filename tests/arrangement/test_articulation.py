"""Articulation from valence: detached when happy, legato melody when sad, ending untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from image2music.arrangement.articulation import articulation_for
from image2music.types import Emotion, Note

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
TPB = 480
NOTES = [Note(60, 0, 480, 80), Note(62, 600, 240, 80), Note(64, 960, 960, 80)]


def test_happy_notes_are_detached_and_the_ending_is_not() -> None:
    art = articulation_for(Emotion(0.8, 0.0))
    assert art.gate == pytest.approx(0.76) and not art.legato
    out = art.apply(NOTES, melody=True, freeze_from=960, min_ticks=TPB // 4)
    assert [n.duration_ticks for n in out] == [365, 182, 960]
    assert [n.start_ticks for n in out] == [0, 600, 960]


def test_sad_melody_is_joined_up_but_chords_are_not() -> None:
    art = articulation_for(Emotion(-0.6, 0.0))
    assert art.gate == 1.0 and art.legato
    melody = art.apply(NOTES, melody=True, freeze_from=10_000, min_ticks=TPB // 4)
    assert melody[0].end_ticks == 600  # a 16th gap (120 ticks) closed
    assert melody[1].end_ticks == 960  # a 16th gap closed
    chords = art.apply(NOTES, melody=False, freeze_from=10_000, min_ticks=TPB // 4)
    assert chords == NOTES


def test_neutral_is_as_written() -> None:
    art = articulation_for(Emotion(0.0, 0.5))
    assert art.apply(NOTES, melody=True, freeze_from=0, min_ticks=120) == NOTES
    assert "as written" in art.reason


def test_the_report_says_it() -> None:
    import image2music

    piece = image2music.compose(EXAMPLE, bars=4, valence=0.8)
    art = piece.report["arrangement"]["articulation"]
    assert art["gate"] == 0.76 and art["legato"] is False
    assert art["reason"] == "detached (76% of each note): valence +0.80"
    assert any(line.startswith("articulation detached") for line in piece.report["why"])
