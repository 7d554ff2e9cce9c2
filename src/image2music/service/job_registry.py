"""Compose jobs a client can follow: ``POST /api/jobs``, ``GET`` and ``DELETE /api/jobs/{id}``.

A job runs the same compose as ``POST /api/compose`` in the server's pool,
but the request returns at once (202) with the job's id; the client then
asks how far it is: ``status`` (``queued``, ``running``, ``done``,
``failed``, ``cancelled``), ``stage`` (one of
:data:`~image2music.service.jobs.JOB_STAGES`), ``progress`` in [0, 1], and
when done the ``result`` (the body ``/api/compose`` answers) or the
``error`` (the API's error object). Jobs are kept as long as results
(``result_ttl_sec``), at most :data:`MAX_JOBS` at once; ids are unguessable.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from image2music.service.jobs import JOB_STAGES, JobCancelledError, StageBoard
from image2music.service.results import ResultNotFoundError

__all__ = ["MAX_JOBS", "STATUSES", "Job", "JobRegistry"]

#: Jobs kept at once (finished ones go first when there are more).
MAX_JOBS = 1000
#: What a job's ``status`` can be.
STATUSES = ("queued", "running", "done", "failed", "cancelled")


@dataclass
class Job:
    """One compose a client follows.

    Attributes:
        id: Unguessable id (``secrets.token_urlsafe(16)``).
        created: When it was posted, in seconds since the epoch.
        board: Where the compose is.
        cancelled: Set to stop it.
        finished: ``done``, ``failed`` or ``cancelled`` once it ended, else ``""``.
        result: The compose's body when done.
        error: ``{"code", "message"}`` when it failed.
    """

    id: str
    created: float
    board: StageBoard = field(default_factory=StageBoard)
    cancelled: threading.Event = field(default_factory=threading.Event)
    finished: str = ""
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    task: asyncio.Task[None] | None = None

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``done``, ``failed`` or ``cancelled``."""
        if self.finished:
            return self.finished
        return "running" if self.board.index > 0 else "queued"

    def to_json(self) -> dict[str, Any]:
        """The job as ``GET /api/jobs/{id}`` answers it."""
        index = min(self.board.index, len(JOB_STAGES) - 1)
        body: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "stage": JOB_STAGES[index] if self.finished != "done" else "done",
            "progress": 1.0 if self.finished == "done" else round(index / len(JOB_STAGES), 3),
        }
        if self.result is not None:
            body["result"] = self.result
        if self.error is not None:
            body["error"] = self.error
        return body


class JobRegistry:
    """The jobs of one server.

    Args:
        ttl_sec: Seconds a job is kept after it was posted.
        describe: Turns an exception into ``(status, code, message)`` for ``error``.
        clock: Seconds since the epoch (for tests).
    """

    def __init__(
        self,
        ttl_sec: float,
        describe: Callable[[BaseException], tuple[int, str, str]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl_sec = ttl_sec
        self._describe = describe
        self._clock = clock
        self._jobs: dict[str, Job] = {}

    def start(self, work: Callable[[Job], Awaitable[dict[str, Any]]]) -> Job:
        """Start ``work(job)`` (which composes and returns the result body) as a new job."""
        self._prune()
        job = Job(secrets.token_urlsafe(16), self._clock())
        self._jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job, work))
        return job

    async def _run(self, job: Job, work: Callable[[Job], Awaitable[dict[str, Any]]]) -> None:
        try:
            job.result = await work(job)
            job.finished = "done"
        except (JobCancelledError, asyncio.CancelledError):
            job.finished = "cancelled"
        except Exception as e:  # reported to the client as the job's error
            _, code, message = self._describe(e)
            job.error = {"code": code, "message": message}
            job.finished = "failed"

    def get(self, job_id: str) -> Job:
        """The job; raises :class:`ResultNotFoundError` (404) for an unknown or expired id."""
        job = self._jobs.get(job_id)
        if job is None or self._clock() - job.created > self.ttl_sec:
            raise ResultNotFoundError("no such job (unknown, or expired)")
        return job

    def cancel(self, job_id: str) -> Job:
        """Stop a job (a queued one never starts; a running one stops at its next stage)."""
        job = self.get(job_id)
        if not job.finished:
            job.cancelled.set()
            if job.task is not None:
                job.task.cancel()
            job.finished = "cancelled"
        return job

    def _prune(self) -> None:
        now = self._clock()
        for job_id, job in list(self._jobs.items()):
            if now - job.created > self.ttl_sec and job.finished:
                del self._jobs[job_id]
        if len(self._jobs) >= MAX_JOBS:
            done = [j for j in self._jobs.values() if j.finished]
            for job in sorted(done, key=lambda j: j.created)[: len(self._jobs) - MAX_JOBS + 1]:
                del self._jobs[job.id]
