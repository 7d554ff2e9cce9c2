"""Software synthesisers: symusic (pip only) or the FluidSynth program, with a soundfont.

* ``symusic`` (pip only, always there): symusic's sample-based synthesiser.
  It ignores velocity and control changes, so each part is rendered on its
  own, in velocity groups, and mixed here with the General MIDI velocity
  curve, the part's volume, pan, chorus and spread, and image2music's reverb
  (:func:`_symusic`, :mod:`.reverb`).
* ``fluidsynth``: FluidSynth's library (``apt-get install libfluidsynth3``,
  which the ``fluidsynth`` program brings too), called in process
  (:mod:`.fluidlib`: the soundfont is loaded once per process, the audio is
  written straight into memory, with a time limit), its reverb set from the
  mix's room and a gentle chorus; it plays the MIDI file's control changes
  itself.
* ``auto`` picks ``fluidsynth`` when its library is installed, else
  ``symusic``, and says so in the report.

Both play the soundfont given with ``--soundfont`` (SF2 or SF3), else the
best one installed (:mod:`.soundfonts`: MuseScore General, FluidR3 GM, then
pretty_midi's TimGM6mb).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.errors import ConfigError, OutputError
from image2music.rendering.soundfonts import pretty_midi_soundfont

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FLUIDR3_GM",
    "SAMPLE_RATE",
    "SynthChoice",
    "choose_synth",
    "fluidsynth_available",
    "preload_soundfont",
    "pretty_midi_soundfont",
    "synthesise",
]

#: Output sample rate of both synthesisers, in Hz.
SAMPLE_RATE = 44100
#: Debian's General MIDI soundfont (package ``fluid-soundfont-gm``).
FLUIDR3_GM = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
#: FluidSynth's master gain (its default 0.2 is quiet; loudness is normalised later).
_FLUIDSYNTH_GAIN = 0.5
_INSTALL_HINT = "apt-get install libfluidsynth3 fluid-soundfont-gm"
#: FluidSynth's chorus: a gentle ensemble for the parts that send to it (CC 93).
_FLUIDSYNTH_CHORUS = {"nr": 3, "level": 1.2, "speed": 0.3, "depth": 6}
#: Spread of a part off the centre in the symusic path: base + per unit of |pan|.
_WIDTH_BASE, _WIDTH_PER_PAN = 0.45, 0.6
#: Length of the time segments symusic renders one at a time, in seconds.
_SEGMENT_SEC = 20.0
#: Width of the velocity groups symusic renders separately (see :func:`_symusic`).
_VELOCITY_STEP = 4


@dataclass(frozen=True)
class SynthChoice:
    """Which synthesiser renders audio, with which soundfont, and why.

    Attributes:
        name: ``"symusic"`` or ``"fluidsynth"``.
        soundfont: Path of the SF2 or SF3 file.
        reason: Plain words for the report.
        soundfont_name: The soundfont's name for people (default: the file's stem).
        licence: The soundfont's licence (SPDX), or ``"unknown"``.
    """

    name: str
    soundfont: Path
    reason: str
    soundfont_name: str = ""
    licence: str = "unknown"

    @property
    def effects(self) -> str:
        """The effects this synthesiser applies, in plain words."""
        if self.name == "fluidsynth":
            return "FluidSynth's reverb (set from the room) and chorus, fed by each part's sends"
        return (
            "image2music's own reverb (set from the room), stereo ensemble and "
            "mid-side spread, fed by each part's controls"
        )

    def to_report(self) -> dict[str, str]:
        """``name``, ``soundfont`` (file name), its ``licence``, ``effects`` and ``reason``."""
        return {
            "name": self.name,
            "soundfont": self.soundfont.name,
            "soundfont_name": self.soundfont_name or self.soundfont.stem,
            "licence": self.licence,
            "effects": self.effects,
            "reason": self.reason,
        }


def fluidsynth_available() -> bool:
    """Whether FluidSynth's library (libfluidsynth 2.2 or later) is installed."""
    from image2music.rendering import fluidlib

    return fluidlib.available()


def choose_synth(
    name: str = "auto", soundfont: str | os.PathLike[str] | None = None
) -> SynthChoice:
    """Resolve ``--synth`` and ``--soundfont``.

    Args:
        name: ``"auto"`` (FluidSynth when its library is installed, else
            symusic), ``"symusic"`` or ``"fluidsynth"``.
        soundfont: An SF2 or SF3 file, or ``None`` for the best installed one
            (:func:`~.soundfonts.default_soundfont`).

    Returns:
        The synthesiser and soundfont to use, with the reason.

    Raises:
        ConfigError: If ``fluidsynth`` is asked for but not installed, the
            soundfont is not a soundfont file, or the name is unknown.
    """
    from image2music.rendering.soundfonts import default_soundfont, soundfont_at

    if name not in ("auto", "symusic", "fluidsynth"):
        raise ConfigError(f"synth must be auto, symusic or fluidsynth, got {name!r}")
    font = soundfont_at(soundfont) if soundfont is not None else default_soundfont()
    has_fluidsynth = fluidsynth_available()
    if name == "fluidsynth" and not has_fluidsynth:
        raise ConfigError(f"--synth fluidsynth needs FluidSynth: {_INSTALL_HINT}")
    if name == "auto":
        chosen = "fluidsynth" if has_fluidsynth else "symusic"
        why = (
            "auto: FluidSynth is installed"
            if has_fluidsynth
            else f"auto: FluidSynth is not installed ({_INSTALL_HINT} for a fuller sound)"
        )
    else:
        chosen, why = name, f"chosen with --synth {name}"
    return SynthChoice(
        chosen, font.path, f"{why}; soundfont {font.name}: {font.reason}", font.name, font.licence
    )


def synthesise(
    midi: bytes,
    choice: SynthChoice,
    *,
    room: str = "room",
    frames: int | None = None,
    timeout_sec: float = 300.0,
) -> np.ndarray:
    """Render a Standard MIDI File to stereo audio at :data:`SAMPLE_RATE`.

    Args:
        midi: The MIDI file's bytes.
        choice: Synthesiser and soundfont.
        room: The reverb room, one of :data:`~.reverb.ROOMS` (default ``"room"``).
        frames: Length to render, in frames, for FluidSynth (default ``None``:
            to the last message plus a second and the room's reverb time);
            symusic renders to its last note plus that tail.
        timeout_sec: Longest time FluidSynth may take, in seconds (default 300).

    Returns:
        Float32 samples, shape ``(frames, 2)``, as the synthesiser made them
        (not normalised; they include the release and reverb tail).

    Raises:
        OutputError: If the synthesiser fails.
    """
    if choice.name == "fluidsynth":
        return _fluidsynth(midi, choice.soundfont, room, frames, timeout_sec)
    return _symusic(midi, choice.soundfont, room)


def _velocity_group(velocity: int) -> int:
    """The velocity a note is played at: the nearest multiple of :data:`_VELOCITY_STEP`."""
    return max(1, min(127, (velocity + _VELOCITY_STEP // 2) // _VELOCITY_STEP * _VELOCITY_STEP))


def _symusic(midi: bytes, soundfont: Path, room: str) -> np.ndarray:
    """Render with symusic, adding the velocity response, the mix and the room it lacks.

    symusic 0.5.9 plays every note at full level whatever its velocity and
    ignores control changes. So each track is rendered on its own, its notes
    in groups of equal velocity (rounded to multiples of 4) mixed with the
    gain ``(velocity / 127) ** 2`` (``40 log10(v / 127)`` dB, the velocity
    curve General MIDI recommends, close to FluidSynth's default); notes held
    by the sustain pedal (CC 64) are lengthened to the pedal's release; then
    the track is placed by its MIDI controls: chorus send (CC 93) through a
    stereo ensemble; a part off the centre (CC 10 not 64) is spread by a
    mid-side delay (width ``0.45 + 0.6 |pan|``; its samples are mono, and a
    panned mono part would not sound wide); then channel volume (CC 7, the
    same square law), pan (CC 10, constant power) and reverb send (CC 91)
    into image2music's own reverb (:mod:`.reverb`), whose stereo return,
    tail included, is added.
    """
    import numpy as np
    import symusic

    from image2music.rendering import reverb

    try:
        loaded: Any = symusic.Score.from_midi(midi)  # the stubs' union type is too wide
        score = loaded.to("second")
        synth = symusic.Synthesizer(str(soundfont), SAMPLE_RATE, 0)
        # Every array has its final length from the start: the last note, a
        # second of release and the room's tail (no growing copies).
        last = max((n.time + n.duration for t in score.tracks for n in t.notes), default=0.0)
        frames = round((last + 1.0 + reverb.ROOMS[room].rt60_sec) * SAMPLE_RATE)
        mix = np.zeros((frames, 2), dtype=np.float32)
        send = np.zeros(frames, dtype=np.float32)
        dry = np.zeros((frames, 2), dtype=np.float32)
        for index, track in enumerate(score.tracks):
            if not len(track.notes):
                continue
            volume, pan, reverb_send, chorus_send = _track_mix(track)
            left, right = (np.float32(g * volume) for g in _pan_gains(pan))
            dry.fill(0.0)
            for group, start_sec, part in _pieces(score, track, symusic):
                audio = np.asarray(synth.render(part, stereo=True), dtype=np.float32)
                at = round(start_sec * SAMPLE_RATE)
                end = min(frames, at + audio.shape[1])
                level = np.float32((group / 127.0) ** 2)
                for channel in (0, 1):
                    dry[at:end, channel] += audio[channel, : end - at] * level
                del audio
            if chorus_send > 0.0:
                reverb.ensemble(dry, SAMPLE_RATE, gain=chorus_send)
            if pan != 0.0:  # a part off the centre is spread too (its samples are mono)
                _spread(dry, _WIDTH_BASE + _WIDTH_PER_PAN * abs(pan), 11.0 + 3.0 * index)
            mix[:, 0] += dry[:, 0] * left
            mix[:, 1] += dry[:, 1] * right
            if reverb_send > 0.0:
                send += (dry[:, 0] + dry[:, 1]) * np.float32(0.5 * volume * reverb_send)
        del dry
    except (RuntimeError, ValueError, OSError) as e:
        raise OutputError(f"symusic could not render audio: {e}") from e
    if np.any(send):
        mix += reverb.reverberate(send, room, SAMPLE_RATE)
    return mix


def _grown(a: np.ndarray, frames: int) -> np.ndarray:
    import numpy as np

    out = np.zeros((frames, *a.shape[1:]), dtype=np.float32)
    out[: a.shape[0]] = a
    return out


def _track_mix(track: Any) -> tuple[float, float, float, float]:
    """A track's volume gain, pan (-1..1), reverb and chorus sends (0..1), from its controls."""
    first: dict[int, int] = {}
    for c in track.controls:
        first.setdefault(int(c.number), int(c.value))
    volume = (first.get(7, 100) / 127.0) ** 2
    pan = max(-1.0, min(1.0, (first.get(10, 64) - 64) / 63.5))
    return volume, pan, first.get(91, 0) / 127.0, first.get(93, 0) / 127.0


def _spread(dry: np.ndarray, width: float, delay_ms: float) -> np.ndarray:
    """Mid-side widening (in place): the side is the mid delayed by ``delay_ms``, times ``width``.

    ``left = mid + side`` and ``right = mid - side``, so the two still sum to
    the mono part (nothing cancels in mono) while they differ from each other.
    """
    import numpy as np

    mid = (dry[:, 0] + dry[:, 1]) * np.float32(0.5)  # not .mean(axis=1): ten times slower
    lag = round(delay_ms * SAMPLE_RATE / 1000.0)
    side = np.zeros_like(mid)
    side[lag:] = mid[:-lag]
    side *= np.float32(width)
    np.add(mid, side, out=dry[:, 0])
    np.subtract(mid, side, out=dry[:, 1])
    return dry


def _pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power gains of a pan in [-1, 1], both 1 at the centre."""
    import math

    angle = (pan + 1.0) * math.pi / 4.0
    return math.sqrt(2.0) * math.cos(angle), math.sqrt(2.0) * math.sin(angle)


def _pieces(score: Any, track: Any, symusic: Any) -> Iterator[tuple[int, float, Any]]:
    """``(velocity, start, score)``: the track's notes by velocity group and time segment.

    Each piece holds the notes of one velocity group that start within one
    :data:`_SEGMENT_SEC` segment, moved to start at 0 (so every rendering is
    short and memory stays small however long the piece); ``start`` is where
    it goes back, in seconds. Notes are lengthened to the release of the
    sustain pedal that holds them.
    """
    pedals = [(p.time, p.time + p.duration) for p in track.pedals]
    groups: dict[tuple[int, int], list[Any]] = {}
    for n in track.notes:
        key = (_velocity_group(n.velocity), int(n.time // _SEGMENT_SEC))
        groups.setdefault(key, []).append(n)
    for (group, segment), notes in sorted(groups.items(), key=lambda kv: kv[0]):
        start = segment * _SEGMENT_SEC
        part = symusic.Score(score.ticks_per_quarter, ttype="second")
        piece = symusic.Track(
            name=track.name, program=track.program, is_drum=track.is_drum, ttype="second"
        )
        for n in notes:
            end = n.time + n.duration
            held = max((b for a, b in pedals if a <= end <= b), default=end)
            piece.notes.append(type(n)(n.time - start, held - n.time, n.pitch, n.velocity))
        part.tracks.append(piece)
        yield group, start, part


#: FluidSynth's settings for every synthesiser: rate, gain, samples loaded as used.
_FLUIDSYNTH_SETTINGS: dict[str, float | int | str] = {
    "synth.sample-rate": float(SAMPLE_RATE),
    "synth.gain": _FLUIDSYNTH_GAIN,
    "synth.dynamic-sample-loading": 1,  # only the samples the pieces use
    "synth.lock-memory": 0,
}


def preload_soundfont(choice: SynthChoice, midi: bytes | None = None) -> None:
    """Load the choice's soundfont into FluidSynth now (a no-op for symusic).

    Meant for a background thread (FluidSynth releases the interpreter lock):
    while the picture is analysed, or, given the piece's ``midi``, while its
    other files are written, decoding the samples it plays. The render then
    finds them loaded. Errors are left for :func:`synthesise`.
    """
    if choice.name == "fluidsynth":
        from image2music.rendering import fluidlib

        fluidlib.preload(choice.soundfont, _FLUIDSYNTH_SETTINGS, midi)


def _fluidsynth(
    midi: bytes, soundfont: Path, room: str, frames: int | None, timeout_sec: float
) -> np.ndarray:
    import numpy as np

    from image2music.cores import on_one_core
    from image2music.rendering import fluidlib
    from image2music.rendering.reverb import ROOMS

    if frames is None:
        last = max((frame for frame, _, _ in fluidlib.events(midi, SAMPLE_RATE)), default=0)
        frames = last + round((1.0 + ROOMS[room].rt60_sec) * SAMPLE_RATE)
    out = np.empty((frames, 2), dtype=np.float32)  # every frame is written
    fluidlib.render(
        midi,
        soundfont,
        out,
        settings=_FLUIDSYNTH_SETTINGS,
        reverb=ROOMS[room].fluidsynth,
        chorus=_FLUIDSYNTH_CHORUS,
        timeout_sec=timeout_sec,
        shares=2,  # the same on any machine: the audio never depends on its cores
        parallel=(os.cpu_count() or 1) > 1 and not on_one_core(),
    )
    return out
