"""The image stage: a picture in, :class:`~image2music.types.ImageFeatures` out.

:func:`analyse_image` loads and downscales the picture
(:func:`~image2music.vision.loading.load_image`), computes the tone features
(:mod:`image2music.vision.tone`) and, unless asked not to, looks for faces,
smiles and scene cues (:mod:`image2music.vision.entities`) and runs the
pretrained networks (:mod:`image2music.vision.content`): scene labels and the
embedding, COCO objects, and each face's expression.
"""

from __future__ import annotations

import os
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from image2music.errors import AnalysisError, Image2MusicError
from image2music.types import ImageFeatures
from image2music.vision.entities import detect_entities as _detect_entities
from image2music.vision.loading import (
    DEFAULT_MAX_PIXELS,
    DEFAULT_MAX_SIDE_PX,
    LoadedImage,
    load_image,
    rgb_problem,
)
from image2music.vision.tone import tone_features

__all__ = ["analyse_array", "analyse_image", "analyse_loaded"]


def analyse_image(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    detect_entities: bool = True,
    content: bool = True,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ImageFeatures:
    """Read a picture and describe it.

    Args:
        source: A path, the file's bytes, or a binary stream (see
            :func:`~image2music.vision.loading.load_image` for the formats).
        detect_entities: Also look for faces, smiles and scene cues (default
            ``True``; about 30-150 ms more at 512 px), and run the object and
            expression networks when ``content`` is on.
        content: Run the pretrained networks (default ``True``): the scene
            network always, the object and expression networks only with
            ``detect_entities``.
        max_side_px: Analysis size: longest side in pixels (default 512).
        max_pixels: Refuse larger pictures (default 100 million pixels).

    Returns:
        The picture's features; sizes and boxes refer to the original picture
        after EXIF rotation.

    Raises:
        ImageError: The picture cannot be read (missing, empty, not an image,
            corrupt, too large).
        AnalysisError: Analysis failed unexpectedly on a decoded picture.
    """
    image = load_image(source, max_side_px=max_side_px, max_pixels=max_pixels)
    return analyse_loaded(image, detect_entities=detect_entities, content=content)


def analyse_loaded(
    image: LoadedImage, *, detect_entities: bool = True, content: bool = True
) -> ImageFeatures:
    """Describe a picture loaded by :mod:`~image2music.vision.loading` (see :func:`analyse_image`).

    Raises:
        AnalysisError: Analysis failed unexpectedly.
    """
    return analyse_array(
        image.rgb,
        width_px=image.width_px,
        height_px=image.height_px,
        format=image.format,
        detect_entities=detect_entities,
        content=content,
    )


def analyse_array(
    rgb: NDArray[np.uint8],
    *,
    width_px: int | None = None,
    height_px: int | None = None,
    format: str = "",
    detect_entities: bool = True,
    content: bool = True,
) -> ImageFeatures:
    """Describe a picture that is already decoded.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``, ideally already
            at analysis size (longest side about 512 px): edge density, texture
            and the smallest detectable face depend on it.
        width_px: Width of the original picture in pixels, for
            :attr:`ImageFeatures.width_px` and entity boxes (default: the
            array's width).
        height_px: Height of the original picture (default: the array's height).
        format: File format name to record, e.g. ``"JPEG"`` (default ``""``).
        detect_entities: Also look for faces, smiles and scene cues (default
            ``True``).
        content: Run the pretrained networks (default ``True``); see
            :func:`analyse_image`.

    Returns:
        The picture's features.

    Raises:
        AnalysisError: The array is malformed, or analysis failed.
    """
    a = np.asarray(rgb)
    if (problem := rgb_problem(a)) is not None:
        raise AnalysisError(f"analyse_array needs {problem}")
    height, width = int(a.shape[0]), int(a.shape[1])
    width_px = width if width_px is None else width_px
    height_px = height if height_px is None else height_px
    try:
        pending = None
        if content:
            from image2music.vision.content import start_content

            pending = start_content(
                a, width_px=width_px, height_px=height_px, objects=detect_entities
            )
        tone = tone_features(a)
        entities = (
            _detect_entities(a, width_px=width_px, height_px=height_px) if detect_entities else ()
        )
        seen = None
        if pending is not None:
            seen = pending.finish(tuple(e for e in entities if e.label == "face"))
        return ImageFeatures(
            width_px=width_px,
            height_px=height_px,
            brightness=tone.brightness,
            saturation=tone.saturation,
            warmth=tone.warmth,
            colourfulness=tone.colourfulness,
            contrast=tone.contrast,
            edge_density=tone.edge_density,
            texture=tone.texture,
            hue_histogram=tone.hue_histogram,
            palette=tone.palette,
            entities=entities,
            format=format,
            content=seen,
        )
    except Image2MusicError as e:
        if isinstance(e, AnalysisError):
            raise
        raise AnalysisError(f"image analysis failed: {e}") from e
    except Exception as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        raise AnalysisError(f"image analysis failed: {msg}") from e
