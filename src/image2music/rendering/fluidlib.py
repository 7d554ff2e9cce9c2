"""FluidSynth as a library: libfluidsynth through :mod:`ctypes`, no subprocess.

The ``fluidsynth`` program reloads its soundfont at every start (0.2 s for
FluidR3 GM, about 2 s for MuseScore General's compressed SF3) and writes a
WAV file that is read back. Called as a library instead:

* a soundfont is loaded once per process and kept, with its synthesiser,
  in a small pool (:func:`preload` can load it in a background thread while
  the picture is analysed);
* the audio is written in blocks straight into the caller's float32 array
  (:func:`render`), exactly as long as asked, with no file in between;
* the foreign calls release the interpreter lock, so two synthesisers can
  render two halves of a piece's parts on two cores at once (reverb and
  chorus are linear: the sum sounds as one synthesiser would).

Between pieces a synthesiser is reset (notes, controllers, reverb and chorus
buffers), so a piece sounds the same from a fresh process or a warm one.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.errors import OutputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["available", "events", "preload", "render"]

#: Frames written per call into the output (a multiple of FluidSynth's 64-frame block).
_BLOCK_FRAMES = 8192
#: Channels of a soundfont's holder: the presets it keeps loaded between pieces.
_HOLDER_CHANNELS = 64
#: Channels of a synthesiser that plays a piece.
_MIDI_CHANNELS = 16
#: MIDI's percussion channel (0-based), played from bank 128.
_DRUM_CHANNEL = 9
#: Log levels ``FLUID_PANIC`` .. ``FLUID_DBG``: all silenced (errors come back as codes).
_LOG_LEVELS = range(5)


@functools.cache
def _library() -> Any | None:
    """Libfluidsynth (version 2 or 3 ABI), its functions typed; ``None`` when not installed."""
    names = [ctypes.util.find_library("fluidsynth"), "libfluidsynth.so.3", "libfluidsynth.so.2"]
    for name in filter(None, names):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        return _typed(lib)
    return None


def _typed(lib: Any) -> Any:
    p, i, d, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_char_p
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "new_fluid_settings": (p, []),
        "delete_fluid_settings": (None, [p]),
        "fluid_settings_setnum": (i, [p, s, d]),
        "fluid_settings_setint": (i, [p, s, i]),
        "fluid_settings_setstr": (i, [p, s, s]),
        "new_fluid_synth": (p, [p]),
        "delete_fluid_synth": (None, [p]),
        "fluid_synth_sfload": (i, [p, s, i]),
        "fluid_synth_get_sfont_by_id": (p, [p, i]),
        "fluid_synth_program_select": (i, [p, i, i, i, i]),
        "fluid_synth_add_sfont": (i, [p, p]),
        "fluid_synth_remove_sfont": (i, [p, p]),
        "fluid_synth_system_reset": (i, [p]),
        "fluid_synth_write_float": (i, [p, i, p, i, i, p, i, i]),
        "fluid_synth_set_reverb_group_roomsize": (i, [p, i, d]),
        "fluid_synth_set_reverb_group_damp": (i, [p, i, d]),
        "fluid_synth_set_reverb_group_width": (i, [p, i, d]),
        "fluid_synth_set_reverb_group_level": (i, [p, i, d]),
        "fluid_synth_set_chorus_group_nr": (i, [p, i, i]),
        "fluid_synth_set_chorus_group_level": (i, [p, i, d]),
        "fluid_synth_set_chorus_group_speed": (i, [p, i, d]),
        "fluid_synth_set_chorus_group_depth": (i, [p, i, d]),
        "fluid_synth_noteon": (i, [p, i, i, i]),
        "fluid_synth_noteoff": (i, [p, i, i]),
        "fluid_synth_cc": (i, [p, i, i, i]),
        "fluid_synth_program_change": (i, [p, i, i]),
        "fluid_synth_pitch_bend": (i, [p, i, i]),
        "fluid_set_log_function": (p, [i, p, p]),
    }
    for name, (result, args) in signatures.items():
        function = getattr(lib, name)  # AttributeError: too old a library
        function.restype, function.argtypes = result, args
    for level in _LOG_LEVELS:
        lib.fluid_set_log_function(level, None, None)
    return lib


def available() -> bool:
    """Whether libfluidsynth (FluidSynth 2.2 or later) can be loaded."""
    try:
        return _library() is not None
    except AttributeError:
        return False


@dataclass
class _Font:
    """A soundfont loaded once, in a synthesiser that only holds it."""

    settings: int
    synth: int
    sfont: int
    font_id: int
    #: ``(bank, program)`` -> the holder's channel that keeps it selected, oldest first.
    kept: dict[tuple[int, int], int] = field(default_factory=dict)


_FONTS: dict[tuple[str, int, int], _Font] = {}
_FONTS_LOCK = threading.Lock()


def _key(soundfont: Path) -> tuple[str, int, int]:
    try:
        st = soundfont.stat()
    except OSError as e:
        raise OutputError(f"cannot read soundfont {soundfont}: {e.strerror or e}") from e
    return (str(soundfont.resolve()), st.st_mtime_ns, st.st_size)


def _new_synth(lib: Any, settings_in: Mapping[str, float | int | str]) -> tuple[int, int]:
    """A new ``(settings, synth)`` pair."""
    settings = lib.new_fluid_settings()
    if not settings:
        raise OutputError("FluidSynth could not allocate its settings")
    for name, value in settings_in.items():
        key = name.encode()
        if isinstance(value, str):
            ok = lib.fluid_settings_setstr(settings, key, value.encode())
        elif isinstance(value, int):
            ok = lib.fluid_settings_setint(settings, key, value)
        else:
            ok = lib.fluid_settings_setnum(settings, key, float(value))
        if ok != 0:
            lib.delete_fluid_settings(settings)
            raise OutputError(f"FluidSynth rejected the setting {name}={value!r}")
    synth = lib.new_fluid_synth(settings)
    if not synth:
        lib.delete_fluid_settings(settings)
        raise OutputError("FluidSynth could not create a synthesiser")
    return settings, synth


def _font(lib: Any, soundfont: Path, settings: Mapping[str, float | int | str]) -> _Font:
    """The loaded ``soundfont`` (loaded now on first use; kept for the process)."""
    key = _key(soundfont)
    with _FONTS_LOCK:  # one load at a time: a second caller waits for the first's
        font = _FONTS.get(key)
        if font is None:
            holder = {**settings, "synth.midi-channels": _MIDI_CHANNELS + _HOLDER_CHANNELS}
            settings_ptr, synth = _new_synth(lib, holder)
            # Its first 16 channels select the default presets (as every new synthesiser does).
            font_id = lib.fluid_synth_sfload(synth, os.fsencode(soundfont), 1)
            if font_id < 0:
                lib.delete_fluid_synth(synth)
                lib.delete_fluid_settings(settings_ptr)
                raise OutputError(f"FluidSynth cannot load the soundfont {soundfont}")
            sfont = lib.fluid_synth_get_sfont_by_id(synth, font_id)
            font = _FONTS[key] = _Font(settings_ptr, synth, sfont, font_id)
        return font


def _keep(lib: Any, font: _Font, presets: set[tuple[int, int]]) -> None:
    """Keep ``presets`` selected in the font's holder, so their samples stay loaded.

    With dynamic sample loading FluidSynth loads a preset's samples when a
    channel selects it and frees them when none does; a synthesiser made for
    one piece would otherwise load them again (about 1.5 s for the presets of
    a piece in a compressed SF3). At most :data:`_HOLDER_CHANNELS` presets
    are kept; the oldest make way.
    """
    with _FONTS_LOCK:
        for preset in sorted(presets):
            if preset in font.kept:
                font.kept[preset] = font.kept.pop(preset)  # now the newest
                continue
            if len(font.kept) < _HOLDER_CHANNELS:
                channel = _MIDI_CHANNELS + len(font.kept)
            else:
                channel = font.kept.pop(next(iter(font.kept)))
            bank, program = preset
            selected = lib.fluid_synth_program_select(
                font.synth, channel, font.font_id, bank, program
            )
            if selected == 0:
                font.kept[preset] = channel


def preload(soundfont: Path, settings: Mapping[str, float | int | str]) -> None:
    """Load ``soundfont`` now (e.g. in a background thread); errors are left for :func:`render`."""
    lib = _library()
    if lib is not None:
        with contextlib.suppress(OutputError):
            _font(lib, soundfont, settings)


def events(midi: bytes, sample_rate: int) -> list[tuple[int, str, tuple[int, ...]]]:
    """The channel messages of a Standard MIDI File as ``(frame, kind, args)``, in order.

    ``frame`` is the message's time (tempo changes applied) in samples at
    ``sample_rate``; ``kind`` is ``noteon``, ``noteoff``, ``cc``,
    ``program_change`` or ``pitch_bend`` with FluidSynth's arguments.

    Raises:
        OutputError: If the bytes are not a MIDI file.
    """
    import io

    import mido

    try:
        parsed = mido.MidiFile(file=io.BytesIO(midi))
        messages = list(parsed)  # delta times in seconds, tempo map applied
    except (OSError, EOFError, ValueError, KeyError, IndexError) as e:
        raise OutputError(f"FluidSynth cannot read the MIDI file: {e}") from e
    out: list[tuple[int, str, tuple[int, ...]]] = []
    now_sec = 0.0
    for msg in messages:
        now_sec += msg.time
        frame = round(now_sec * sample_rate)
        if msg.type == "note_on" and msg.velocity > 0:
            out.append((frame, "noteon", (msg.channel, msg.note, msg.velocity)))
        elif msg.type in ("note_off", "note_on"):
            out.append((frame, "noteoff", (msg.channel, msg.note)))
        elif msg.type == "control_change":
            out.append((frame, "cc", (msg.channel, msg.control, msg.value)))
        elif msg.type == "program_change":
            out.append((frame, "program_change", (msg.channel, msg.program)))
        elif msg.type == "pitchwheel":
            out.append((frame, "pitch_bend", (msg.channel, msg.pitch + 8192)))
    return out


def render(
    midi: bytes,
    soundfont: Path,
    out: np.ndarray,
    *,
    settings: Mapping[str, float | int | str],
    reverb: Mapping[str, float],
    chorus: Mapping[str, float],
    timeout_sec: float,
) -> None:
    """Play a Standard MIDI File into ``out`` (float32, ``(frames, 2)``, C order).

    Every message sounds at its exact sample (give or take
    FluidSynth's 64-frame block, 1.5 ms; a synthesiser is left at a block's
    end, so that a reused one plays a piece exactly as a new one).

    Args:
        midi: The MIDI file's bytes.
        soundfont: The SF2 or SF3 file.
        out: Where the audio goes (overwritten); its length is the length
            rendered, the tail after the last message included.
        settings: FluidSynth settings for a new synthesiser (sample rate, gain...).
        reverb: ``room-size``, ``damp``, ``width`` and ``level`` of the reverb.
        chorus: ``nr``, ``level``, ``speed`` (Hz) and ``depth`` (ms) of the chorus.
        timeout_sec: Longest time the rendering may take, in seconds.

    Raises:
        OutputError: If FluidSynth cannot load the soundfont or play the file,
            or takes longer than ``timeout_sec``.
    """
    sample_rate = int(settings.get("synth.sample-rate", 44100))
    timeline = events(midi, sample_rate)
    lib = _library()
    if lib is None:
        raise OutputError("libfluidsynth is not installed (apt-get install fluidsynth)")
    font = _font(lib, soundfont, settings)
    _keep(lib, font, _presets(timeline))
    settings_ptr, handle = _new_synth(lib, settings)
    added = False
    try:
        if lib.fluid_synth_add_sfont(handle, font.sfont) < 0:
            raise OutputError(f"FluidSynth cannot use the soundfont {soundfont}")
        added = True
        _set_effects(lib, handle, reverb, chorus)
        calls = {
            "noteon": lib.fluid_synth_noteon,
            "noteoff": lib.fluid_synth_noteoff,
            "cc": lib.fluid_synth_cc,
            "program_change": lib.fluid_synth_program_change,
            "pitch_bend": lib.fluid_synth_pitch_bend,
        }
        base, frames = out.ctypes.data, len(out)
        deadline = time.monotonic() + timeout_sec
        position = 0
        for frame, kind, args in [*timeline, (frames, "", ())]:
            end = min(frame, frames)
            while position < end:
                n = min(_BLOCK_FRAMES, end - position)
                at = base + position * 8  # two float32 a frame
                if lib.fluid_synth_write_float(handle, n, at, 0, 2, at, 1, 2) != 0:
                    raise OutputError("FluidSynth failed while rendering")
                position += n
                if time.monotonic() > deadline:
                    raise OutputError(f"fluidsynth took longer than {timeout_sec:g} s")
            if kind and frame < frames:
                calls[kind](handle, *args)  # an unknown program or note is FluidSynth's to ignore
    finally:
        if added:
            lib.fluid_synth_remove_sfont(handle, font.sfont)
        lib.delete_fluid_synth(handle)
        lib.delete_fluid_settings(settings_ptr)


def _presets(timeline: list[tuple[int, str, tuple[int, ...]]]) -> set[tuple[int, int]]:
    """The ``(bank, program)`` of every channel when it plays a note."""
    program: dict[int, int] = {}
    used: set[tuple[int, int]] = set()
    for _, kind, args in timeline:
        if kind == "program_change":
            program[args[0]] = args[1]
        elif kind == "noteon":
            channel = args[0]
            used.add((128 if channel == _DRUM_CHANNEL else 0, program.get(channel, 0)))
    return used


def _set_effects(
    lib: Any, handle: int, reverb: Mapping[str, float], chorus: Mapping[str, float]
) -> None:
    """Set the reverb and chorus (setting the chorus also restarts its sweep)."""
    lib.fluid_synth_set_reverb_group_roomsize(handle, -1, float(reverb["room-size"]))
    lib.fluid_synth_set_reverb_group_damp(handle, -1, float(reverb["damp"]))
    lib.fluid_synth_set_reverb_group_width(handle, -1, float(reverb["width"]))
    lib.fluid_synth_set_reverb_group_level(handle, -1, float(reverb["level"]))
    lib.fluid_synth_set_chorus_group_nr(handle, -1, int(chorus["nr"]))
    lib.fluid_synth_set_chorus_group_level(handle, -1, float(chorus["level"]))
    lib.fluid_synth_set_chorus_group_speed(handle, -1, float(chorus["speed"]))
    lib.fluid_synth_set_chorus_group_depth(handle, -1, float(chorus["depth"]))
