"""Reference NumPy decoder for ``src/image2music/models/vision/nanodet.onnx``.

Prints the detections of one picture (COCO class, score, box in pixels of the
original picture); ``--draw out.png`` also saves the picture with the boxes.
Needs only NumPy, Pillow and onnxruntime (the project's own dependencies)::

    python scripts/nanodet_decode_reference.py tests/vision/data/astronaut.jpg

Model: NanoDet-g 416 (RangiLyu/nanodet, legacy v0.x "nanodet-g" config: CSP
backbone, PAN, GFL head with ``reg_max = 10``), COCO 80 classes.

Input ``input``: float32 ``[1, 3, 416, 416]``, NCHW, **BGR**, normalised per
channel as ``(pixel - mean) / std`` with mean (B, G, R) = (103.53, 116.28,
123.675) and std = (57.375, 57.12, 58.395), the NanoDet training pipeline's
normalisation. The picture is letterboxed: scaled to fit 416 x 416 keeping its
aspect ratio, centred, black (pixel 0, before normalisation) borders.

Outputs, for each stride S in (8, 16, 32), with W = 416 / S cells a side and
cell index i = row * W + col (row-major):

* ``cls_strideS`` ``[1, W*W, 80]``: per-class scores, **already sigmoided**
  (0..1; GFL quality-focal scores, i.e. class confidence x predicted IoU).
* ``reg_strideS`` ``[1, W*W, 44]``: box-side distributions, 4 sides (left,
  top, right, bottom) x 11 bins (``reg_max + 1``), side-major: channel
  ``side * 11 + bin``. Raw logits: softmax over the 11 bins, expected bin
  index (0..10) times S is the distance in input pixels from the cell centre
  ``((col + 0.5) * S, (row + 0.5) * S)`` to that side of the box.

Then, as NanoDet does: boxes clipped to the 416 x 416 input, scores under 0.05
(``--min-score`` here, default 0.35 for printing) dropped, class-wise NMS at
IoU 0.6, at most 100 boxes; finally the letterbox is undone.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageDraw, ImageOps

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "src" / "image2music" / "models" / "vision" / "nanodet.onnx"

INPUT_SIZE = 416
STRIDES = (8, 16, 32)
REG_MAX = 10
MEAN_BGR = np.array([103.53, 116.28, 123.675], np.float32)
STD_BGR = np.array([57.375, 57.12, 58.395], np.float32)


# The 80 COCO class names, from the package's one list (read by path: this
# script may run where image2music is not installed). Underscores for spaces,
# as the model's metadata has always stored them.
_COCO_SPEC = importlib.util.spec_from_file_location(
    "_coco", Path(__file__).resolve().parents[1] / "src" / "image2music" / "vision" / "coco.py"
)
assert _COCO_SPEC is not None and _COCO_SPEC.loader is not None
_COCO = importlib.util.module_from_spec(_COCO_SPEC)
_COCO_SPEC.loader.exec_module(_COCO)
COCO_LABELS = tuple(name.replace(" ", "_") for name in _COCO.COCO_CLASSES)


def preprocess(rgb: np.ndarray) -> tuple[np.ndarray, float, int, int]:
    """Letterbox an RGB ``uint8`` picture into the model input.

    Returns:
        The ``[1, 3, 416, 416]`` float32 tensor, the scale applied to the picture
        and the x / y offsets of the picture inside the 416 x 416 canvas.
    """
    h, w = rgb.shape[:2]
    scale = min(INPUT_SIZE / w, INPUT_SIZE / h)
    nw, nh = round(w * scale), round(h * scale)
    resized = np.asarray(Image.fromarray(rgb).resize((nw, nh), Image.BILINEAR))
    canvas = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    x0, y0 = (INPUT_SIZE - nw) // 2, (INPUT_SIZE - nh) // 2
    canvas[y0 : y0 + nh, x0 : x0 + nw] = resized
    bgr = canvas[:, :, ::-1].astype(np.float32)
    x = (bgr - MEAN_BGR) / STD_BGR
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None]), scale, x0, y0


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    order = np.argsort(-scores, kind="stable")
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        xx0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx1 - xx0, 0, None) * np.clip(yy1 - yy0, 0, None)
        iou = inter / (area[i] + area[rest] - inter + 1e-9)
        order = rest[iou <= iou_threshold]
    return keep


def decode(
    outputs: dict[str, np.ndarray],
    min_score: float = 0.05,
    iou_threshold: float = 0.6,
    max_detections: int = 100,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NanoDet-g outputs -> boxes ``[K, 4]`` (x0, y0, x1, y1 in input pixels), scores, classes."""
    all_boxes, all_scores = [], []
    for stride in STRIDES:
        cls = outputs[f"cls_stride{stride}"][0]  # [W*W, 80], already sigmoided
        reg = outputs[f"reg_stride{stride}"][0]  # [W*W, 44] logits
        cells = INPUT_SIZE // stride
        idx = np.arange(cells * cells)
        cx = (idx % cells + 0.5) * stride
        cy = (idx // cells + 0.5) * stride
        prob = _softmax(reg.reshape(-1, 4, REG_MAX + 1), axis=2)
        dist = (prob * np.arange(REG_MAX + 1, dtype=np.float32)).sum(axis=2) * stride  # l, t, r, b
        boxes = np.stack(
            [cx - dist[:, 0], cy - dist[:, 1], cx + dist[:, 2], cy + dist[:, 3]], axis=1
        )
        all_boxes.append(np.clip(boxes, 0, INPUT_SIZE))
        all_scores.append(cls)
    boxes = np.concatenate(all_boxes)
    scores = np.concatenate(all_scores)
    cand, cls_ids = np.nonzero(scores > min_score)  # every (anchor, class) pair above threshold
    cand_boxes, cand_scores = boxes[cand], scores[cand, cls_ids]
    keep: list[int] = []
    for c in np.unique(cls_ids):  # class-wise NMS
        sel = np.nonzero(cls_ids == c)[0]
        keep.extend(sel[k] for k in _nms(cand_boxes[sel], cand_scores[sel], iou_threshold))
    keep_arr = np.array(keep, dtype=np.int64)
    keep_arr = keep_arr[np.argsort(-cand_scores[keep_arr], kind="stable")][:max_detections]
    return cand_boxes[keep_arr], cand_scores[keep_arr], cls_ids[keep_arr]


def detect(
    session: ort.InferenceSession, rgb: np.ndarray, min_score: float
) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """Detections as (class name, score, (x0, y0, x1, y1) in original pixels)."""
    x, scale, ox, oy = preprocess(rgb)
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, {"input": x}), strict=True))
    boxes, scores, classes = decode(outputs, min_score=min_score)
    h, w = rgb.shape[:2]
    result = []
    for box, score, c in zip(boxes, scores, classes, strict=True):
        x0 = int(np.clip((box[0] - ox) / scale, 0, w))
        y0 = int(np.clip((box[1] - oy) / scale, 0, h))
        x1 = int(np.clip((box[2] - ox) / scale, 0, w))
        y1 = int(np.clip((box[3] - oy) / scale, 0, h))
        result.append((COCO_LABELS[int(c)], float(score), (x0, y0, x1, y1)))
    return result


def main() -> int:
    """Print (and optionally draw) the detections of one picture."""
    ap = argparse.ArgumentParser(description="Print NanoDet-g detections of a picture.")
    ap.add_argument("image", type=Path)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--min-score", type=float, default=0.35)
    ap.add_argument("--draw", type=Path, help="save the picture with boxes here")
    args = ap.parse_args()

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(str(args.model), opts, providers=["CPUExecutionProvider"])
    image = ImageOps.exif_transpose(Image.open(args.image)).convert("RGB")
    rgb = np.asarray(image)
    detections = detect(session, rgb, args.min_score)
    print(f"{args.image} ({rgb.shape[1]}x{rgb.shape[0]}): {len(detections)} detections")
    for name, score, (x0, y0, x1, y1) in detections:
        print(f"  {name:14s} {score:.3f}  x0={x0:4d} y0={y0:4d} x1={x1:4d} y1={y1:4d}")
    if args.draw:
        draw = ImageDraw.Draw(image)
        for name, score, box in detections:
            draw.rectangle(box, outline=(255, 0, 0), width=3)
            draw.text((box[0] + 4, box[1] + 2), f"{name} {score:.2f}", fill=(255, 255, 0))
        image.save(args.draw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
