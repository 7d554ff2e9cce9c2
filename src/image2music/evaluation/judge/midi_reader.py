"""Read notes from MIDI files and the EMOPIA archive, for the music emotion judge.

Notes are read in seconds (the tempo map applied) with symusic; drum tracks are
left out, since EMOPIA is solo piano and the judge listens to pitched notes.
The EMOPIA MIDI clips are read straight from ``EMOPIA_1.0.tar.gz``; the
quadrant labels come from ``label.csv`` (or the ``Q{n}_`` prefix of the clip
name) and the official song-level splits from ``split/{train,val,test}_clip.csv``.
"""

from __future__ import annotations

import csv
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import Image2MusicError

__all__ = [
    "ARCHIVE_NAME",
    "SPLITS",
    "Notes",
    "clip_quadrant",
    "iter_archive",
    "read_midi_bytes",
    "read_split",
]

#: File name of the EMOPIA archive inside the dataset folder.
ARCHIVE_NAME = "EMOPIA_1.0.tar.gz"
#: The official splits, in order.
SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass(frozen=True)
class Notes:
    """The pitched notes of a piece, sorted by onset.

    Attributes:
        onset: Start times in seconds.
        duration: Durations in seconds (> 0).
        pitch: MIDI pitches 0..127.
        velocity: MIDI velocities 1..127.
    """

    onset: NDArray[np.float64]
    duration: NDArray[np.float64]
    pitch: NDArray[np.float64]
    velocity: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.onset.shape[0])


def read_midi_bytes(data: bytes) -> Notes:
    """Read the pitched notes of a Standard MIDI File.

    Args:
        data: The file's bytes.

    Returns:
        All notes of the non-drum tracks, merged and sorted by onset.

    Raises:
        Image2MusicError: If the bytes are not a readable MIDI file.
    """
    import symusic

    try:
        score: Any = symusic.Score.from_midi(data, ttype="second")
    except Exception as e:  # symusic raises plain RuntimeError/ValueError
        raise Image2MusicError(f"not a readable MIDI file: {e}") from e
    parts: list[dict[str, NDArray[np.generic]]] = [
        track.notes.numpy() for track in score.tracks if not track.is_drum and len(track.notes)
    ]
    if not parts:
        empty = np.zeros(0, dtype=np.float64)
        return Notes(empty, empty, empty, empty)
    onset = np.concatenate([p["time"] for p in parts]).astype(np.float64)
    duration = np.concatenate([p["duration"] for p in parts]).astype(np.float64)
    pitch = np.concatenate([p["pitch"] for p in parts]).astype(np.float64)
    velocity = np.concatenate([p["velocity"] for p in parts]).astype(np.float64)
    order = np.lexsort((pitch, onset))
    duration = np.maximum(duration[order], 1e-3)
    return Notes(onset[order], duration, pitch[order], np.clip(velocity[order], 1, 127))


def clip_quadrant(name: str) -> int:
    """The quadrant 1..4 in an EMOPIA clip name such as ``Q3_abc_0.mid``.

    Raises:
        Image2MusicError: If the name does not start with ``Q1_`` .. ``Q4_``.
    """
    stem = Path(name).name
    if len(stem) < 3 or stem[0] != "Q" or stem[1] not in "1234" or stem[2] != "_":
        raise Image2MusicError(f"EMOPIA clip name without a quadrant: {name!r}")
    return int(stem[1])


def read_split(emopia_dir: Path, split: str) -> list[str]:
    """Clip stems (no ``.mid``) of an official split.

    Args:
        emopia_dir: The EMOPIA folder (with ``split/``).
        split: One of :data:`SPLITS`.

    Raises:
        Image2MusicError: If the split file is missing or empty.
    """
    path = emopia_dir / "split" / f"{split}_clip.csv"
    if not path.is_file():
        raise Image2MusicError(f"EMOPIA split file missing: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = [Path(r["clip_name"]).stem for r in rows if r.get("clip_name")]
    if not names:
        raise Image2MusicError(f"EMOPIA split file has no clips: {path}")
    return names


def iter_archive(emopia_dir: Path) -> Iterator[tuple[str, bytes]]:
    """Yield ``(clip stem, MIDI bytes)`` for every clip in the EMOPIA archive.

    Args:
        emopia_dir: The EMOPIA folder holding :data:`ARCHIVE_NAME`.

    Raises:
        Image2MusicError: If the archive is missing or unreadable.
    """
    archive = emopia_dir / ARCHIVE_NAME
    if not archive.is_file():
        raise Image2MusicError(f"EMOPIA archive missing: {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tf:
            for member in tf:
                if not member.isfile() or not member.name.lower().endswith((".mid", ".midi")):
                    continue
                fh = tf.extractfile(member)
                if fh is not None:
                    yield Path(member.name).stem, fh.read()
    except (tarfile.TarError, OSError, EOFError) as e:
        raise Image2MusicError(f"cannot read {archive}: {e}") from e
