"""How many cores a process may use: all of them, or one (workers, ``--jobs 1``).

A worker of a batch or of the web service takes one of ``N`` cores, next to
``N - 1`` others: a second thread of its own would only contend with them.
Inside :func:`one_core` (or in a process after :func:`hold_one_core`) the
analysis runs its networks on the caller's thread
(:func:`~image2music.vision.background.in_background`), OpenCV on one thread,
FluidSynth's two synthesisers one after the other instead of side by side,
and a piece's samples are decoded when it is rendered rather than on a
thread while its other files are written. Results never depend on it: the
work and its order of summation are the same, only the threads differ.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

__all__ = ["hold_one_core", "on_one_core", "one_core"]

#: Nesting depth of :func:`one_core` in this process, plus one once held for good.
_depth = 0
#: Whether :func:`hold_one_core` was called in this process.
_held = False
#: Thread pools of the numeric libraries, read when they load.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def on_one_core() -> bool:
    """Whether this process is held to one core now."""
    return _depth > 0


@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Compose on one core while inside; OpenCV's thread count is restored on leaving.

    The networks' sessions always run on one thread (see
    :mod:`image2music.onnx_models`).
    """
    global _depth
    import cv2

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        cv2.setNumThreads(threads)


def hold_one_core() -> None:
    """Hold this whole process to one core from now on (a worker process's first call).

    Sets the numeric libraries' thread variables to 1 (they read them when
    they load, so call this first) and holds :func:`one_core`'s settings for
    good. Calling it again does nothing.
    """
    global _depth, _held
    import cv2

    if _held:
        return
    _held = True
    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    cv2.setNumThreads(1)
    _depth += 1
