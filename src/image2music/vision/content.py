"""What the pretrained networks see: scene labels, objects, faces' expressions.

Each network runs at most once per picture on the analysis copy (never on
the full-size original): the scene network (:mod:`~image2music.vision.scene`)
on two 224 x 224 views, the object detector (:mod:`~image2music.vision.objects`)
on a copy whose longest side is 320 px, and the expression network
(:mod:`~image2music.vision.expressions`) on each face the Haar detector found.
Sessions are created once per process, on first use.

:func:`start_content` hands the scene network and the object detector to a
background thread (:mod:`~image2music.vision.background`), so they run while
the tone features and the face search run elsewhere;
:meth:`PendingContent.finish` adds the expressions of the faces found. The
result does not depend on the timing of the threads.
"""

from __future__ import annotations

from concurrent.futures import Future

import numpy as np
from numpy.typing import NDArray

from image2music.types import Entity, FaceExpression, VisualContent
from image2music.vision.background import in_background
from image2music.vision.expressions import read_expressions
from image2music.vision.objects import detect_objects
from image2music.vision.scene import SceneReading, read_scene

__all__ = ["PendingContent", "start_content"]


def _scene_and_objects(
    rgb: NDArray[np.uint8], width_px: int, height_px: int, objects: bool
) -> tuple[SceneReading, tuple[Entity, ...]]:
    scene = read_scene(rgb)
    found = detect_objects(rgb, width_px=width_px, height_px=height_px) if objects else ()
    return scene, found


class PendingContent:
    """The networks' work on one picture, started in the background.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        width_px: Width of the original picture, for boxes.
        height_px: Height of the original picture, for boxes.
        objects: Also run the object detector (and, in :meth:`finish`, the
            expression network).
    """

    def __init__(
        self, rgb: NDArray[np.uint8], *, width_px: int, height_px: int, objects: bool
    ) -> None:
        self._rgb = rgb
        self._size = (width_px, height_px)
        self._objects = objects
        self._future: Future[tuple[SceneReading, tuple[Entity, ...]]] = in_background(
            _scene_and_objects, rgb, width_px, height_px, objects
        )

    def finish(self, faces: tuple[Entity, ...]) -> VisualContent:
        """Wait for the background networks and read the faces' expressions.

        Args:
            faces: ``face`` entities found meanwhile (boxes in original pixels).

        Raises:
            ModelError: If a network cannot be loaded or run.
        """
        scene, found = self._future.result()
        expressions: tuple[FaceExpression, ...] = ()
        if self._objects:
            width_px, height_px = self._size
            expressions = read_expressions(self._rgb, faces, width_px=width_px, height_px=height_px)
        return VisualContent(
            labels=scene.labels,
            objects=found,
            faces=expressions,
            embedding=tuple(float(v) for v in scene.embedding),
        )


def start_content(
    rgb: NDArray[np.uint8], *, width_px: int, height_px: int, objects: bool = True
) -> PendingContent:
    """Start the scene network and the object detector in the background.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        width_px: Width of the original picture, for boxes.
        height_px: Height of the original picture, for boxes.
        objects: Also run the object detector and the expression network
            (default ``True``).
    """
    return PendingContent(rgb, width_px=width_px, height_px=height_px, objects=objects)
