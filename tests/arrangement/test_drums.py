from __future__ import annotations

import pytest

from image2music.arrangement.drums import KITS, choose_drums, drum_notes
from image2music.arrangement.gm import PERCUSSION_CHANNEL
from image2music.arrangement.styles import STYLES

from .conftest import arranged

BAR, BEAT = 1920, 480


@pytest.mark.parametrize(
    ("arousal", "style", "enabled", "kit"),
    [
        (0.5, "auto", True, "light"),
        (0.8, "auto", True, "pop"),
        (0.2, "auto", True, None),
        (-0.8, "auto", True, None),
        (0.9, "auto", False, None),
        (-0.9, "pop", True, "pop"),
        (-0.9, "lofi", True, "lofi"),
        (-0.9, "lofi", False, None),
        (0.9, "ambient", True, None),
        (0.1, "cinematic", True, "toms"),
        (-0.1, "cinematic", True, None),
    ],
)
def test_drums_only_for_high_arousal_or_style(
    arousal: float, style: str, enabled: bool, kit: str | None
) -> None:
    chosen, reason = choose_drums(arousal, STYLES[style], enabled)
    assert chosen == kit
    assert reason
    if not enabled:
        assert "--no-drums" in reason


@pytest.mark.parametrize("kit", KITS)
def test_drum_part_stops_at_the_ending(kit: str) -> None:
    ending, total = 8 * BAR + 2 * BEAT, 9 * BAR + 2 * BEAT
    notes = drum_notes(kit, total_ticks=total, ending_ticks=ending, bar_ticks=BAR, beat_ticks=BEAT)
    before = [n for n in notes if n.start_ticks < ending]
    after = [n for n in notes if n.start_ticks >= ending]
    assert len(before) > 8
    assert sorted(n.pitch for n in after) == [36, 49]  # one kick and one crash
    assert all(n.start_ticks == ending for n in after)
    assert all(n.end_ticks <= total for n in notes)
    fills = [n for n in before if 3 * BAR + 3 * BEAT <= n.start_ticks < 4 * BAR]
    if kit != "lofi":
        assert any(n.pitch in (38, 41, 43, 45) for n in fills)


def test_arrangement_has_drums_on_channel_10_only_when_lively() -> None:
    lively = arranged(0.6, 0.9)
    drums = [t for t in lively.tracks if t.is_drum]
    assert len(drums) == 1 and drums[0].channel == PERCUSSION_CHANNEL and drums[0].name == "Drums"
    assert not any(t.is_drum for t in arranged(0.6, -0.5).tracks)
    assert not any(t.is_drum for t in arranged(0.6, 0.9, drums=False).tracks)
    assert lively.choice.to_report()["drums"]["on"] is True
