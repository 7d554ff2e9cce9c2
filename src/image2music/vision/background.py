"""A small per-process thread pool for the analysis stage.

The vision networks (onnxruntime) release the interpreter lock, so running
them on a background thread while the tone features and the face search run
on the caller's thread uses a second core. Results never
depend on thread timing: each task is a pure function of the picture.

The pool is created on first use and keyed by process id, so a process forked
from one that already used it (a ``ProcessPoolExecutor`` worker, a web worker)
makes its own instead of waiting on threads that do not exist in it.

:func:`one_core` holds a process to one core: background work then runs on
the caller's thread and OpenCV on one thread. Batch workers and web workers
run that way (each of ``N`` workers takes one of ``N`` cores; a second thread
per worker only contends with the other workers), and so does ``--jobs 1``.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["WORKERS", "hold_one_core", "in_background", "one_core"]

#: Background threads per process. One: the networks run there while the tone
#: features and the face search (which OpenCV already spreads over the cores)
#: run on the caller's thread; a second background thread for the face search
#: was measured slower on two cores (131 ms against 124 ms per warm compose).
WORKERS = 1

_P = ParamSpec("_P")
_T = TypeVar("_T")


@functools.lru_cache(maxsize=4)
def _pool(pid: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=f"image2music-{pid}")


#: Nesting depth of :func:`one_core` in this process (0: background threads allowed).
_one_core_depth = 0


def in_background(fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
    """Run ``fn(*args, **kwargs)`` on this process's analysis pool.

    Inside :func:`one_core` it runs at once on the caller's thread; its result
    or exception is then held by the returned (done) future, as from a thread.
    """
    if _one_core_depth == 0:
        return _pool(os.getpid()).submit(fn, *args, **kwargs)
    done: Future[_T] = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except Exception as e:  # the future holds it, as a thread's would
        done.set_exception(e)
    return done


@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Compose on one core while inside: no background thread, OpenCV on one thread.

    Results are the same as with threads (each task is a pure function of the
    picture); only the cores used differ. OpenCV's thread count is restored on
    leaving. The networks' sessions always run on one thread (see
    :mod:`image2music.onnx_models`).
    """
    global _one_core_depth
    import cv2

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    _one_core_depth += 1
    try:
        yield
    finally:
        _one_core_depth -= 1
        cv2.setNumThreads(threads)


#: Thread pools of the numeric libraries, read when they load.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def hold_one_core() -> None:
    """Hold this whole process to one core from now on (a worker process's first call).

    Sets the numeric libraries' thread variables to 1 (they read them when
    they load, so call this first) and holds :func:`one_core`'s settings for good.
    """
    global _one_core_depth
    import cv2

    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    cv2.setNumThreads(1)
    _one_core_depth += 1
