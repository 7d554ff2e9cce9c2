"""Faults of a run killed with ``kill -9``: no orphan process, nothing left for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mido

from image2music.rendering.files import SCRATCH_PREFIX, write_files_atomically
from image2music.rendering.scratch import make_scratch_dir, sweep_stale
from tests.conftest import need_program
from tests.faults.conftest import EXAMPLE

_KILLED_WHILE_RENAMING = """
import os, signal, sys
from pathlib import Path
from image2music.rendering.files import write_files_atomically

def replace(self, target):  # every file is staged: die before the first rename
    os.kill(os.getpid(), signal.SIGKILL)

Path.replace = replace
out = Path(sys.argv[1])
write_files_atomically({out / "a.mid": b"1", out / "a.flac": b"2" * 100_000})
"""


def _run_killed(code: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", code, *args], check=False)
    assert done.returncode == -signal.SIGKILL


def test_a_killed_write_leaves_no_target_and_its_scratch_is_swept(tmp_path: Path) -> None:
    _run_killed(_KILLED_WHILE_RENAMING, str(tmp_path))
    leftovers = list(tmp_path.iterdir())
    assert [p.name.startswith(SCRATCH_PREFIX) and p.is_dir() for p in leftovers] == [True]
    write_files_atomically({tmp_path / "b.mid": b"x"})  # the next run cleans up
    assert [p.name for p in tmp_path.iterdir()] == ["b.mid"]


def test_scratch_of_a_live_process_is_kept(tmp_path: Path) -> None:
    mine = make_scratch_dir(tmp_path, "p-")
    other = tmp_path / "p-notapid-x"
    other.mkdir()
    assert sweep_stale(tmp_path, "p-") == 0
    assert mine.is_dir() and other.is_dir()


def test_a_compose_killed_at_any_moment_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "image2music", "compose", str(EXAMPLE), "-o", str(out)]
    cmd += ["--format", "mid,wav,flac,json", "--bars", "16", "-q"]
    child = subprocess.Popen(cmd)
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.iterdir())) and time.monotonic() < deadline:
        if child.poll() is not None:
            break
        time.sleep(0.001)
    child.kill()
    child.wait()
    names = {p.name for p in out.iterdir()} if out.is_dir() else set()
    # Either nothing, a scratch folder, or (if it had just finished) every file.
    assert names <= {"photo.mid", "photo.wav", "photo.flac", "photo.json"} or all(
        n.startswith(SCRATCH_PREFIX) for n in names
    )
    done = subprocess.run([*cmd, "--force"], check=False)
    assert done.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "photo.flac",
        "photo.json",
        "photo.mid",
        "photo.wav",
    ]


_SYNTHESISE = """
import sys
from pathlib import Path
from image2music.rendering.synth import choose_synth, synthesise

print("rendering", flush=True)
synthesise(Path(sys.argv[1]).read_bytes(), choose_synth("fluidsynth"))
"""


def _long_midi(path: Path, minutes: int) -> None:
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    for i in range(minutes * 120 + 1):
        for pitch in (60, 64, 67):
            track.append(mido.Message("note_on", note=pitch + i % 5, velocity=80, time=0))
        for k, pitch in enumerate((60, 64, 67)):
            track.append(
                mido.Message("note_off", note=pitch + i % 5, velocity=0, time=480 if k == 0 else 0)
            )
    midi.save(path)


def test_killing_a_render_leaves_no_process_and_no_file(tmp_path: Path) -> None:
    """FluidSynth runs in process: a killed render takes it along and wrote nothing."""
    need_program("fluidsynth")
    midi = tmp_path / "long.mid"
    _long_midi(midi, 30)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    child = subprocess.Popen(
        [sys.executable, "-c", _SYNTHESISE, str(midi)], env=env, stdout=subprocess.PIPE
    )
    assert child.stdout is not None and child.stdout.readline() == b"rendering\n"
    time.sleep(0.5)  # inside the render
    assert child.poll() is None
    child.kill()
    child.wait()
    assert list(scratch.iterdir()) == []
    assert not list(tmp_path.glob("*.wav"))
