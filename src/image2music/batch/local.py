"""The local engine: a pool of worker processes on this machine.

Each worker is a fresh (spawned) Python process that loads the networks on
its first picture and keeps them, runs on one core (numeric libraries on one
thread, no analysis thread:
:func:`~image2music.cores.hold_one_core`), ignores Ctrl-C (the
parent stops the pool), and is replaced after :data:`TASKS_PER_WORKER`
pictures so that its memory stays bounded however large the library. At most
two pictures per worker are queued at a time. With one job the pictures are
composed in this process, with no pool, on one core as well
(:func:`~image2music.cores.one_core`): ``--jobs N`` is the number
of cores a batch takes.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from image2music.batch.tasks import Outcome, Task, Work, run_task

__all__ = ["TASKS_PER_WORKER", "iter_local"]

#: Pictures a worker composes before it is replaced by a fresh one.
TASKS_PER_WORKER = 500


def _start_worker() -> None:
    """Runs first in each worker: one core, Ctrl-C left to the parent."""
    import signal

    from image2music.cores import hold_one_core

    hold_one_core()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def iter_local(tasks: Sequence[Task], work: Work, *, jobs: int) -> Generator[Outcome, None, None]:
    """Compose ``tasks`` with ``jobs`` worker processes, yielding outcomes as they finish.

    A worker that dies (killed, out of memory) breaks the pool: the pictures
    in flight then are failed (the pool cannot tell which one it held) and a
    new pool is started for the rest. Closing the iterator (Ctrl-C
    in the caller) stops the pool at once: the pictures in flight are lost,
    and their files, staged, never appear.
    """
    import multiprocessing

    if jobs <= 1:
        from image2music.cores import one_core

        with one_core():
            for task in tasks:
                yield run_task(task, work)
        return
    context = multiprocessing.get_context("spawn")
    waiting = list(reversed(tasks))
    while waiting:
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_start_worker,
            max_tasks_per_child=TASKS_PER_WORKER,
        )
        running: dict[Future[Outcome], Task] = {}
        try:
            while waiting or running:
                while waiting and len(running) < 2 * jobs:
                    task = waiting[-1]
                    future = pool.submit(run_task, task, work)
                    running[future] = waiting.pop()
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for done in finished:
                    task = running.pop(done)
                    try:
                        outcome = done.result()
                    except BrokenProcessPool:
                        outcome = Outcome(task, False, error="its worker process died", code=1)
                    yield outcome
        except BrokenProcessPool:  # submit after a death: a new pool takes the rest
            for task in running.values():
                yield Outcome(task, False, error="its worker process died", code=1)
        finally:
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down now, killing workers still composing."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle on them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
