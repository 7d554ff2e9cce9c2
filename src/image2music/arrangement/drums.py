"""Light General MIDI percussion (channel 10) for lively pictures or drum styles.

When: the ``auto`` style plays drums from arousal 0.35 up (the ``light`` kit,
and the ``pop`` groove from 0.65); styles may play them always, from arousal 0
(``calm-free``) or never; ``--no-drums`` (``drums=False``) turns them off in
every case.

Grooves, per 4/4 bar (GM key numbers in brackets):

* ``light``: kick [36] on 1, side stick [37] on 2 and 4, closed hi-hat [42] on eighths.
* ``pop``: kick on 1, 3 and the "and" of 3, snare [38] on 2 and 4, closed
  hi-hat on eighths, crash [49] at the start of every eight bars.
* ``lofi``: kick on 1 and the "and" of 2, snare on 2 and 4, soft hi-hat
  eighths (the style swings them).
* ``toms``: low floor tom [41] on 1 and 3, high floor tom [43] on 4 and its
  "and", crash at the start of every four bars.

The last bar of every four-bar phrase ends with a one-beat fill (snare
sixteenths for ``pop``, toms [45, 43] for ``light``, a floor-tom roll for
``toms``; ``lofi`` plays none). The ending is one crash and kick on the final
chord's downbeat, then silence.
"""

from __future__ import annotations

from image2music.arrangement.patterns import NEUTRAL_VELOCITY
from image2music.arrangement.styles import Style
from image2music.types import Note

__all__ = ["KITS", "choose_drums", "drum_notes"]

#: Drum grooves by name.
KITS: tuple[str, ...] = ("light", "pop", "lofi", "toms")

_KICK, _STICK, _SNARE, _LOW_TOM, _HAT, _HIGH_TOM, _MID_TOM, _CRASH = 36, 37, 38, 41, 42, 43, 45, 49

#: One bar of each groove: (onset in sixteenths, GM key, accent).
_GROOVES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "light": (
        (0, _KICK, 4),
        (4, _STICK, 0),
        (12, _STICK, 0),
        *((s, _HAT, -14 if s % 4 else -8) for s in range(0, 16, 2)),
    ),
    "pop": (
        (0, _KICK, 6),
        (8, _KICK, 2),
        (10, _KICK, -4),
        (4, _SNARE, 4),
        (12, _SNARE, 4),
        *((s, _HAT, -12 if s % 4 else -6) for s in range(0, 16, 2)),
    ),
    "lofi": (
        (0, _KICK, 2),
        (6, _KICK, -4),
        (4, _SNARE, -2),
        (12, _SNARE, -2),
        *((s, _HAT, -18 if s % 4 else -12) for s in range(0, 16, 2)),
    ),
    "toms": ((0, _LOW_TOM, 6), (8, _LOW_TOM, 2), (12, _HIGH_TOM, 0), (14, _HIGH_TOM, -4)),
}
#: One-beat fills on beat 4: (onset in sixteenths, GM key, accent).
_FILLS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "light": ((12, _MID_TOM, -2), (14, _HIGH_TOM, 0)),
    "pop": ((12, _SNARE, -6), (13, _SNARE, -3), (14, _SNARE, 0), (15, _SNARE, 3)),
    "lofi": (),
    "toms": ((12, _LOW_TOM, -2), (13, _LOW_TOM, 0), (14, _LOW_TOM, 2), (15, _LOW_TOM, 4)),
}
_CRASH_EVERY = {"pop": 8, "toms": 4}


def choose_drums(arousal: float, style: Style, enabled: bool = True) -> tuple[str | None, str]:
    """``(kit or None, reason)``: whether and which drums play (rules in the module docstring)."""
    if not enabled:
        return None, "turned off with --no-drums"
    if style.drums == "never":
        return None, f"{style.name} style has no drums"
    if style.drums == "always":
        play, why = True, f"{style.name} style"
    elif style.drums == "calm-free":
        play, why = arousal >= 0.0, f"{style.name} style, arousal {arousal:+.2f}"
    else:
        play, why = arousal >= 0.35, f"arousal {arousal:+.2f}"
    if not play:
        return None, f"{why}: too calm for drums"
    kit = style.kit or ("pop" if arousal >= 0.65 else "light")
    return kit, why


def drum_notes(
    kit: str,
    *,
    total_ticks: int,
    ending_ticks: int,
    bar_ticks: int,
    beat_ticks: int,
    phrase_bars: int = 4,
) -> list[Note]:
    """Write the drum part.

    Args:
        kit: One of :data:`KITS`.
        total_ticks: Length of the piece.
        ending_ticks: Onset of the final chord: one crash and kick there, nothing after.
        bar_ticks: Length of a bar in ticks (4/4 grooves are cut to fit other metres).
        beat_ticks: Length of a beat in ticks.
        phrase_bars: Bars per phrase; the last bar of each ends with a fill.

    Returns:
        Percussion notes (GM keys) at velocity
        :data:`~.patterns.NEUTRAL_VELOCITY` plus accents.
    """
    sixteenth = beat_ticks // 4
    hit = beat_ticks // 2
    out: list[Note] = []
    groove = _GROOVES[kit]
    fill = _FILLS[kit]
    n_bars = -(-ending_ticks // bar_ticks)
    for b in range(n_bars):
        bar_start = b * bar_ticks
        into_next = ending_ticks >= total_ticks  # a section another follows: fill into it
        is_fill = (b + 1) % phrase_bars == 0 and ((b + 1) * bar_ticks < ending_ticks or into_next)
        events = list(groove)
        if is_fill and fill:
            first = fill[0][0]
            events = [e for e in events if e[0] < first]
            events += list(fill)
        every = _CRASH_EVERY.get(kit)
        if every and b % every == 0:
            events.append((0, _CRASH, 0))
        for s16, key, accent in events:
            t = bar_start + s16 * sixteenth
            if t >= min(ending_ticks, bar_start + bar_ticks):
                continue
            out.append(Note(key, t, min(hit, total_ticks - t), NEUTRAL_VELOCITY + accent))
    if ending_ticks < total_ticks:
        for key in (_KICK, _CRASH):
            out.append(
                Note(
                    key,
                    ending_ticks,
                    min(4 * hit, total_ticks - ending_ticks),
                    NEUTRAL_VELOCITY + 8,
                )
            )
    out.sort(key=lambda n: (n.start_ticks, n.pitch))
    return out
