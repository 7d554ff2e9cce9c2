"""What the pretrained networks see: scene labels, objects, faces' expressions.

:func:`see_content` runs each network at most once on the analysis copy of
the picture (never on the full-size original): the scene network
(:mod:`~image2music.vision.scene`) on a 224 x 224 copy, the object detector
(:mod:`~image2music.vision.objects`) on a 320 x 320 copy, and the expression
network (:mod:`~image2music.vision.expressions`) on each face the Haar detector
found. Sessions are created once per process, on first use.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.types import Entity, FaceExpression, VisualContent
from image2music.vision.expressions import read_expressions
from image2music.vision.objects import detect_objects
from image2music.vision.scene import read_scene

__all__ = ["see_content"]


def see_content(
    rgb: NDArray[np.uint8],
    faces: tuple[Entity, ...],
    *,
    width_px: int,
    height_px: int,
    objects: bool = True,
) -> VisualContent:
    """Run the vision networks on one picture.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        faces: ``face`` entities already found (boxes in original pixels); each
            gets an expression.
        width_px: Width of the original picture, for boxes.
        height_px: Height of the original picture, for boxes.
        objects: Also run the object detector and the expression network
            (default ``True``); the scene network always runs.

    Returns:
        The picture's content.

    Raises:
        ModelError: If a network cannot be loaded or run.
    """
    scene = read_scene(rgb)
    found: tuple[Entity, ...] = ()
    expressions: tuple[FaceExpression, ...] = ()
    if objects:
        found = detect_objects(rgb, width_px=width_px, height_px=height_px)
        expressions = read_expressions(rgb, faces, width_px=width_px, height_px=height_px)
    return VisualContent(
        labels=scene.labels,
        objects=found,
        faces=expressions,
        embedding=tuple(float(v) for v in scene.embedding),
    )
