"""``image2music compose DIR... --jobs N``: a batch with a progress bar and a short summary."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from image2music.batch.tasks import Task
    from image2music.options import ComposeOptions

__all__ = ["run_batch_command"]


def run_batch_command(
    out: Console,
    err: Console,
    tasks: Sequence[Task],
    options: ComposeOptions,
    formats: Sequence[str],
    outdir: Path,
    *,
    jobs: int | None,
    engine: str,
    retry_failed: bool,
    force: bool,
    quiet: bool,
) -> int:
    """Run a batch; print a progress bar, a summary line and one line per failure.

    Returns:
        The exit code: 0; 2 for bad pictures or options, 1 for other
        failures, 130 after Ctrl-C (what was finished is kept).
    """
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from image2music.batch.manifest import MANIFEST_NAME
    from image2music.batch.runner import run_batch
    from image2music.errors import Image2MusicError

    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    bar = Progress(
        TextColumn("composing"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )
    counter = bar.add_task("composing", total=len(tasks), rate="")

    def skipped(n: int, total: int) -> None:
        bar.update(counter, completed=n)
        if n and not quiet:
            err.print(f"{n} of {total} pictures already done ({MANIFEST_NAME}); skipping them")

    def progress(_outcome: object, done: int, to_do: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:.2f} pictures/s" if elapsed > 0 else ""
        bar.update(counter, advance=1, rate=rate)

    try:
        with bar:
            result = run_batch(
                tasks, options, formats, outdir,
                jobs=workers, engine=engine, retry_failed=retry_failed, force=force,
                progress=progress, skipped=skipped,
            )  # fmt: skip
    except KeyboardInterrupt:
        err.print(
            "[bold red]interrupted:[/] finished pictures are kept; run the same command "
            "again to compose the rest"
        )
        return 130
    except Image2MusicError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        return 2
    for failure in result.failures:
        err.print(
            f"[bold red]error:[/] {escape(str(failure.task.picture))}: {escape(failure.error)}"
        )
    rate = result.composed / result.seconds if result.seconds > 0 else 0.0
    parts = [f"{result.composed + result.skipped} of {result.total} pictures composed"]
    if result.skipped:
        parts.append(f"{result.skipped} by an earlier run")
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    parts.append(f"{result.seconds:.1f} s, {rate:.2f} pictures/s with {workers} {engine} jobs")
    out.print(", ".join(parts) + f"; files in {escape(str(outdir))}")
    return result.code
