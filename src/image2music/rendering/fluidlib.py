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
  chorus are linear: the sum sounds as one synthesiser would); on one core
  they render one after the other, and the sum is the same to the bit.

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
#: ``fluid_synth_set_channel_type``'s melodic and drum types.
_CHANNEL_TYPE_MELODIC, _CHANNEL_TYPE_DRUM = 0, 1
#: Channels of a synthesiser that plays a piece.
_MIDI_CHANNELS = 16
#: MIDI's percussion channel (0-based), played from bank 128.
_DRUM_CHANNEL = 9
#: The sustain pedal's controller, and the value from which it is down.
_SUSTAIN, _PEDAL_DOWN = 64, 64
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
        "fluid_synth_set_channel_type": (i, [p, i, i]),
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
#: Held while any synthesiser selects or drops presets of a shared soundfont:
#: FluidSynth counts a preset's users without a lock of its own across
#: synthesisers, and a miscount would free samples another one still plays.
_SELECT_LOCK = threading.Lock()


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
            holder = {**settings, "synth.midi-channels": _HOLDER_CHANNELS}
            settings_ptr, synth = _new_synth(lib, holder)
            font_id = lib.fluid_synth_sfload(synth, os.fsencode(soundfont), 0)  # selects none
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
                channel = len(font.kept)
            else:
                channel = font.kept.pop(next(iter(font.kept)))
            bank, program = preset
            with _SELECT_LOCK:
                selected = lib.fluid_synth_program_select(
                    font.synth, channel, font.font_id, bank, program
                )
            if selected == 0:
                font.kept[preset] = channel


def preload(
    soundfont: Path, settings: Mapping[str, float | int | str], midi: bytes | None = None
) -> None:
    """Load ``soundfont`` now, with the samples ``midi`` plays when given.

    Meant for a background thread; errors are left for :func:`render`.
    """
    lib = _library()
    if lib is not None:
        with contextlib.suppress(OutputError):
            font = _font(lib, soundfont, settings)
            if midi is not None:
                sample_rate = int(settings.get("synth.sample-rate", 44100))
                _keep(lib, font, _presets(events(midi, sample_rate)))


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
    shares: int = 1,
    parallel: bool = True,
) -> None:
    """Play a Standard MIDI File into ``out`` (float32, ``(frames, 2)``, C order).

    Every message sounds at its exact sample (give or take FluidSynth's
    64-frame block, 1.5 ms). With ``shares`` 2 the channels are shared
    between two synthesisers of the same soundfont, balanced by how long
    their notes sound, which render side by side (FluidSynth releases the
    interpreter lock; with ``parallel`` false, one after the other) and are
    summed block by block, the second added to the first: each has the same
    reverb and chorus, and both effects are linear, so the sum is the piece
    (up to float rounding against one synthesiser); the same piece is always
    shared the same way and summed in the same order, so the audio is the
    same every time, on one thread or two.

    Args:
        midi: The MIDI file's bytes.
        soundfont: The SF2 or SF3 file.
        out: Where the audio goes (overwritten); its length is the length
            rendered, the tail after the last message included.
        settings: FluidSynth settings for a new synthesiser (sample rate, gain...).
        reverb: ``room-size``, ``damp``, ``width`` and ``level`` of the reverb.
        chorus: ``nr``, ``level``, ``speed`` (Hz) and ``depth`` (ms) of the chorus.
        timeout_sec: Longest time the rendering may take, in seconds.
        shares: Synthesisers the parts are shared between, 1 or 2 (default 1).
        parallel: Render the two shares side by side on two threads (default
            ``True``); the audio is the same either way.

    Raises:
        OutputError: If FluidSynth cannot load the soundfont or play the file,
            or takes longer than ``timeout_sec``.
    """
    import numpy as np

    sample_rate = int(settings.get("synth.sample-rate", 44100))
    timeline = events(midi, sample_rate)
    lib = _library()
    if lib is None:
        raise OutputError("libfluidsynth is not installed (apt-get install fluidsynth)")
    font = _font(lib, soundfont, settings)
    _keep(lib, font, _presets(timeline))
    deadline = time.monotonic() + timeout_sec
    main, *others = _share(timeline, shares)
    if not others or not parallel:
        effects = (reverb, chorus)
        with _Player(lib, font, soundfont, settings, effects, main) as player:
            player.play(main, out, deadline, lambda start, end, block: None)
        scratch = np.empty((_BLOCK_FRAMES, 2), dtype=np.float32)

        def add_now(start: int, end: int, block: np.ndarray) -> None:
            out[start:end] += block

        for other in others:
            with _Player(lib, font, soundfont, settings, effects, other) as player:
                player.play(other, out, deadline, add_now, scratch=scratch)
        return
    progress = threading.Condition()
    state = _Progress()
    errors: list[BaseException] = []

    def finished(start: int, end: int, block: np.ndarray) -> None:
        with progress:
            state.done = end
            progress.notify_all()

    def helper() -> None:
        scratch = np.empty((_BLOCK_FRAMES, 2), dtype=np.float32)

        def add(start: int, end: int, block: np.ndarray) -> None:
            with progress:
                progress.wait_for(lambda: state.done >= end or state.failed)
                if state.failed:
                    raise _StoppedError
            out[start:end] += block

        try:
            with _Player(lib, font, soundfont, settings, (reverb, chorus), others[0]) as player:
                player.play(others[0], out, deadline, add, scratch=scratch)
        except _StoppedError:
            pass
        except BaseException as e:  # handed to the caller's thread
            errors.append(e)

    worker = threading.Thread(target=helper, name="image2music-fluidsynth", daemon=True)
    worker.start()
    try:
        with _Player(lib, font, soundfont, settings, (reverb, chorus), main) as player:
            player.play(main, out, deadline, finished)
    except BaseException:
        with progress:
            state.failed = True
            progress.notify_all()
        raise
    finally:
        worker.join()
    if errors:
        raise errors[0]


@dataclass
class _Progress:
    """How far the first synthesiser has written, and whether it failed."""

    done: int = 0
    failed: bool = False


class _StoppedError(Exception):
    """The other synthesiser failed: stop quietly."""


class _Player:
    """A fresh synthesiser sharing a loaded soundfont, for one piece (a context manager)."""

    def __init__(
        self,
        lib: Any,
        font: _Font,
        soundfont: Path,
        settings: Mapping[str, float | int | str],
        effects: tuple[Mapping[str, float], Mapping[str, float]],
        timeline: list[tuple[int, str, tuple[int, ...]]],
    ) -> None:
        reverb, chorus = effects
        self.lib, self.font = lib, font
        self.settings, self.handle = _new_synth(lib, settings)
        self.added = False
        try:
            with _SELECT_LOCK:
                self._select(lib, font, soundfont, timeline)
            _set_effects(lib, self.handle, reverb, chorus)
        except BaseException:
            self.close()
            raise

    def _select(
        self,
        lib: Any,
        font: _Font,
        soundfont: Path,
        timeline: list[tuple[int, str, tuple[int, ...]]],
    ) -> None:
        """Set the piece's programs, add the soundfont, make channel 9 drums if played."""
        # Channel 9 is the drum channel only for a piece that plays it (below).
        lib.fluid_synth_set_channel_type(self.handle, _DRUM_CHANNEL, _CHANNEL_TYPE_MELODIC)
        # A synthesiser selects every channel's program when a soundfont
        # is added: the piece's own, set first, so no other preset (the
        # piano on every channel by default) has its samples loaded.
        first = _first_programs(timeline)
        fallback = next(iter(first.values()), 0)  # a melodic program the piece plays
        for channel in range(_MIDI_CHANNELS):
            melodic = channel != _DRUM_CHANNEL and channel in first
            program = first[channel] if melodic else fallback
            lib.fluid_synth_program_change(self.handle, channel, program)
        if lib.fluid_synth_add_sfont(self.handle, font.sfont) < 0:
            raise OutputError(f"FluidSynth cannot use the soundfont {soundfont}")
        self.added = True
        if any(kind == "noteon" and args[0] == _DRUM_CHANNEL for _, kind, args in timeline):
            lib.fluid_synth_set_channel_type(self.handle, _DRUM_CHANNEL, _CHANNEL_TYPE_DRUM)
            kits = (a[1] for _, k, a in timeline if k == "program_change" and a[0] == 9)
            kit = next(kits, 0)
            lib.fluid_synth_program_change(self.handle, _DRUM_CHANNEL, kit)  # bank 128

    def __enter__(self) -> _Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.added:
            with _SELECT_LOCK:
                self.lib.fluid_synth_remove_sfont(self.handle, self.font.sfont)
            self.added = False
        if self.handle:
            self.lib.delete_fluid_synth(self.handle)
            self.lib.delete_fluid_settings(self.settings)
            self.handle = 0

    def play(
        self,
        timeline: list[tuple[int, str, tuple[int, ...]]],
        out: np.ndarray,
        deadline: float,
        after: Any,
        *,
        scratch: np.ndarray | None = None,
    ) -> None:
        """Render ``len(out)`` frames block by block, calling ``after(start, end, block)``.

        Each block is written into ``out`` itself, or into ``scratch`` when
        given (``after`` then places it).
        """
        lib, handle = self.lib, self.handle
        calls = {
            "noteon": lib.fluid_synth_noteon,
            "noteoff": lib.fluid_synth_noteoff,
            "cc": lib.fluid_synth_cc,
            "program_change": lib.fluid_synth_program_change,
            "pitch_bend": lib.fluid_synth_pitch_bend,
        }
        frames, index = len(out), 0
        for start in range(0, frames, _BLOCK_FRAMES):
            end = min(frames, start + _BLOCK_FRAMES)
            block = out[start:end] if scratch is None else scratch[: end - start]
            base, position = block.ctypes.data, start
            while position < end:
                while index < len(timeline) and timeline[index][0] <= position:
                    _, kind, args = timeline[index]
                    if kind == "program_change":  # selects a preset of the shared soundfont
                        with _SELECT_LOCK:
                            calls[kind](handle, *args)
                    else:
                        calls[kind](handle, *args)  # an unknown note: FluidSynth ignores it
                    index += 1
                upto = min(end, timeline[index][0]) if index < len(timeline) else end
                at = base + (position - start) * 8  # two float32 a frame
                if lib.fluid_synth_write_float(handle, upto - position, at, 0, 2, at, 1, 2) != 0:
                    raise OutputError("FluidSynth failed while rendering")
                position = upto
            after(start, end, block)
            if time.monotonic() > deadline:
                raise OutputError("fluidsynth took longer than its time limit")


def _share(
    timeline: list[tuple[int, str, tuple[int, ...]]], shares: int
) -> list[list[tuple[int, str, tuple[int, ...]]]]:
    """The messages split by channel into ``shares`` groups of about equal sounding time."""
    if shares <= 1:
        return [timeline]
    sounding: dict[int, int] = {}
    started: dict[tuple[int, int], int] = {}
    pedal_down: set[int] = set()
    held: dict[int, list[int]] = {}  # starts of notes released under the sustain pedal
    for frame, kind, args in timeline:
        channel = args[0]
        if kind == "noteon":
            started[(channel, args[1])] = frame
        elif kind == "noteoff" and (channel, args[1]) in started:
            begun = started.pop((channel, args[1]))
            if channel in pedal_down:
                held.setdefault(channel, []).append(begun)
            else:
                sounding[channel] = sounding.get(channel, 0) + frame - begun
        elif kind == "cc" and args[1] == _SUSTAIN:
            if args[2] >= _PEDAL_DOWN:
                pedal_down.add(channel)
            else:
                pedal_down.discard(channel)
                ends = held.pop(channel, [])
                sounding[channel] = sounding.get(channel, 0) + sum(frame - b for b in ends)
    if len(sounding) < 2:
        return [timeline]
    loads = [0] * shares
    owner: dict[int, int] = {}
    for channel in sorted(sounding, key=lambda c: (-sounding[c], c)):
        group = loads.index(min(loads))
        owner[channel] = group
        loads[group] += sounding[channel]
    groups: list[list[tuple[int, str, tuple[int, ...]]]] = [[] for _ in range(shares)]
    for message in timeline:
        groups[owner.get(message[2][0], 0)].append(message)
    return [g for g in groups if g]


def _first_programs(timeline: list[tuple[int, str, tuple[int, ...]]]) -> dict[int, int]:
    """The first program of every melodic channel that sets one, in channel order."""
    first: dict[int, int] = {}
    for _, kind, args in timeline:
        if kind == "program_change" and args[0] != _DRUM_CHANNEL:
            first.setdefault(args[0], args[1])
    return dict(sorted(first.items()))


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
