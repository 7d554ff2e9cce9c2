"""Composing off the event loop, a bounded number at a time.

Composing takes seconds of CPU (analysis, the harmony network, synthesis and
encoding), so it runs in a :class:`~concurrent.futures.ThreadPoolExecutor` of
``workers`` threads, never on the event loop. At most ``max_pending`` composes
may wait for a thread; more are refused at once with :class:`BusyError` (503).

The pipeline is safe to run in several threads at once: the onnxruntime
session is shared (``InferenceSession.run`` is thread-safe) while each call
keeps its own recurrent state; OpenCV's cascades, which are not thread-safe,
are loaded once per thread (:mod:`image2music.vision.entities`); the piano
roll uses matplotlib's object API, not pyplot's global state; FluidSynth runs
as a subprocess per call, and symusic makes a synthesiser per call.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from image2music.options import ComposeOptions
from image2music.service.results import ResultStore, StoredResult

__all__ = ["BusyError", "ComposeJobs", "JobCancelledError", "compose_and_store"]

T = TypeVar("T")


class BusyError(RuntimeError):
    """Too many composes are already waiting."""


class JobCancelledError(Exception):
    """The client went away, so its compose was stopped."""


def compose_and_store(
    data: bytes,
    name: str,
    options: ComposeOptions,
    formats: tuple[str, ...],
    store: ResultStore,
    cancelled: threading.Event | None = None,
) -> tuple[StoredResult, dict[str, object]]:
    """Compose a picture and save its files (runs in a worker thread).

    Args:
        data: The picture's bytes.
        name: The picture's file name (its stem names the files and the title).
        options: Validated options.
        formats: Formats to write.
        store: Where to save them.
        cancelled: Set when the client has gone: the compose stops at the next
            stage, and a result saved meanwhile is deleted.

    Returns:
        The stored result and the composition's report.

    Raises:
        ImageError: If the picture cannot be read.
        Image2MusicError: If a stage or writing fails.
        JobCancelledError: If ``cancelled`` was set.
    """
    from image2music.pipeline import compose

    def check(*_: object) -> None:
        if cancelled is not None and cancelled.is_set():
            raise JobCancelledError("the client went away")

    check()
    picture = io.BytesIO(data)
    picture.name = name  # the report and errors name it
    composition = compose(picture, options, progress=check)
    check()
    stored = store.save(composition, formats, name=name)
    if cancelled is not None and cancelled.is_set():
        store.delete(stored.id)
        check()
    return stored, composition.report


class ComposeJobs:
    """A bounded pool for composing.

    Args:
        workers: Threads, i.e. composes that run at once.
        max_pending: Composes that may wait for a thread.
    """

    def __init__(self, workers: int, max_pending: int) -> None:
        self.workers = workers
        self.max_pending = max_pending
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="image2music-compose")
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Composes running or waiting now."""
        return self._in_flight

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in the pool and await its result.

        A compose counts as in flight until its thread is done with it, even
        when the awaiting request was cancelled (a queued one is dropped).

        Raises:
            BusyError: If ``workers + max_pending`` composes are already in flight.
        """
        with self._lock:
            if self._in_flight >= self.workers + self.max_pending:
                raise BusyError("the server is busy; try again in a minute")
            self._in_flight += 1
        try:
            future = self._executor.submit(fn)
        except RuntimeError:  # the pool was shut down
            self._finished(None)
            raise BusyError("the server is shutting down") from None
        future.add_done_callback(self._finished)
        return await asyncio.wrap_future(future)

    def _finished(self, _: object) -> None:
        with self._lock:
            self._in_flight -= 1

    def shutdown(self) -> None:
        """Stop taking work; composes already queued are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)
