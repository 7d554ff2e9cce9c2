"""A batch: many pictures, resumable, on this machine or on a Ray cluster.

:func:`run_batch` reads the output folder's manifest (:mod:`.manifest`),
skips the pictures an earlier run finished with the same options, hands the
rest to an engine (``local``: :mod:`.local`; ``ray``: :mod:`.ray_engine`) and
records each outcome the moment it arrives. Files are written all or none by
the worker, and a picture's record is written after its files, so a run
killed at any point loses at most the pictures in flight: a rerun composes
exactly those (and new pictures), never a finished one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

from image2music.batch.manifest import Manifest, Record, options_sha256
from image2music.batch.tasks import Outcome, Task, Work
from image2music.errors import ConfigError
from image2music.options import ComposeOptions

__all__ = ["ENGINES", "BatchSummary", "run_batch"]

#: The engines a batch can run on.
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did.

    Attributes:
        total: Pictures given.
        composed: Composed by this run.
        skipped: Finished by an earlier run (or failed there, without ``retry_failed``).
        failures: This run's failed outcomes, in the order they finished.
        seconds: Wall-clock time of the run, in seconds.
    """

    total: int
    composed: int
    skipped: int
    failures: tuple[Outcome, ...]
    seconds: float

    @property
    def code(self) -> int:
        """The exit code: 0, or the worst of the failures (2 bad input, 1 other)."""
        return max((f.code for f in self.failures), default=0)


Progress = Callable[[Outcome, int, int], None]


def run_batch(
    tasks: Sequence[Task],
    options: ComposeOptions,
    formats: Sequence[str],
    outdir: Path,
    *,
    jobs: int,
    engine: str = "local",
    retry_failed: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    skipped: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Compose every task into ``outdir``, resuming from its manifest.

    Args:
        tasks: The pictures (:func:`~.tasks.plan_tasks`).
        options: Composition options, the same for all.
        formats: Formats to write for each picture.
        outdir: The output folder (created when missing); holds the manifest.
        jobs: Pictures composed at once (worker processes or Ray tasks).
        engine: ``"local"`` or ``"ray"`` (default ``"local"``).
        retry_failed: Compose again the pictures an earlier run failed on.
        force: Overwrite existing files. Files in a folder that already has
            a manifest are overwritten anyway when their picture is composed
            again (they are this batch's own, e.g. of a picture in flight
            when a run was killed).
        progress: Called after each picture with ``(outcome, done, to_do)``.
        skipped: Called once with ``(skipped, total)`` before composing starts.

    Returns:
        What was done.

    Raises:
        ConfigError: For an unknown engine or ``jobs`` below 1.
        WriteError: If the output folder or the manifest cannot be written.
        MissingDependencyError: For ``engine="ray"`` without Ray.
    """
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if jobs < 1:
        raise ConfigError(f"jobs must be at least 1, got {jobs}")
    from image2music.errors import WriteError

    start = time.perf_counter()
    fmts = tuple(dict.fromkeys(formats))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create {outdir}: {e.strerror or e}") from e
    manifest = Manifest(outdir)
    overwrite = force or manifest.existed
    options_hash = options_sha256(options.to_dict(), fmts)
    stats: dict[str, tuple[int, int]] = {}
    todo: list[Task] = []
    for task in tasks:  # no picture is read here: its size and time say whether it changed
        try:
            st = task.picture.stat()
            stats[task.stem] = (st.st_size, st.st_mtime_ns)
        except OSError:
            stats[task.stem] = (-1, -1)  # the worker reports why it cannot be read
        key = (task.stem, options_hash)
        if not manifest.finished(key, stats[task.stem], outdir, retry_failed=retry_failed):
            todo.append(task)
    failures: list[Outcome] = []
    n_skipped = len(tasks) - len(todo)
    if skipped is not None:
        skipped(n_skipped, len(tasks))
    composed = 0
    outcomes = _engine(engine, todo, Work(options, fmts, outdir, overwrite), jobs)
    try:
        for done, outcome in enumerate(outcomes, start=1):
            manifest.add(
                Record(
                    picture=str(outcome.task.picture),
                    picture_sha256=outcome.picture_sha256,
                    options_sha256=options_hash,
                    stem=outcome.task.stem,
                    status="done" if outcome.ok else "failed",
                    outputs=outcome.outputs,
                    error=outcome.error,
                    seconds=round(outcome.seconds, 3),
                    size=stats[outcome.task.stem][0],
                    mtime_ns=stats[outcome.task.stem][1],
                )
            )
            if outcome.ok:
                composed += 1
            else:
                failures.append(outcome)
            if progress is not None:
                progress(outcome, done, len(todo))
    finally:
        outcomes.close()  # Ctrl-C or an error: the engine stops its workers
        manifest.close()
    return BatchSummary(
        len(tasks), composed, n_skipped, tuple(failures), time.perf_counter() - start
    )


def _engine(
    engine: str, tasks: Sequence[Task], work: Work, jobs: int
) -> Generator[Outcome, None, None]:
    if engine == "ray":
        from image2music.batch.ray_engine import iter_ray

        return iter_ray(tasks, work, jobs=jobs)
    from image2music.batch.local import iter_local

    return iter_local(tasks, work, jobs=jobs)
