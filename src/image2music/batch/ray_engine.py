"""The Ray engine: the same pictures as Ray tasks, on one machine or a cluster.

Needs the ``scale`` extra (``pip install 'image2music[scale]'``, Ray). With
``RAY_ADDRESS`` set the batch joins that cluster; otherwise it starts a local
Ray with ``jobs`` CPUs and stops it at the end. Each picture is one task
(one CPU, no retries: a failed picture is recorded, not composed twice) that
runs, on one core (:func:`~image2music.cores.hold_one_core`),
:func:`~.tasks.run_task`, exactly what the local engine runs, so the
files are the same; Ray keeps its worker processes, so each loads the
networks once. At most two tasks per CPU are in flight. On a cluster the
pictures and the output folder must be on storage every node sees at the
same path (NFS, a shared volume); the manifest is written by this process.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from typing import Any

from image2music.batch.tasks import Outcome, Task, Work, run_task
from image2music.errors import MissingDependencyError

__all__ = ["iter_ray"]


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise MissingDependencyError("ray", "scale", "--engine ray") from e
    return ray


def _run_on_one_core(task: Task, work: Work) -> Outcome:
    """A Ray task: one picture, its worker held to the one CPU the task was given."""
    from image2music.cores import hold_one_core

    hold_one_core()
    return run_task(task, work)


def iter_ray(tasks: Sequence[Task], work: Work, *, jobs: int) -> Generator[Outcome, None, None]:
    """Compose ``tasks`` as Ray tasks, yielding outcomes as they finish."""
    ray = _ray()
    started = False
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        ray.init(
            address=address,
            num_cpus=None if address else jobs,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            runtime_env={"env_vars": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}},
        )
        started = True
    remote = ray.remote(num_cpus=1, max_retries=0)(_run_on_one_core)
    limit = 2 * max(1, int(ray.cluster_resources().get("CPU", jobs)))
    waiting = list(reversed(tasks))
    running: dict[Any, Task] = {}
    try:
        while waiting or running:
            while waiting and len(running) < limit:
                task = waiting.pop()
                ref = remote.remote(task, work)
                running[ref] = task
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                task = running.pop(ref)
                try:
                    outcome = ray.get(ref)
                except ray.exceptions.RayError as e:  # the worker died, or Ray failed
                    line = " ".join(str(e).split())[:300]
                    outcome = Outcome(task, False, error=f"Ray: {line}", code=1)
                yield outcome
    finally:
        for ref in running:
            ray.cancel(ref, force=True)
        if started:
            ray.shutdown()
