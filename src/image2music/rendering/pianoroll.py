"""Piano-roll picture (PNG) of a score, drawn with matplotlib's Agg renderer.

Every pitched track is a row of bars (x: time in bars, y: MIDI pitch, opacity
by velocity) in a colour taken from the picture's palette
(:mod:`.colours`); drums are left out. Chord symbols run along the top at
their onsets (thinned out when they would crowd), bar lines are faint, and
the title gives the picture, key and tempo. The figure is 1200 x 520 pixels.
matplotlib is imported only here, through its object API (no pyplot state),
so rendering is thread-safe and needs no display.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from image2music.errors import OutputError
from image2music.rendering.colours import BACKGROUND, track_colours

if TYPE_CHECKING:
    from image2music.types import PaletteColour, Score

__all__ = ["HEIGHT_PX", "WIDTH_PX", "pianoroll_png"]

#: Size of the picture, in pixels.
WIDTH_PX, HEIGHT_PX = 1200, 520
_DPI = 100
_MAX_CHORD_LABELS = 40


def pianoroll_png(score: Score, palette: Sequence[PaletteColour] = ()) -> bytes:
    """Draw a score as a piano roll.

    Args:
        score: The piece.
        palette: The picture's palette, for the track colours (empty: default colours).

    Returns:
        The PNG file's bytes.

    Raises:
        OutputError: If matplotlib fails.
    """
    from matplotlib.figure import Figure
    from matplotlib.transforms import blended_transform_factory

    from image2music.theory import chord_symbol, key_name

    tracks = [t for t in score.tracks if not t.is_drum and t.notes]
    colours = track_colours(palette, len(tracks))
    bar = score.progression.bar_ticks
    total_bars = score.progression.total_ticks / bar
    try:
        fig = Figure(figsize=(WIDTH_PX / _DPI, HEIGHT_PX / _DPI), dpi=_DPI, facecolor="white")
        ax = fig.add_axes((0.06, 0.2, 0.92, 0.64), facecolor=BACKGROUND)
        low, high = 127, 0
        # Later bars cover earlier ones: draw the melody (first track) last.
        for order, (track, colour) in enumerate(zip(tracks, colours, strict=True)):
            pitches = [n.pitch for n in track.notes]
            low, high = min(low, *pitches), max(high, *pitches)
            alphas = [0.45 + 0.55 * n.velocity / 127 for n in track.notes]
            ax.barh(
                pitches,
                [n.duration_ticks / bar for n in track.notes],
                left=[n.start_ticks / bar for n in track.notes],
                height=0.8,
                color=[(*_rgb(colour), a) for a in alphas],
                edgecolor=colour,
                linewidth=0.3,
                label=f"{track.name}",
                zorder=2 + len(tracks) - order,
            )
        if not tracks:
            low, high = 48, 84
        ax.set_xlim(0, total_bars)
        ax.set_ylim(low - 2, high + 2)
        step = max(1, round(total_bars / 32))
        starts = list(range(0, math.ceil(total_bars), step))
        ax.set_xticks(starts)
        ax.set_xticklabels([str(b + 1) for b in starts])
        for b in range(1, int(total_bars) + 1):
            ax.axvline(b, color="#d0d0d0", linewidth=0.5, zorder=0)
        cs = [p for p in range(low - 2, high + 3) if p % 12 == 0]
        ax.set_yticks(cs)
        ax.set_yticklabels([f"C{p // 12 - 1}" for p in cs])
        ax.set_xlabel("bar")
        ax.set_ylabel("pitch")
        top = blended_transform_factory(ax.transData, ax.transAxes)
        gap = total_bars / _MAX_CHORD_LABELS
        last = -gap
        for tc in score.progression.chords:
            x = tc.start_ticks / bar
            if x - last >= gap:
                ax.text(x, 1.02, chord_symbol(tc.chord, score.key), transform=top, fontsize=9,
                        ha="left", va="bottom", color="#333333")  # fmt: skip
                last = x
        fig.suptitle(
            f"{score.title}: {key_name(score.key)}, {score.tempo_bpm:g} bpm", fontsize=13, y=0.97
        )
        if tracks:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=len(tracks),
                      frameon=False, fontsize=9)  # fmt: skip
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    except (ValueError, RuntimeError, OSError) as e:
        raise OutputError(f"could not draw the piano roll: {e}") from e
    return buf.getvalue()


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16) / 255.0, int(h[2:4], 16) / 255.0, int(h[4:6], 16) / 255.0
