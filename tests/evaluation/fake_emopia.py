"""Tiny MIDI files and a fake EMOPIA folder for the judge's tests."""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

import mido
import numpy as np

MAJOR, MINOR = (0, 4, 7), (0, 3, 7)


def midi_bytes(
    notes: list[tuple[float, float, int, int]],
    *,
    drums: list[tuple[float, float, int, int]] | None = None,
    bpm: float = 120.0,
) -> bytes:
    """A type-1 MIDI file of ``(onset_beats, duration_beats, pitch, velocity)`` notes."""
    tpb = 480
    mid = mido.MidiFile(type=1, ticks_per_beat=tpb)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0)])
    mid.tracks.append(conductor)
    for channel, part in ((0, notes), (9, drums or [])):
        events = []
        for on, dur, pitch, vel in part:
            events.append((round(on * tpb), 1, pitch, vel))
            events.append((round((on + dur) * tpb), 0, pitch, 0))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        track, now = mido.MidiTrack(), 0
        for tick, kind, pitch, vel in events:
            msg = "note_on" if kind else "note_off"
            track.append(
                mido.Message(msg, note=pitch, velocity=vel, channel=channel, time=tick - now)
            )
            now = tick
        mid.tracks.append(track)
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


def piece(quadrant: int, rng: np.random.Generator, beats: int = 32) -> bytes:
    """A clip of its quadrant: fast, loud and high for high arousal; major triads for valence."""
    high = quadrant in (1, 2)
    chord = MAJOR if quadrant in (1, 4) else MINOR
    step = 0.5 if high else 2.0
    base = int(rng.integers(0, 12))
    notes = []
    t = 0.0
    while t < beats:
        root = 48 + (base if high else base - 12)
        vel = int(rng.integers(90, 120) if high else rng.integers(30, 60))
        for iv in chord:
            notes.append((t, step, root + iv, vel))
        notes.append((t, step / 2, root + 24 + int(rng.choice(chord)), vel))
        t += step
    return midi_bytes(notes)


def make_fake_emopia(root: Path, per_quadrant: dict[str, int] | None = None) -> Path:
    """Write ``root/emopia`` (archive, label.csv, split files); returns the datasets folder."""
    counts = per_quadrant or {"train": 12, "val": 4, "test": 4}
    rng = np.random.default_rng(0)
    folder = root / "emopia"
    (folder / "split").mkdir(parents=True)
    archive = folder / "EMOPIA_1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        for split, n in counts.items():
            names = []
            for q in (1, 2, 3, 4):
                for i in range(n):
                    name = f"Q{q}_{split}song{i}_0.mid"
                    data = piece(q, rng)
                    info = tarfile.TarInfo(f"EMOPIA_1.0/midis/{name}")
                    info.size = len(data)
                    tf.addfile(info, io.BytesIO(data))
                    names.append(name)
            with (folder / "split" / f"{split}_clip.csv").open("w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["", "clip_name"])
                w.writerows([i, n] for i, n in enumerate(names))
    return root
