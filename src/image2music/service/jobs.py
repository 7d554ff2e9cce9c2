"""Composing off the event loop, a bounded number at a time.

Composing takes seconds of CPU (analysis, the networks, synthesis and
encoding), so it never runs on the event loop. By default it runs in a pool
of ``workers`` **processes** (spawned; each loads the networks and the
soundfont once, when it starts, runs its numeric libraries on one thread,
and writes the result's files itself, all or none, into the store's folder),
so composes use every core instead of sharing one interpreter lock, and the
event loop stays free for other requests. A client that goes away sets its
job's flag in a shared array, and the worker stops at the next stage and
deletes what it wrote. With ``processes=False`` composing runs in
``workers`` threads of this process instead (what the tests that patch the
pipeline use). At most ``max_pending`` composes may wait for a worker; more
are refused at once with :class:`BusyError` (503).

The pipeline is also safe in several threads at once: the onnxruntime
session is shared (``InferenceSession.run`` is thread-safe) while each call
keeps its own recurrent state; OpenCV's cascades, which are not thread-safe,
are loaded once per thread (:mod:`image2music.vision.entities`); the piano
roll is drawn with Pillow; FluidSynth makes a synthesiser per call.
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from image2music.options import ComposeOptions
from image2music.service.results import ResultStore, StoredResult, stage_result

if TYPE_CHECKING:
    from image2music.composition import Composition

__all__ = [
    "JOB_STAGES",
    "BusyError",
    "ComposeInput",
    "ComposeJobs",
    "JobCancelledError",
    "StageBoard",
    "compose_and_store",
]

T = TypeVar("T")


#: A compose job's stages, in order: waiting for a worker, the pipeline's
#: :data:`~image2music.pipeline.STAGES` (a test checks they agree), then
#: rendering and writing the files.
JOB_STAGES: tuple[str, ...] = (
    "queued", "analyse", "emotion", "plan", "harmony", "melody", "arrange", "report", "files",
)  # fmt: skip
_FILES = len(JOB_STAGES) - 1


class StageBoard:
    """Where a compose is: an index into :data:`JOB_STAGES`, readable from any thread.

    In process mode it reads the job's slot of the array the worker writes
    while the job holds the slot, and keeps the last value after.
    """

    def __init__(self) -> None:
        self._index = 0
        self._read: Callable[[], int] | None = None

    @property
    def index(self) -> int:
        """The stage now (0: still queued)."""
        read = self._read
        return read() if read is not None else self._index

    def set(self, index: int) -> None:
        """Move to stage ``index``."""
        self._index = index

    def bind(self, read: Callable[[], int]) -> None:
        """Read the stage from ``read`` (a worker's slot) from now on."""
        self._read = read

    def unbind(self) -> None:
        """Keep the last stage read, and stop reading the slot."""
        if self._read is not None:
            self._index = max(self._index, self._read())
            self._read = None


@dataclass(frozen=True)
class ComposeInput:
    """What a compose is made from: one picture, a sequence of pictures, or a video clip.

    Attributes:
        kind: ``"picture"``, ``"sequence"`` or ``"video"``.
        files: ``(name, bytes)`` of each file, in order.
    """

    kind: str
    files: tuple[tuple[str, bytes], ...]

    @property
    def name(self) -> str:
        """Names the result's files: the picture's or clip's, or the first picture's."""
        return self.files[0][0]


def compose_input(
    given: ComposeInput, options: ComposeOptions, progress: Callable[..., None]
) -> Composition:
    """Compose a picture, a sequence (a section per picture) or a soundtrack for a clip."""
    if given.kind == "video":
        from image2music.video import compose_video

        name, data = given.files[0]
        return compose_video(data, options, name=name, progress=progress)
    pictures = []
    for name, data in given.files:
        picture = io.BytesIO(data)
        picture.name = name  # the report and errors name it
        pictures.append(picture)
    if given.kind == "sequence":
        from image2music.sequence import compose_sequence

        return compose_sequence(pictures, options, progress=progress)
    from image2music.pipeline import compose

    return compose(pictures[0], options, progress=progress)


class BusyError(RuntimeError):
    """Too many composes are already waiting."""


class JobCancelledError(Exception):
    """The client went away, so its compose was stopped."""


def compose_and_store(
    given: ComposeInput,
    options: ComposeOptions,
    formats: tuple[str, ...],
    store: ResultStore,
    cancelled: threading.Event | None = None,
    board: StageBoard | None = None,
) -> tuple[StoredResult, dict[str, object]]:
    """Compose a picture and save its files (runs in a worker thread).

    Args:
        given: The picture(s) or clip (the first name gives the files' stem and the title).
        options: Validated options.
        formats: Formats to write.
        store: Where to save them.
        cancelled: Set when the client has gone: the compose stops at the next
            stage, and a result saved meanwhile is deleted.
        board: Told each stage as it starts.

    Returns:
        The stored result and the composition's report.

    Raises:
        ImageError: If the picture cannot be read.
        Image2MusicError: If a stage or writing fails.
        JobCancelledError: If ``cancelled`` was set.
    """

    def check(_stage: str = "", index: int = -1, _total: int = 0) -> None:
        if cancelled is not None and cancelled.is_set():
            raise JobCancelledError("the client went away")
        if board is not None and index >= 0:
            board.set(index + 1)

    check()
    composition = compose_input(given, options, check)
    check("files", _FILES - 1)
    stored = store.save(composition, formats, name=given.name)
    if cancelled is not None and cancelled.is_set():
        store.delete(stored.id)
        check()
    return stored, composition.report


#: Flags of the jobs in flight, one byte per slot, shared with the workers (set: stop).
_FLAGS: Any = None
#: Stage of the job in each slot (an index into JOB_STAGES), written by the workers.
_STAGES: Any = None
#: Composes a worker process runs before a fresh one replaces it (bounded memory).
TASKS_PER_WORKER = 200


def _start_worker(flags: Any, stages: Any, soundfont: str | None, one_core: bool) -> None:
    """Runs first in each worker process: one core if asked, networks loaded now."""
    import signal

    from image2music.cores import hold_one_core

    global _FLAGS, _STAGES
    _FLAGS, _STAGES = flags, stages
    if one_core:
        hold_one_core()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops the pool
    _warm_up(soundfont)


def _warm_up(soundfont: str | None) -> None:
    """Compose a tiny picture so that the networks (and the soundfont) are loaded."""
    from PIL import Image

    from image2music.errors import Image2MusicError
    from image2music.pipeline import compose
    from image2music.rendering.synth import choose_synth, preload_soundfont

    picture = io.BytesIO()
    Image.new("RGB", (32, 32), (90, 120, 160)).save(picture, "PNG")
    picture.seek(0)
    picture.name = "warm-up.png"
    try:
        compose(picture, ComposeOptions(bars=4))
        preload_soundfont(choose_synth("auto", soundfont))
    except Image2MusicError:  # the first real compose will say what is wrong
        pass


def _ready() -> None:
    """Nothing: submitted once per worker at start, so that the pool starts its processes."""


def compose_in_worker(
    given: ComposeInput,
    options: ComposeOptions,
    formats: tuple[str, ...],
    root: Path,
    slot: int,
) -> tuple[str, dict[str, str], dict[str, object]]:
    """Compose a picture and write its result into ``root`` (runs in a worker process).

    Returns:
        The result's id, its files and the composition's report.

    Raises:
        JobCancelledError: If the job's flag was set (what was written is removed).
    """
    import shutil

    def check(_stage: str = "", index: int = -1, _total: int = 0) -> None:
        if _FLAGS is not None and _FLAGS[slot]:
            raise JobCancelledError("the client went away")
        if _STAGES is not None and index >= 0:
            _STAGES[slot] = index + 1

    check()
    composition = compose_input(given, options, check)
    check("files", _FILES - 1)
    result_id, files = stage_result(root, composition, formats, given.name)
    if _FLAGS is not None and _FLAGS[slot]:
        shutil.rmtree(root / result_id, ignore_errors=True)
        check()
    return result_id, files, composition.report


class ComposeJobs:
    """A bounded pool for composing: worker processes (default) or threads.

    Args:
        workers: Composes that run at once.
        max_pending: Composes that may wait for a worker.
        processes: Compose in worker processes (default ``True``), else threads.
            With at least as many workers as cores each worker keeps to one
            core (:func:`~image2music.cores.hold_one_core`); fewer may use two.
        soundfont: The soundfont the workers load when they start.
    """

    def __init__(
        self,
        workers: int,
        max_pending: int,
        *,
        processes: bool = False,
        soundfont: str | None = None,
    ) -> None:
        self.workers = workers
        self.max_pending = max_pending
        self.processes = processes
        self._lock = threading.Lock()
        self._in_flight = 0
        self._executor: Executor
        if processes:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            self._flags = context.RawArray("b", workers + max_pending)
            self._stages = context.RawArray("i", workers + max_pending)
            self._free = list(range(workers + max_pending))
            self._executor = ProcessPoolExecutor(
                workers,
                mp_context=context,
                initializer=_start_worker,
                # As many workers as cores (or more): each keeps to one, so that they
                # do not contend; fewer workers than cores may use a second thread each.
                initargs=(self._flags, self._stages, soundfont, workers >= (os.cpu_count() or 1)),
                max_tasks_per_child=TASKS_PER_WORKER,
            )
            for _ in range(workers):  # start the workers now: they warm up while the server starts
                self._executor.submit(_ready)
        else:
            self._executor = ThreadPoolExecutor(workers, thread_name_prefix="image2music-compose")

    @property
    def in_flight(self) -> int:
        """Composes running or waiting now."""
        return self._in_flight

    async def run(self, fn: Callable[[], T], on_done: Callable[[], None] | None = None) -> T:
        """Run ``fn`` in the pool and await its result (in process mode ``fn`` must pickle).

        ``on_done`` is called once when the pool is done with ``fn`` (or refused it).

        A compose counts as in flight until its worker is done with it, even
        when the awaiting request was cancelled (a queued one is dropped).

        Raises:
            BusyError: If ``workers + max_pending`` composes are already in flight.
        """
        with self._lock:
            full = self._in_flight >= self.workers + self.max_pending
            if not full:
                self._in_flight += 1
        if full:
            if on_done is not None:
                on_done()
            raise BusyError("the server is busy; try again in a minute")
        try:
            future = self._executor.submit(fn)
        except RuntimeError:  # the pool was shut down (or broken)
            self._finished(None)
            if on_done is not None:
                on_done()
            raise BusyError("the server is shutting down") from None

        def finished(done: Future[T]) -> None:
            self._finished(done)
            if on_done is not None:
                on_done()

        future.add_done_callback(finished)
        return await asyncio.wrap_future(future)

    async def compose(
        self,
        given: ComposeInput,
        options: ComposeOptions,
        formats: tuple[str, ...],
        store: ResultStore,
        cancelled: threading.Event,
        board: StageBoard | None = None,
    ) -> tuple[StoredResult, dict[str, object]]:
        """Compose a picture and store its files, in a worker; stop it when ``cancelled``.

        ``board`` follows the compose's stage.

        Raises:
            BusyError: If too many composes are in flight.
            JobCancelledError: If ``cancelled`` was set.
            Image2MusicError: If the picture, a stage or writing fails.
        """
        import functools

        if not self.processes:
            job = functools.partial(
                compose_and_store, given, options, formats, store, cancelled, board
            )
            return await self.run(job)
        with self._lock:
            if not self._free:
                raise BusyError("the server is busy; try again in a minute")
            slot = self._free.pop()
        self._flags[slot] = 0
        self._stages[slot] = 0
        if board is not None:
            board.bind(lambda: int(self._stages[slot]))

        def release() -> None:
            if board is not None:
                board.unbind()
            with self._lock:
                self._free.append(slot)

        work = functools.partial(compose_in_worker, given, options, formats, store.root, slot)
        try:
            result_id, files, report = await self.run(work, on_done=release)
        except asyncio.CancelledError:
            self._flags[slot] = 1  # the worker stops at its next stage
            raise
        if cancelled.is_set():
            store.delete(result_id)
            raise JobCancelledError("the client went away")
        return store.adopt(result_id, files), report

    def _finished(self, _: object) -> None:
        with self._lock:
            self._in_flight -= 1

    def shutdown(self) -> None:
        """Stop taking work; composes already queued are dropped (workers are stopped)."""
        if isinstance(self._executor, ProcessPoolExecutor):
            processes = list(getattr(self._executor, "_processes", {}).values())
            self._executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # a compose in flight is abandoned, as with threads
                if process.is_alive():
                    process.terminate()
            return
        self._executor.shutdown(wait=False, cancel_futures=True)
