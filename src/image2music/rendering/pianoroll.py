"""Piano-roll picture (PNG) of a score, drawn with Pillow.

Every pitched track is a row of bars (x: time in bars, y: MIDI pitch, opacity
by velocity) in a colour taken from the picture's palette
(:mod:`.colours`); drums are left out. Chord symbols run along the top at
their onsets (thinned out when they would crowd), bar lines are faint, the
C of every octave is labelled, a legend names the tracks and the title gives
the picture, key and tempo. The picture is 1200 x 520 pixels. It is drawn
with Pillow (already loaded to read the picture) and the DejaVu Sans font that
ships with matplotlib (a core dependency, found without importing it), so a
cold ``image2music compose`` does not pay for matplotlib's import; the same
score gives the same bytes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.errors import OutputError
from image2music.rendering.colours import BACKGROUND, track_colours

if TYPE_CHECKING:
    from image2music.types import PaletteColour, Score

__all__ = ["HEIGHT_PX", "PLOT_AREA_PX", "WIDTH_PX", "pianoroll_png"]

#: Size of the picture, in pixels.
WIDTH_PX, HEIGHT_PX = 1200, 520
_MAX_CHORD_LABELS = 40
#: The plot area: left, top, right, bottom, in pixels; time runs from left (0)
#: to right (the score's end), so a player can draw a playhead over it.
PLOT_AREA_PX = (72, 84, 1176, 416)
_AREA = PLOT_AREA_PX
_GRID, _TEXT, _AXIS = "#d0d0d0", "#333333", "#555555"


@functools.lru_cache(maxsize=8)
def _font(size: int) -> Any:
    """DejaVu Sans at ``size`` pixels (matplotlib's copy), else Pillow's default font."""
    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def pianoroll_png(score: Score, palette: Sequence[PaletteColour] = ()) -> bytes:
    """Draw a score as a piano roll.

    Args:
        score: The piece.
        palette: The picture's palette, for the track colours (empty: default colours).

    Returns:
        The PNG file's bytes.

    Raises:
        OutputError: If the picture cannot be drawn.
    """
    from PIL import Image, ImageDraw

    from image2music.theory import chord_symbol, key_name

    tracks = [t for t in score.tracks if not t.is_drum and t.notes]
    colours = track_colours(palette, len(tracks))
    bar = score.progression.bar_ticks
    total_bars = score.progression.total_ticks / bar
    left, top, right, bottom = _AREA
    try:
        image = Image.new("RGB", (WIDTH_PX, HEIGHT_PX), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle(_AREA, fill=BACKGROUND)
        pitches = [n.pitch for t in tracks for n in t.notes]
        low, high = (min(pitches), max(pitches)) if pitches else (48, 84)
        low, high = low - 2, high + 2

        def x_of(bars: float) -> float:
            return left + (right - left) * bars / total_bars

        def y_of(pitch: float) -> float:
            return bottom - (bottom - top) * (pitch - low) / (high - low)

        for b in range(1, int(total_bars) + 1):
            draw.line([(x_of(b), top), (x_of(b), bottom)], fill=_GRID, width=1)
        row = (bottom - top) / (high - low)
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        pen = ImageDraw.Draw(layer)
        # Later bars cover earlier ones: draw the melody (first track) last.
        for track, colour in reversed(list(zip(tracks, colours, strict=True))):
            rgb = _rgb(colour)
            for n in track.notes:
                alpha = round(255 * (0.45 + 0.55 * n.velocity / 127))
                x0, x1 = x_of(n.start_ticks / bar), x_of(n.end_ticks / bar)
                y = y_of(n.pitch)
                box = (x0, y - 0.4 * row, max(x0 + 1, x1), y + 0.4 * row)
                pen.rectangle(box, fill=(*rgb, alpha), outline=(*rgb, 255))
        image.paste(layer, (0, 0), layer)
        draw.rectangle(_AREA, outline=_AXIS, width=1)
        small, label, title = _font(12), _font(13), _font(17)
        step = max(1, round(total_bars / 32))
        for b in range(0, math.ceil(total_bars), step):
            draw.text((x_of(b), bottom + 4), str(b + 1), fill=_TEXT, font=small, anchor="mt")
        for p in range(low, high + 1):
            if p % 12 == 0:
                draw.line([(left - 4, y_of(p)), (left, y_of(p))], fill=_AXIS)
                draw.text((left - 6, y_of(p)), f"C{p // 12 - 1}", fill=_TEXT, font=small,
                          anchor="rm")  # fmt: skip
        draw.text(((left + right) / 2, bottom + 22), "bar", fill=_TEXT, font=label, anchor="mt")
        draw.text((14, (top + bottom) / 2), "pitch", fill=_TEXT, font=label, anchor="lm")
        gap, last = total_bars / _MAX_CHORD_LABELS, -math.inf
        for tc in score.progression.chords:
            x = tc.start_ticks / bar
            if x - last >= gap:
                symbol = chord_symbol(tc.chord, score.key_at(tc.start_ticks))
                draw.text((x_of(x), top - 4), symbol, fill=_TEXT, font=small, anchor="lb")
                last = x
        heading = f"{score.title}: {key_name(score.key)}, {round(score.tempo_bpm, 1):g} bpm"
        draw.text((WIDTH_PX / 2, 18), heading, fill="black", font=title, anchor="mt")
        _legend(draw, tracks, colours, label)
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
    except (ValueError, OSError) as e:
        raise OutputError(f"could not draw the piano roll: {e}") from e
    return buf.getvalue()


def _legend(draw: Any, tracks: Sequence[Any], colours: Sequence[str], font: Any) -> None:
    """One swatch and name per track, centred under the plot."""
    widths = [22 + draw.textlength(t.name, font=font) + 24 for t in tracks]
    x = (WIDTH_PX - sum(widths)) / 2
    y = HEIGHT_PX - 40
    for track, colour, width in zip(tracks, colours, widths, strict=True):
        draw.rectangle((x, y - 6, x + 16, y + 6), fill=colour)
        draw.text((x + 22, y), track.name, fill=_TEXT, font=font, anchor="lm")
        x += width


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
