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

__all__ = ["BusyError", "ComposeJobs", "compose_and_store"]

T = TypeVar("T")


class BusyError(RuntimeError):
    """Too many composes are already waiting."""


class _NamedBytes(io.BytesIO):
    """In-memory picture that carries its file name into the report."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def compose_and_store(
    data: bytes,
    name: str,
    options: ComposeOptions,
    formats: tuple[str, ...],
    store: ResultStore,
) -> tuple[StoredResult, dict[str, object]]:
    """Compose a picture and save its files (runs in a worker thread).

    Args:
        data: The picture's bytes.
        name: The picture's file name (its stem names the files and the title).
        options: Validated options.
        formats: Formats to write.
        store: Where to save them.

    Returns:
        The stored result and the composition's report.

    Raises:
        ImageError: If the picture cannot be read.
        Image2MusicError: If a stage or writing fails.
    """
    from image2music.pipeline import compose

    composition = compose(_NamedBytes(data, name), options)
    stored = store.save(composition, formats, name=name)
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

        Raises:
            BusyError: If ``workers + max_pending`` composes are already in flight.
        """
        with self._lock:
            if self._in_flight >= self.workers + self.max_pending:
                raise BusyError("the server is busy; try again in a minute")
            self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn)
        finally:
            with self._lock:
                self._in_flight -= 1

    def shutdown(self) -> None:
        """Stop taking work; composes already queued are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)
