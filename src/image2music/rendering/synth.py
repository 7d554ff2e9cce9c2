"""Software synthesisers: symusic with pretty_midi's soundfont, or the FluidSynth program.

* ``symusic`` (pip only, always there): symusic's sample-based synthesiser
  playing ``TimGM6mb.sf2``, the small General MIDI soundfont that ships inside
  the ``pretty_midi`` package (found without importing it). Its synthesiser
  ignores velocity, so notes are rendered in velocity groups and mixed with the
  General MIDI velocity curve (:func:`_symusic`).
* ``fluidsynth``: the ``fluidsynth`` command-line program with Debian's
  ``FluidR3_GM.sf2`` (``apt-get install fluidsynth fluid-soundfont-gm``),
  run in a subprocess with a timeout; fuller sound, with reverb and chorus.
  The subprocess is killed with its parent (Linux), and its scratch folder
  is removed even after a ``kill -9`` (by the next run: :mod:`.scratch`).
* ``auto`` picks ``fluidsynth`` when both the program and the soundfont are
  installed, else ``symusic``, and says so in the report.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.errors import ConfigError, OutputError
from image2music.rendering.scratch import make_scratch_dir, sweep_stale

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FLUIDR3_GM",
    "SAMPLE_RATE",
    "SynthChoice",
    "choose_synth",
    "fluidsynth_program",
    "pretty_midi_soundfont",
    "synthesise",
]

#: Output sample rate of both synthesisers, in Hz.
SAMPLE_RATE = 44100
#: Debian's General MIDI soundfont (package ``fluid-soundfont-gm``).
FLUIDR3_GM = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
#: Name of the soundfont file inside the ``pretty_midi`` package.
_PRETTY_MIDI_SF2 = "TimGM6mb.sf2"
#: FluidSynth's master gain (its default 0.2 is quiet; loudness is normalised later).
_FLUIDSYNTH_GAIN = 0.5
_INSTALL_HINT = "apt-get install fluidsynth fluid-soundfont-gm"
#: Scratch folders of FluidSynth runs in the system's temporary folder
#: (``image2music-synth-<pid>-XXXX``); those of killed runs are removed by the next run.
SCRATCH_PREFIX = "image2music-synth-"
#: ``prctl`` option: the signal a child gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
#: Width of the velocity groups symusic renders separately (see :func:`_symusic`).
_VELOCITY_STEP = 4


@dataclass(frozen=True)
class SynthChoice:
    """Which synthesiser renders audio, with which soundfont, and why.

    Attributes:
        name: ``"symusic"`` or ``"fluidsynth"``.
        soundfont: Path of the SF2 file.
        reason: Plain words for the report.
    """

    name: str
    soundfont: Path
    reason: str

    def to_report(self) -> dict[str, str]:
        """``name``, ``soundfont`` (file name) and ``reason`` for the report."""
        return {"name": self.name, "soundfont": self.soundfont.name, "reason": self.reason}


def pretty_midi_soundfont() -> Path:
    """Path of the General MIDI soundfont shipped inside ``pretty_midi``.

    Raises:
        OutputError: If ``pretty_midi`` or its soundfont is missing.
    """
    spec = importlib.util.find_spec("pretty_midi")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / _PRETTY_MIDI_SF2
        if path.is_file():
            return path
    raise OutputError(
        f"the General MIDI soundfont {_PRETTY_MIDI_SF2} of the 'pretty_midi' package is missing; "
        "reinstall it with  pip install --force-reinstall pretty_midi"
    )


def fluidsynth_program() -> str | None:
    """Path of the ``fluidsynth`` program, or ``None`` when it is not installed."""
    return shutil.which("fluidsynth")


def choose_synth(name: str = "auto") -> SynthChoice:
    """Resolve ``--synth``.

    Args:
        name: ``"auto"``, ``"symusic"`` or ``"fluidsynth"``.

    Returns:
        The synthesiser and soundfont to use, with the reason.

    Raises:
        ConfigError: If ``fluidsynth`` is asked for but it or FluidR3_GM is missing,
            or the name is unknown.
    """
    has_program = fluidsynth_program() is not None
    has_font = FLUIDR3_GM.is_file()
    if name == "fluidsynth":
        if not (has_program and has_font):
            missing = "the 'fluidsynth' program" if not has_program else str(FLUIDR3_GM)
            raise ConfigError(f"--synth fluidsynth needs {missing}: {_INSTALL_HINT}")
        return SynthChoice("fluidsynth", FLUIDR3_GM, "chosen with --synth fluidsynth")
    if name == "auto" and has_program and has_font:
        return SynthChoice(
            "fluidsynth", FLUIDR3_GM, "auto: FluidSynth and FluidR3_GM are installed"
        )
    if name == "symusic":
        return SynthChoice("symusic", pretty_midi_soundfont(), "chosen with --synth symusic")
    if name == "auto":
        return SynthChoice(
            "symusic",
            pretty_midi_soundfont(),
            f"auto: FluidSynth with FluidR3_GM is not installed ({_INSTALL_HINT} for a fuller "
            "sound), so symusic plays pretty_midi's General MIDI soundfont",
        )
    raise ConfigError(f"synth must be auto, symusic or fluidsynth, got {name!r}")


def synthesise(midi: bytes, choice: SynthChoice, *, timeout_sec: float = 300.0) -> np.ndarray:
    """Render a Standard MIDI File to stereo audio at :data:`SAMPLE_RATE`.

    Args:
        midi: The MIDI file's bytes.
        choice: Synthesiser and soundfont.
        timeout_sec: Longest time FluidSynth may take, in seconds (default 300).

    Returns:
        Float32 samples, shape ``(frames, 2)``, as the synthesiser made them
        (not normalised; FluidSynth's include its release tail).

    Raises:
        OutputError: If the synthesiser fails.
    """
    if choice.name == "fluidsynth":
        return _fluidsynth(midi, choice.soundfont, timeout_sec)
    return _symusic(midi, choice.soundfont)


def _velocity_group(velocity: int) -> int:
    """The velocity a note is played at: the nearest multiple of :data:`_VELOCITY_STEP`."""
    return max(1, min(127, (velocity + _VELOCITY_STEP // 2) // _VELOCITY_STEP * _VELOCITY_STEP))


def _symusic(midi: bytes, soundfont: Path) -> np.ndarray:
    """Render with symusic, adding the velocity response its synthesiser lacks.

    symusic 0.5.9 plays every note at full level whatever its velocity, so the
    notes are rendered in groups of equal velocity (rounded to multiples of 4)
    and mixed with the gain ``(velocity / 127) ** 2``, i.e. ``40 log10(v / 127)``
    dB, the velocity curve General MIDI recommends (and FluidSynth's default is
    close to).
    """
    import numpy as np
    import symusic

    try:
        score: Any = symusic.Score.from_midi(midi)  # the stubs' union type is too wide
        synth = symusic.Synthesizer(str(soundfont), SAMPLE_RATE, 0)
        groups = sorted({_velocity_group(n.velocity) for t in score.tracks for n in t.notes})
        mix = np.zeros((0, 2), dtype=np.float32)
        for group in groups:  # each group is mixed in at once: one rendering in memory
            part = score.copy()
            for track in part.tracks:
                keep = [n for n in track.notes if _velocity_group(n.velocity) == group]
                track.notes.clear()
                for n in keep:
                    track.notes.append(n)
            audio = np.asarray(synth.render(part, stereo=True), dtype=np.float32)
            if audio.shape[1] > mix.shape[0]:
                grown = np.zeros((audio.shape[1], 2), dtype=np.float32)
                grown[: mix.shape[0]] = mix
                mix = grown
            audio *= np.float32((group / 127.0) ** 2)
            mix[: audio.shape[1]] += audio.T
            del audio
    except (RuntimeError, ValueError, OSError) as e:
        raise OutputError(f"symusic could not render audio: {e}") from e
    return mix


@functools.cache
def _prctl() -> Any:
    """Libc's ``prctl`` on Linux (looked up once per process), else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - every Linux libc has prctl
        return None


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGKILL when its parent dies.

    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere ``None``. Without it a
    ``kill -9`` of image2music would leave FluidSynth rendering on its own.
    ``libc`` is looked up here, before the fork, so the child only makes the call.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _fluidsynth(midi: bytes, soundfont: Path, timeout_sec: float) -> np.ndarray:
    import numpy as np
    import soundfile

    program = fluidsynth_program()
    if program is None:
        raise OutputError(f"the 'fluidsynth' program is not installed: {_INSTALL_HINT}")
    tmp_root = Path(tempfile.gettempdir())
    sweep_stale(tmp_root, SCRATCH_PREFIX)  # folders of runs that were killed
    tmp = make_scratch_dir(tmp_root, SCRATCH_PREFIX)
    try:
        mid, wav = tmp / "in.mid", tmp / "out.wav"
        mid.write_bytes(midi)
        cmd = [
            program, "-n", "-i", "-q", "-g", str(_FLUIDSYNTH_GAIN), "-r", str(SAMPLE_RATE),
            "-O", "float", "-T", "wav", "-F", str(wav), str(soundfont), str(mid),
        ]  # fmt: skip
        try:
            done = subprocess.run(  # preexec_fn only calls prctl (safe with threads)
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout_sec,
                preexec_fn=_die_with_parent(),
            )
        except subprocess.TimeoutExpired as e:
            raise OutputError(f"fluidsynth took longer than {timeout_sec:g} s") from e
        except OSError as e:
            raise OutputError(f"cannot run fluidsynth: {e}") from e
        if done.returncode != 0 or not wav.is_file():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise OutputError(f"fluidsynth failed (exit {done.returncode}): {tail[0]}")
        try:
            data, rate = soundfile.read(wav, dtype="float32", always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError) as e:
            raise OutputError(f"cannot read fluidsynth's output: {e}") from e
    except OSError as e:
        raise OutputError(f"cannot prepare fluidsynth's files in {tmp}: {e.strerror or e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if rate != SAMPLE_RATE:
        raise OutputError(f"fluidsynth wrote {rate} Hz audio, expected {SAMPLE_RATE} Hz")
    if data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    return np.ascontiguousarray(data[:, :2])
