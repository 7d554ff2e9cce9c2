"""The image stage: read a picture and describe its tone, colours and content.

Importing this package is cheap: OpenCV and ``pillow_heif`` are imported on
first use, not here.
"""

from __future__ import annotations

from image2music.vision.analyse import analyse_array, analyse_image
from image2music.vision.entities import detect_entities, detect_faces, scene_cues
from image2music.vision.loading import SUPPORTED_FORMATS, LoadedImage, load_image, sniff_format
from image2music.vision.tone import ToneFeatures, tone_features

__all__ = [
    "SUPPORTED_FORMATS",
    "LoadedImage",
    "ToneFeatures",
    "analyse_array",
    "analyse_image",
    "detect_entities",
    "detect_faces",
    "load_image",
    "scene_cues",
    "sniff_format",
    "tone_features",
]
