"""A small per-process thread pool for the analysis stage.

The vision networks (onnxruntime) release the interpreter lock, so running
them on a background thread while the tone features and the face search run
on the caller's thread uses a second core. Results never
depend on thread timing: each task is a pure function of the picture.

The pool is created on first use and keyed by process id, so a process forked
from one that already used it (a ``ProcessPoolExecutor`` worker, a web worker)
makes its own instead of waiting on threads that do not exist in it.

On one core (:mod:`image2music.cores`: batch and web workers, ``--jobs 1``)
background work runs on the caller's thread instead.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from image2music.cores import on_one_core

__all__ = ["WORKERS", "in_background"]

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


def in_background(fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
    """Run ``fn(*args, **kwargs)`` on this process's analysis pool.

    Inside :func:`~image2music.cores.one_core` it runs at once on the caller's thread; its result
    or exception is then held by the returned (done) future, as from a thread.
    """
    if not on_one_core():
        return _pool(os.getpid()).submit(fn, *args, **kwargs)
    done: Future[_T] = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except Exception as e:  # the future holds it, as a thread's would
        done.set_exception(e)
    return done
