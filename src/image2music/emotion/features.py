"""The learned emotion model's input: one fixed-length vector per picture.

One function, :func:`emotion_features`, turns :class:`ImageFeatures` into the
vector, so training (``image2music train emotion``) and inference (the
:class:`~image2music.emotion.learned.LearnedEstimator`) can never disagree on
it. Blocks, in order (:data:`FEATURE_BLOCKS`):

* ``embedding``: EfficientNet-Lite0's 1280 pooled features (zeros if absent);
* ``tone``: brightness, saturation, warmth, colourfulness / 100, contrast, edge
  density and texture;
* ``hue``: the 12-bin hue histogram;
* ``cues``: confidence of the scene cues sky, vegetation, sunset, night, overcast;
* ``faces``: log(1 + number of faces), the largest face's share of the picture
  area, the highest smile confidence;
* ``expressions``: the 7 expression probabilities averaged over faces, weighted
  by face area (zeros without faces);
* ``objects``: per COCO class the highest detection confidence (80), then
  log(1 + number of people).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from image2music.types import EXPRESSIONS, ImageFeatures
from image2music.vision.coco import COCO_CLASSES

__all__ = ["EMBEDDING_SIZE", "FEATURE_BLOCKS", "FEATURE_SIZE", "emotion_features"]

#: Length of the scene network's embedding.
EMBEDDING_SIZE = 1280

_CUES = ("sky", "vegetation", "sunset", "night", "overcast")

#: Name -> length of each block, in order.
FEATURE_BLOCKS: Mapping[str, int] = MappingProxyType(
    {
        "embedding": EMBEDDING_SIZE,
        "tone": 7,
        "hue": 12,
        "cues": len(_CUES),
        "faces": 3,
        "expressions": len(EXPRESSIONS),
        "objects": len(COCO_CLASSES) + 1,
    }
)

#: Length of the whole vector.
FEATURE_SIZE = sum(FEATURE_BLOCKS.values())

_COCO_INDEX = {name: i for i, name in enumerate(COCO_CLASSES)}


def emotion_features(f: ImageFeatures) -> NDArray[np.float32]:
    """The learned emotion model's input vector for one picture.

    Args:
        f: The picture's features; ``f.content`` may be ``None`` (networks not
            run), which leaves the embedding, expression and object blocks at 0.

    Returns:
        A float32 vector of :data:`FEATURE_SIZE` numbers, blocks as in
        :data:`FEATURE_BLOCKS`.
    """
    area = float(f.width_px * f.height_px)
    content = f.content
    embedding = np.zeros(EMBEDDING_SIZE, np.float32)
    expressions = np.zeros(len(EXPRESSIONS), np.float64)
    objects = np.zeros(len(COCO_CLASSES) + 1, np.float64)
    if content is not None:
        if len(content.embedding) == EMBEDDING_SIZE:
            embedding = np.asarray(content.embedding, np.float32)
        weights = [fx.box[2] * fx.box[3] / area for fx in content.faces]
        if content.faces and sum(weights) > 0:
            for fx, w in zip(content.faces, weights, strict=True):
                expressions += w * np.array([fx.scores[e] for e in EXPRESSIONS])
            expressions /= sum(weights)
        people = 0
        for obj in content.objects:
            i = _COCO_INDEX.get(obj.label)
            if i is not None:
                objects[i] = max(objects[i], obj.confidence)
            people += obj.label == "person"
        objects[-1] = np.log1p(people)
    faces = [e for e in f.entities if e.label == "face"]
    largest = max((e.box[2] * e.box[3] / area for e in faces if e.box is not None), default=0.0)
    head = [
        f.brightness,
        f.saturation,
        f.warmth,
        f.colourfulness / 100.0,
        f.contrast,
        f.edge_density,
        f.texture,
        *f.hue_histogram,
        *(f.entity_confidence(c) for c in _CUES),
        float(np.log1p(len(faces))),
        min(1.0, largest),
        f.entity_confidence("smile"),
    ]
    return np.concatenate(
        [
            embedding,
            np.asarray(head, np.float32),
            expressions.astype(np.float32),
            objects.astype(np.float32),
        ]
    )
