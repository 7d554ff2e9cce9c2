"""Building one dataset's part of the corpus: its cache key, reading, normalising, storing.

:func:`build_part` reads one dataset with its reader, normalises every song,
packs the arrays and writes ``parts/<dataset>.npz`` and ``parts/<dataset>.json``
(input key, report, statistics, content hash). :func:`input_key` is the part's
cache key: a hash of its input files' paths, sizes and modification times, of
the builder's source code and of the vocabulary version. The orchestration
(every part, in parallel, then the combined corpus) is :mod:`.build`'s.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from image2music.data.chords import ChordStatus
from image2music.data.normalise import normalise_song
from image2music.data.readers import DATASETS
from image2music.data.song import DatasetReport
from image2music.data.store import content_hash, pack_songs, write_npz
from image2music.errors import DataError
from image2music.vocab import VOCAB_VERSION

__all__ = [
    "CORPUS_FORMAT",
    "BuildCallback",
    "QueueCallback",
    "build_part",
    "builder_version",
    "cached_part",
    "input_key",
]

#: Version of the on-disk layout; part of every path and key.
CORPUS_FORMAT = 1

#: Progress callback: ``(dataset, phase, done, total)``; phase is one of
#: ``"cached"``, ``"reading"``, ``"normalising"``, ``"done"``, ``"combining"``.
BuildCallback = Callable[[str, str, int, int], None]


@functools.cache
def builder_version() -> str:
    """Hash of the corpus builder's source code (all of :mod:`image2music.data`)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def input_key(name: str, datasets_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    """Cache key of one dataset and the input files it was computed from.

    Args:
        name: Dataset name.
        datasets_dir: The datasets directory.

    Returns:
        ``(key, files)`` with ``files`` as ``{"path", "size", "mtime_ns"}``.

    Raises:
        DataError: If the dataset has no input file.
    """
    spec = DATASETS[name]
    files = spec.input_files(datasets_dir)
    if not files:
        raise DataError(
            f"dataset {name!r}: none of {', '.join(spec.inputs)} found in "
            f"{datasets_dir / spec.folder}"
        )
    entries = []
    for p in files:
        st = p.stat()
        entries.append(
            {
                "path": p.relative_to(datasets_dir).as_posix(),
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
            }
        )
    payload = json.dumps(
        {
            "files": entries,
            "builder": builder_version(),
            "vocab": VOCAB_VERSION,
            "format": CORPUS_FORMAT,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16], entries


def _part_stats(
    table: dict[str, np.ndarray[Any, Any]], drop_reasons: Counter[str], notes: Counter[str]
) -> dict[str, Any]:
    status = table["chord_status"]
    return {
        "songs": len(table["song_id"]),
        "phrases": len(table["phrase_song"]),
        "chords_exact": int((status == ChordStatus.EXACT).sum()),
        "chords_simplified": int((status == ChordStatus.SIMPLIFIED).sum()),
        "chords_dropped": int((status == ChordStatus.DROPPED).sum()),
        "chords_none": int((status == ChordStatus.NONE).sum()),
        "chord_drop_reasons": dict(sorted(drop_reasons.items())),
        "melody_notes": len(table["note_onset"]),
        "songs_with_melody": int(table["has_melody"].sum()),
        "normalisation": dict(sorted(notes.items())),
        "chord_source": sorted(set(table["chord_source"].tolist())),
    }


def build_part(
    name: str,
    datasets_dir: Path,
    parts_dir: Path,
    key: str,
    files: list[dict[str, Any]],
    callback: BuildCallback,
) -> dict[str, Any]:
    """Read, normalise and store one dataset's part; its metadata is returned.

    Raises:
        DataError: If the dataset cannot be read at all.
    """
    spec = DATASETS[name]
    folder = datasets_dir / spec.folder
    report = DatasetReport(name)
    parts_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _log_to(parts_dir / f"{name}.log", "w"):
            songs = spec.read(folder, report, lambda d, t: callback(name, "reading", d, t))
    except DataError as e:
        msg = str(e)
        raise DataError(msg if msg.startswith(name) else f"{name}: {msg}") from e
    if report.items_read == 0:
        reasons = ", ".join(f"{r} ({n})" for r, n in report.skipped.most_common(3))
        raise DataError(
            f"dataset {name!r} is unreadable: none of its {report.items_total} items in "
            f"{folder} could be read" + (f": {reasons}" if reasons else "")
        )
    counters: Counter[str] = Counter()
    drops: Counter[str] = Counter()
    arrays = []
    for i, s in enumerate(songs):
        a = normalise_song(s, counters)
        drops.update(a.drop_reasons)
        arrays.append(a)
        if i % 50 == 0 or i + 1 == len(songs):
            callback(name, "normalising", i + 1, len(songs))
    table = pack_songs(arrays, spec.licence, spec.permissive)
    stats = _part_stats(table, drops, counters)
    meta: dict[str, Any] = {
        "dataset": name,
        "input_key": key,
        "input_files": files,
        "builder_version": builder_version(),
        "licence": spec.licence,
        "permissive": spec.permissive,
        "has_melody": spec.has_melody,
        "report": report.to_json(),
        "stats": stats,
        "content_hash": content_hash(table),
    }
    parts_dir.mkdir(parents=True, exist_ok=True)
    write_npz(parts_dir / f"{name}.npz", table)
    tmp = parts_dir / f"{name}.json.tmp"
    tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(parts_dir / f"{name}.json")
    callback(name, "done", stats["songs"], stats["songs"])
    return meta


class QueueCallback:
    """Picklable progress callback for worker processes (throttled)."""

    def __init__(self, q: Any) -> None:
        self.q = q
        self.last: dict[tuple[str, str], float] = {}

    def __call__(self, name: str, phase: str, done: int, total: int) -> None:
        """Queue a progress report (at most every 0.1 s per dataset and phase)."""
        now = time.monotonic()
        if done < total and now - self.last.get((name, phase), 0.0) < 0.1:
            return
        self.last[(name, phase)] = now
        self.q.put((name, phase, done, total))


@contextlib.contextmanager
def _log_to(path: Path, mode: str) -> Iterator[None]:
    """Send the data package's log records to ``path`` only, for the duration."""
    logger = logging.getLogger("image2music.data")
    handler = logging.FileHandler(path, mode=mode, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    old_propagate, old_level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.propagate, logger.level = old_propagate, old_level


def cached_part(parts_dir: Path, name: str, key: str) -> dict[str, Any] | None:
    """The metadata of a cached part whose input key is ``key``, else ``None``."""
    meta_path, npz_path = parts_dir / f"{name}.json", parts_dir / f"{name}.npz"
    if not (meta_path.is_file() and npz_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("input_key") == key else None
