"""The mix: where each part sits, how loud it is, and how much of which room it gets.

Every pitched part gets a pan, a channel volume and reverb and chorus sends,
written into the MIDI file as control changes at its start (CC 10, 7, 91 and
93), so a DAW or synthesiser that opens the file hears the same mix; both of
image2music's synthesisers play them (:mod:`image2music.rendering.synth`).

**Stereo image** (pan, -1 left .. +1 right; :data:`PANS`): bass and drums in
the centre, the melody just right of it, chords to the left and the pad to
the right, as in a produced track.

**Room** (:func:`room_for`), from the style, else from the mood:

===========  ==========================================================
style/mood   room
===========  ==========================================================
pop          plate (bright, short; sends kept low: punchy)
lofi, folk   room (small)
ambient      hall
cinematic    hall, or a cathedral when the picture inspires awe
auto         cathedral for awe; hall for calm moods (arousal < -0.3);
             plate for lively ones (arousal > 0.4); otherwise room
===========  ==========================================================

**Sends** (0..127): the room's base send (:data:`ROOM_SENDS`) times the
part's share (:data:`SEND_SHARES`: the pad most, the bass and drums little);
chorus goes to the pad and sustained chords (and, in lofi, the melody too:
its warble). **Sustain pedal** (CC 64) for piano-family chords played as
arpeggios or broken chords: down just after each chord starts, up just
before the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from image2music.arrangement.gm import is_sustained
from image2music.types import Control, Emotion, TimedChord

__all__ = [
    "CC_CHORUS",
    "CC_PAN",
    "CC_REVERB",
    "CC_SUSTAIN",
    "CC_VOLUME",
    "PANS",
    "ROOM_SENDS",
    "SEND_SHARES",
    "Mix",
    "PartMix",
    "mix_for",
    "room_for",
]

CC_VOLUME, CC_PAN, CC_SUSTAIN, CC_REVERB, CC_CHORUS = 7, 10, 64, 91, 93

#: Pan of each part, -1 (left) .. +1 (right).
PANS: Mapping[str, float] = MappingProxyType(
    {"melody": 0.1, "chords": -0.6, "bass": 0.0, "pad": 0.6, "drums": 0.0}
)
#: Channel volume (CC 7) of each part.
VOLUMES: Mapping[str, int] = MappingProxyType(
    {"melody": 110, "chords": 96, "bass": 104, "pad": 88, "drums": 100}
)
#: Reverb send of a part with a full share, by room.
ROOM_SENDS: Mapping[str, int] = MappingProxyType(
    {"dry": 24, "room": 40, "plate": 44, "hall": 64, "cathedral": 80}
)
#: Each part's share of the room's send.
SEND_SHARES: Mapping[str, float] = MappingProxyType(
    {"melody": 0.9, "chords": 1.0, "bass": 0.3, "pad": 1.4, "drums": 0.5}
)
#: Chorus send of a part that gets chorus.
CHORUS_SEND = 48
#: Piano-family programs (GM 0-7) that take the sustain pedal in broken patterns.
_PEDAL_PROGRAMS = range(8)
_PEDAL_PATTERNS = frozenset({"arpeggio", "broken"})


@dataclass(frozen=True)
class PartMix:
    """One part's place in the mix.

    Attributes:
        part: ``melody``, ``chords``, ``bass``, ``pad`` or ``drums``.
        pan: -1 (left) .. +1 (right).
        volume: Channel volume, CC 7 (0..127).
        reverb: Reverb send, CC 91 (0..127).
        chorus: Chorus send, CC 93 (0..127).
        pedal: Whether the part uses the sustain pedal.
    """

    part: str
    pan: float
    volume: int
    reverb: int
    chorus: int
    pedal: bool = False

    @property
    def pan_cc(self) -> int:
        """The pan as CC 10 (0 left, 64 centre, 127 right)."""
        return max(0, min(127, round(64 + self.pan * 63.5)))

    def controls(
        self, chords: Sequence[TimedChord] = (), end_ticks: int = 0
    ) -> tuple[Control, ...]:
        """The part's control changes: the mix at tick 0, then the pedal (if any).

        Args:
            chords: The chords, for the pedal changes.
            end_ticks: The end of the part (the pedal is released there).
        """
        out = [
            Control(0, CC_VOLUME, self.volume),
            Control(0, CC_PAN, self.pan_cc),
            Control(0, CC_REVERB, self.reverb),
            Control(0, CC_CHORUS, self.chorus),
        ]
        if self.pedal:
            for i, tc in enumerate(chords):
                nxt = chords[i + 1].start_ticks if i + 1 < len(chords) else end_ticks
                out.append(Control(tc.start_ticks + 1, CC_SUSTAIN, 127))
                out.append(Control(max(tc.start_ticks + 2, nxt - 1), CC_SUSTAIN, 0))
        return tuple(out)

    def to_report(self) -> dict[str, Any]:
        """The part's entry in the report's ``arrangement.mix.parts``."""
        return {
            "pan": round(self.pan, 2),
            "volume": self.volume,
            "reverb_send": self.reverb,
            "chorus_send": self.chorus,
            "sustain_pedal": self.pedal,
        }


@dataclass(frozen=True)
class Mix:
    """The whole mix.

    Attributes:
        room: One of :data:`image2music.rendering.reverb.ROOMS`.
        reason: Why this room, in plain words.
        parts: Part -> its mix.
    """

    room: str
    reason: str
    parts: Mapping[str, PartMix]

    def to_report(self) -> dict[str, Any]:
        """The report's ``arrangement.mix``."""
        return {
            "room": self.room,
            "reason": self.reason,
            "parts": {p: m.to_report() for p, m in self.parts.items()},
        }


def room_for(style: str, emotion: Emotion) -> tuple[str, str]:
    """The room for a style and mood, and the reason (table in the module docstring)."""
    awe = emotion.top_category == "awe"
    if style == "pop":
        return "plate", "pop style: a short bright plate, little of it (punchy)"
    if style in ("lofi", "folk"):
        return "room", f"{style} style: a small room"
    if style == "ambient":
        return "hall", "ambient style: a hall"
    if style == "cinematic":
        if awe:
            return "cathedral", "cinematic style and a picture that inspires awe: a cathedral"
        return "hall", "cinematic style: a hall"
    if awe:
        return "cathedral", "the picture inspires awe: a cathedral"
    if emotion.arousal < -0.3:
        return "hall", f"a calm mood (arousal {emotion.arousal:+.2f}): a hall"
    if emotion.arousal > 0.4:
        return "plate", f"a lively mood (arousal {emotion.arousal:+.2f}): a short plate"
    return "room", f"a moderate mood (arousal {emotion.arousal:+.2f}): a room"


def mix_for(style: str, emotion: Emotion, programs: Mapping[str, int], pattern: str) -> Mix:
    """The mix of an arrangement (module docstring).

    Args:
        style: The arrangement style's name.
        emotion: The mood.
        programs: Part -> General MIDI program of every part that plays
            (drums: any value).
        pattern: The accompaniment pattern.

    Returns:
        The mix.
    """
    room, reason = room_for(style, emotion)
    base = ROOM_SENDS[room]
    if style == "pop":
        base = round(base * 0.6)
    parts = {}
    for part, program in programs.items():
        chorus = 0
        if part == "pad" or (part == "chords" and is_sustained(program)):
            chorus = CHORUS_SEND
        elif part == "melody" and style == "lofi":
            chorus = CHORUS_SEND // 2
        pedal = part == "chords" and program in _PEDAL_PROGRAMS and pattern in _PEDAL_PATTERNS
        parts[part] = PartMix(
            part,
            PANS[part],
            VOLUMES[part],
            min(127, round(base * SEND_SHARES[part])),
            chorus,
            pedal,
        )
    return Mix(room, reason, parts)
