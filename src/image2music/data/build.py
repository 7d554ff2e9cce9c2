"""Building the corpus: read each dataset, normalise, cache, combine, split.

Cache layout under the cache directory (see :mod:`image2music.data.paths`)::

    v<CORPUS_FORMAT>/
        parts/<dataset>.npz    one dataset's songs (no splits yet)
        parts/<dataset>.json   its input key, report and statistics
        corpus.npz             all selected datasets, with splits
        manifest.json          counts, content hash, input keys, versions
        parts/<dataset>.log    every item skipped while reading it, and why

A dataset part is rebuilt only when its *input key* changes: a hash of its
input files' paths, sizes and modification times, of the builder's source
code (every ``.py`` file of :mod:`image2music.data`) and of the vocabulary
version; ``force`` rebuilds anyway. The combined corpus is rewritten only
when the set of part keys changes. Arrays are deterministic (the ``.npz``
bytes too); only ``manifest.json`` carries a build date.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import queue as queue_mod
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from image2music.data.features import FEATURE_NAMES
from image2music.data.parts import (
    CORPUS_FORMAT,
    BuildCallback,
    QueueCallback,
    build_part,
    builder_version,
    cached_part,
    input_key,
)
from image2music.data.readers import DATASETS
from image2music.data.splits import SPLITS, assign_split, group_key
from image2music.data.store import concat_tables, content_hash, read_npz, write_npz
from image2music.errors import DataError
from image2music.vocab import CHORD_VOCAB_SIZE, MELODY_VOCAB_SIZE, VOCAB_VERSION

__all__ = [
    "CORPUS_FORMAT",
    "BuildCallback",
    "BuildResult",
    "build_corpus",
    "builder_version",
    "corpus_dir",
    "input_key",
    "select_datasets",
]


@dataclass
class BuildResult:
    """Outcome of :func:`build_corpus`.

    Attributes:
        corpus_dir: Folder holding ``corpus.npz`` and ``manifest.json``.
        manifest: The manifest's content.
        built: Datasets read in this run.
        cached: Datasets whose cached part was reused.
        combined: Whether ``corpus.npz`` was (re)written.
        seconds: Wall-clock time of the build.
    """

    corpus_dir: Path
    manifest: dict[str, Any]
    built: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    combined: bool = False
    seconds: float = 0.0


def corpus_dir(cache_dir: Path) -> Path:
    """The versioned corpus folder inside a cache directory."""
    return cache_dir / f"v{CORPUS_FORMAT}"


def select_datasets(only: Sequence[str] | None) -> list[str]:
    """Dataset names to build, in corpus order.

    Args:
        only: Names to keep (``None`` or empty: all).

    Returns:
        The names.

    Raises:
        DataError: If a name is unknown.
    """
    if not only:
        return list(DATASETS)
    unknown = [n for n in only if n not in DATASETS]
    if unknown:
        raise DataError(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(DATASETS)}")
    return [n for n in DATASETS if n in set(only)]


def _noop(name: str, phase: str, done: int, total: int) -> None:
    del name, phase, done, total


# Larger datasets first so that two workers finish together.
_COST_ORDER = (
    "pop909",
    "emopia",
    "openewld",
    "chord_melody",
    "nottingham",
    "billboard",
    "when_in_rome",
    "jazz_standards",
)


def build_corpus(
    datasets_dir: Path,
    cache_dir: Path,
    *,
    only: Sequence[str] | None = None,
    force: bool = False,
    workers: int = 1,
    callback: BuildCallback | None = None,
) -> BuildResult:
    """Build (or reuse) the corpus.

    Args:
        datasets_dir: Folder with one sub-folder per dataset.
        cache_dir: Cache directory; the corpus goes to ``v<format>/`` in it.
        only: Dataset names to include (default: all). The corpus holds
            exactly these datasets.
        force: Rebuild every selected dataset even when cached.
        workers: Processes reading datasets in parallel (1: in this process).
        callback: Progress callback.

    Returns:
        What was built and the manifest.

    Raises:
        DataError: If a dataset is missing or wholly unreadable (the message
            names it), or a name in ``only`` is unknown.
    """
    t0 = time.perf_counter()
    cb = callback or _noop
    names = select_datasets(only)
    out_dir = corpus_dir(cache_dir)
    parts_dir = out_dir / "parts"
    try:
        parts_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(f"cannot create the corpus cache {out_dir}: {e}") from e
    return _build(names, datasets_dir, out_dir, parts_dir, force, workers, cb, t0)


def _build(
    names: list[str],
    datasets_dir: Path,
    out_dir: Path,
    parts_dir: Path,
    force: bool,
    workers: int,
    cb: BuildCallback,
    t0: float,
) -> BuildResult:
    keys: dict[str, tuple[str, list[dict[str, Any]]]] = {
        n: input_key(n, datasets_dir) for n in names
    }
    result = BuildResult(corpus_dir=out_dir, manifest={})
    metas: dict[str, dict[str, Any]] = {}
    todo: list[str] = []
    for n in names:
        cached = None if force else cached_part(parts_dir, n, keys[n][0])
        if cached is not None:
            metas[n] = cached
            result.cached.append(n)
            cb(n, "cached", cached["stats"]["songs"], cached["stats"]["songs"])
        else:
            todo.append(n)
    if todo and workers > 1 and len(todo) > 1:
        metas.update(_build_parallel(todo, datasets_dir, parts_dir, keys, workers, cb))
    else:
        for n in todo:
            metas[n] = build_part(n, datasets_dir, parts_dir, keys[n][0], keys[n][1], cb)
    result.built = [n for n in names if n in todo]

    manifest_path = out_dir / "manifest.json"
    corpus_path = out_dir / "corpus.npz"
    part_keys = {n: metas[n]["input_key"] for n in names}
    old = _read_json(manifest_path)
    if (
        not todo
        and not force
        and corpus_path.is_file()
        and old is not None
        and old.get("part_keys") == part_keys
    ):
        result.manifest = old
        result.seconds = time.perf_counter() - t0
        return result
    cb("corpus", "combining", 0, 1)
    table = concat_tables([read_npz(parts_dir / f"{n}.npz") for n in names])
    dup = _assign_splits(table)
    write_npz(corpus_path, table)
    manifest = _manifest(names, metas, part_keys, table, dup)
    tmp = manifest_path.with_name("manifest.json.tmp")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(manifest_path)
    cb("corpus", "combining", 1, 1)
    result.manifest = manifest
    result.combined = True
    result.seconds = time.perf_counter() - t0
    return result


def _build_parallel(
    todo: list[str],
    datasets_dir: Path,
    parts_dir: Path,
    keys: dict[str, tuple[str, list[dict[str, Any]]]],
    workers: int,
    cb: BuildCallback,
) -> dict[str, dict[str, Any]]:
    ctx = mp.get_context("spawn")
    order = sorted(todo, key=lambda n: _COST_ORDER.index(n) if n in _COST_ORDER else 99)
    metas: dict[str, dict[str, Any]] = {}
    with ctx.Manager() as manager:
        q = manager.Queue()
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures: dict[str, Future[dict[str, Any]]] = {
                n: pool.submit(
                    build_part, n, datasets_dir, parts_dir, keys[n][0], keys[n][1], QueueCallback(q)
                )
                for n in order
            }
            pending = set(futures)
            while pending:
                with contextlib.suppress(queue_mod.Empty):
                    while True:
                        cb(*q.get(timeout=0.05))
                for n in [n for n in pending if futures[n].done()]:
                    pending.discard(n)
                    metas[n] = futures[n].result()  # re-raises a worker's DataError
            with contextlib.suppress(queue_mod.Empty):
                while True:
                    cb(*q.get_nowait())
    return metas


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _assign_splits(table: dict[str, np.ndarray[Any, Any]]) -> dict[str, int]:
    """Fill ``group_key`` and ``split``; return duplicate-group counts."""
    datasets = table["dataset"].tolist()
    ids = table["song_id"].tolist()
    titles = table["title"].tolist()
    official = table["official_split"].tolist()
    keys = [group_key(d, i, t) for d, i, t in zip(datasets, ids, titles, strict=True)]
    table["group_key"] = np.array(keys, dtype=np.str_) if keys else table["group_key"]
    splits = [assign_split(k, o) for k, o in zip(keys, official, strict=True)]
    table["split"] = np.array(splits, dtype=np.str_) if splits else table["split"]
    by_group: dict[str, set[str]] = {}
    for k, d in zip(keys, datasets, strict=True):
        by_group.setdefault(k, set()).add(d)
    cross = [k for k, ds in by_group.items() if len(ds) > 1]
    members = Counter(keys)
    return {
        "cross_dataset_groups": len(cross),
        "cross_dataset_songs": sum(members[k] for k in cross),
        "songs_sharing_a_title": sum(n for k, n in members.items() if n > 1),
    }


def _manifest(
    names: list[str],
    metas: dict[str, dict[str, Any]],
    part_keys: dict[str, str],
    table: dict[str, np.ndarray[Any, Any]],
    duplicates: dict[str, int],
) -> dict[str, Any]:
    split_counts = {s: int((table["split"] == s).sum()) for s in SPLITS}
    per_split = {
        n: {s: int(((table["dataset"] == n) & (table["split"] == s)).sum()) for s in SPLITS}
        for n in names
    }
    return {
        "format": CORPUS_FORMAT,
        "vocab_version": VOCAB_VERSION,
        "chord_vocab_size": CHORD_VOCAB_SIZE,
        "melody_vocab_size": MELODY_VOCAB_SIZE,
        "builder_version": builder_version(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "datasets": names,
        "part_keys": part_keys,
        "content_hash": content_hash(table),
        "feature_names": list(FEATURE_NAMES),
        "counts": {
            "songs": len(table["song_id"]),
            "phrases": len(table["phrase_song"]),
            "chords": len(table["chord_token"]),
            "melody_notes": len(table["note_onset"]),
            "permissive_songs": int(table["permissive"].sum()),
        },
        "splits": split_counts,
        "splits_by_dataset": per_split,
        "duplicates": duplicates,
        "parts": {n: metas[n] for n in names},
    }
