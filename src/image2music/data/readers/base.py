"""What every dataset reader provides, and the per-item error boundary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from image2music.data.song import DatasetReport, SongRecord, SongSkip
from image2music.errors import DataError

__all__ = [
    "DatasetSpec",
    "ProgressFn",
    "ReadFn",
    "archive_path",
    "decode_text",
    "read_items",
    "read_sorted",
]

#: Progress callback: ``(items_done, items_total)``.
ProgressFn = Callable[[int, int], None]
#: A reader: ``(dataset_folder, report, progress) -> songs``. It reads every
#: item of the dataset folder through :func:`read_items` (so ``report`` receives
#: counts and skip reasons, and ``progress`` is called per item) and raises
#: :class:`~image2music.errors.DataError` when the dataset's files are missing
#: or unreadable as a whole.
ReadFn = Callable[[Path, DatasetReport, ProgressFn], list[SongRecord]]

T = TypeVar("T")


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset the corpus builder knows.

    Attributes:
        name: Short name used on the command line and in the corpus.
        folder: Folder name under the datasets directory.
        licence: Licence of the data, as published.
        permissive: Whether the licence allows shipping weights trained on it
            (True only for MIT, CC0, public domain, CC BY).
        inputs: Glob patterns (relative to the folder) of the files read;
            their sizes and modification times key the build cache.
        read: The reader function.
        has_melody: Whether songs carry a melody.
    """

    name: str
    folder: str
    licence: str
    permissive: bool
    inputs: tuple[str, ...]
    read: ReadFn
    has_melody: bool = True

    def input_files(self, datasets_dir: Path) -> list[Path]:
        """The existing input files of this dataset, sorted."""
        root = datasets_dir / self.folder
        found: set[Path] = set()
        for pattern in self.inputs:
            found.update(p for p in root.glob(pattern) if p.is_file())
        return sorted(found)


def read_items(
    items: Iterable[tuple[str, T]],
    total: int,
    parse: Callable[[str, T], SongRecord],
    report: DatasetReport,
    progress: ProgressFn,
) -> list[SongRecord]:
    """Parse items one by one; a failing item is skipped, logged and counted.

    Args:
        items: ``(item_name, payload)`` pairs.
        total: Number of items (for progress).
        parse: Turns one payload into a song; raises :class:`SongSkip` (or
            any exception) for a malformed item.
        report: Receives counts and skip reasons.
        progress: Called after each item.

    Returns:
        The songs read, in item order.
    """
    songs: list[SongRecord] = []
    for done, (name, payload) in enumerate(items, start=1):
        report.items_total += 1
        try:
            songs.append(parse(name, payload))
            report.items_read += 1
        except SongSkip as e:
            report.skip(name, str(e))
        except Exception as e:  # per-item boundary: any malformed file is skipped
            report.skip(name, f"malformed file ({type(e).__name__})", str(e))
        progress(done, total)
    return songs


def read_sorted(
    items: Mapping[str, T],
    parse: Callable[[str, T], SongRecord],
    report: DatasetReport,
    progress: ProgressFn,
) -> list[SongRecord]:
    """:func:`read_items` over a mapping ``item_name -> payload``, by sorted name."""
    names = sorted(items)
    return read_items(((n, items[n]) for n in names), len(names), parse, report, progress)


def archive_path(folder: Path, name: str, dataset: str) -> Path:
    """The file ``folder / name`` that a reader needs.

    Raises:
        DataError: ``"<dataset>: <path> not found"`` if it is not a file.
    """
    path = folder / name
    if not path.is_file():
        raise DataError(f"{dataset}: {path} not found")
    return path


def decode_text(data: bytes) -> str:
    """A text file's bytes as UTF-8, undecodable bytes replaced."""
    return data.decode("utf-8", errors="replace")
