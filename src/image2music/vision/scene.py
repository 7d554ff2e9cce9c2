"""Scene and object classes plus an embedding, from EfficientNet-Lite0 (ImageNet).

The network (``models/vision/efficientnet_lite0.onnx``, Apache-2.0, rebuilt by
``scripts/convert_vision_models.sh``; model card
``docs/model-cards/vision.md``) sees two views of the picture in one batch:
the whole picture squeezed to 224 x 224, and its centre square resized to
224 x 224, RGB scaled as ``x / 127.5 - 1``. It gives the 1000 ImageNet logits
and the 1280-dimensional pooled features before the classifier; the two views'
class probabilities and features are averaged (on the rated photographs the
two-view average raised the learned model's test valence correlation from
0.69 to 0.71). onnxruntime loads the graph once per process, on first use.
"""

from __future__ import annotations

import functools
import json

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ModelError
from image2music.onnx_models import MODELS_DIR, onnx_session
from image2music.types import Entity

__all__ = ["SCENE_INPUT_PX", "SCENE_MODEL", "SceneReading", "imagenet_labels", "read_scene"]

#: The scene network's ONNX file.
SCENE_MODEL = MODELS_DIR / "vision" / "efficientnet_lite0.onnx"

#: Side of the square input, in pixels.
SCENE_INPUT_PX = 224

#: Labels reported: at most this many, each at least :data:`_MIN_LABEL_P` likely.
_TOP_LABELS = 5
_MIN_LABEL_P = 0.03


@functools.lru_cache(maxsize=1)
def imagenet_labels() -> tuple[str, ...]:
    """The 1000 ImageNet class names, in the network's output order.

    Raises:
        ModelError: If the label file is missing or malformed.
    """
    path = SCENE_MODEL.parent / "imagenet_labels.json"
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read the ImageNet labels {path}: {e}") from e
    if not isinstance(names, list) or len(names) != 1000:
        raise ModelError(f"{path} must list 1000 class names")
    return tuple(str(n) for n in names)


class SceneReading:
    """The scene network's output for one picture.

    Attributes:
        labels: Top ImageNet classes as entities (probability as confidence).
        probabilities: Softmax over the 1000 classes, float32.
        embedding: The 1280 pooled features (mean of the two views), float32.
    """

    __slots__ = ("embedding", "labels", "probabilities")

    def __init__(
        self,
        labels: tuple[Entity, ...],
        probabilities: NDArray[np.float32],
        embedding: NDArray[np.float32],
    ) -> None:
        self.labels = labels
        self.probabilities = probabilities
        self.embedding = embedding


def _views(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    import cv2

    h, w = rgb.shape[:2]
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    size = (SCENE_INPUT_PX, SCENE_INPUT_PX)
    views = [
        cv2.resize(rgb, size, interpolation=cv2.INTER_AREA),
        cv2.resize(rgb[y0 : y0 + side, x0 : x0 + side], size, interpolation=cv2.INTER_AREA),
    ]
    x = np.stack(views).astype(np.float32) * np.float32(1 / 127.5) - np.float32(1.0)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def read_scene(rgb: NDArray[np.uint8]) -> SceneReading:
    """Run the scene network once on a picture.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``
            (the analysis copy, longest side about 512 px).

    Returns:
        The top labels, the class probabilities and the embedding.

    Raises:
        ModelError: If the network cannot be loaded or run.
    """
    session = onnx_session(str(SCENE_MODEL), ("image",), "scene network")
    try:
        logits, features = session.run(["logits", "features"], {"image": _views(rgb)})
    except Exception as e:  # onnxruntime raises its own exception types
        raise ModelError(f"scene network failed: {e}") from e
    z = np.asarray(logits, np.float64)
    ez = np.exp(z - z.max(axis=1, keepdims=True))
    p = (ez / ez.sum(axis=1, keepdims=True)).mean(axis=0)
    names = imagenet_labels()
    order = np.argsort(-p, kind="stable")[:_TOP_LABELS]
    labels = tuple(
        Entity(names[i], round(float(p[i]), 4))
        for n, i in enumerate(order)
        if n == 0 or p[i] >= _MIN_LABEL_P
    )
    embedding = np.asarray(features, np.float32).mean(axis=0)
    return SceneReading(labels, p.astype(np.float32), embedding)
