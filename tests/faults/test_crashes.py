"""Faults of a run killed with ``kill -9``: no orphan process, nothing left for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mido
import pytest

from image2music.rendering.files import SCRATCH_PREFIX, write_files_atomically
from image2music.rendering.scratch import make_scratch_dir, sweep_stale
from image2music.rendering.synth import SCRATCH_PREFIX as SYNTH_PREFIX
from image2music.rendering.synth import choose_synth, synthesise
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

synthesise(Path(sys.argv[1]).read_bytes(), choose_synth("fluidsynth"))
"""


def _long_midi(path: Path, minutes: int) -> None:
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    chord = (48, 55, 64, 67)
    for i in range(minutes * 120):  # a chord every beat at 120 bpm
        for pitch in chord:
            track.append(mido.Message("note_on", note=pitch + i % 5, velocity=80, time=0))
        for k, pitch in enumerate(chord):
            track.append(
                mido.Message("note_off", note=pitch + i % 5, velocity=0, time=480 if k == 0 else 0)
            )
    midi.save(path)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        out += [int(c) for c in children]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_killing_a_render_ends_fluidsynth_and_its_files_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_program("fluidsynth")
    midi = tmp_path / "long.mid"
    _long_midi(midi, 30)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    child = subprocess.Popen([sys.executable, "-c", _SYNTHESISE, str(midi)], env=env)
    synth: list[int] = []
    deadline = time.monotonic() + 60
    while not synth and time.monotonic() < deadline and child.poll() is None:
        synth = _children(child.pid)
        time.sleep(0.01)
    assert synth, "fluidsynth never started"
    child.kill()
    child.wait()
    deadline = time.monotonic() + 5
    while _alive(synth[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(synth[0]), "fluidsynth outlived its parent"
    left = [p.name for p in scratch.iterdir()]
    assert len(left) == 1 and left[0].startswith(SYNTH_PREFIX)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    _long_midi(midi, 0)
    synthesise(midi.read_bytes(), choose_synth("fluidsynth"))  # the next render cleans up
    assert list(scratch.iterdir()) == []
