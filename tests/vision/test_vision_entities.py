"""Faces, smiles and scene cues."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from image2music.errors import AnalysisError
from image2music.types import Entity
from image2music.vision import entities
from image2music.vision.loading import load_image

Solid = Callable[..., NDArray[np.uint8]]


def _labels(found: tuple[Entity, ...]) -> set[str]:
    return {e.label for e in found}


def _inside(box: tuple[int, int, int, int] | None, width: int, height: int) -> bool:
    assert box is not None
    x, y, w, h = box
    return x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= width and y + h <= height


# --------------------------------------------------------------------------- faces


@pytest.mark.parametrize("name", ["astronaut.jpg", "grace_hopper.jpg"])
def test_face_photo_yields_a_face_inside_the_picture(
    photo: Callable[[str], Path], name: str
) -> None:
    img = load_image(photo(name))
    found = entities.detect_faces(img.rgb, width_px=img.width_px, height_px=img.height_px)
    faces = [e for e in found if e.label == "face"]
    assert len(faces) == 1
    assert faces[0].confidence >= 0.5
    assert _inside(faces[0].box, img.width_px, img.height_px)
    for e in found:
        assert _inside(e.box, img.width_px, img.height_px)


def test_face_box_is_in_original_pixels(photo: Callable[[str], Path]) -> None:
    full = load_image(photo("astronaut.jpg"))  # 384 px, analysed at full size
    small = load_image(photo("astronaut.jpg"), max_side_px=256)
    assert small.rgb.shape[0] < full.rgb.shape[0]
    (big_face,) = (e for e in entities.detect_faces(full.rgb) if e.label == "face")
    (scaled_face,) = (
        e
        for e in entities.detect_faces(
            small.rgb, width_px=small.width_px, height_px=small.height_px
        )
        if e.label == "face"
    )
    assert big_face.box is not None and scaled_face.box is not None
    # Same face, same original-pixel box within a few pixels.
    for a, b in zip(big_face.box, scaled_face.box, strict=True):
        assert abs(a - b) <= 12


def test_smiles_are_inside_faces(photo: Callable[[str], Path]) -> None:
    img = load_image(photo("astronaut.jpg"))
    found = entities.detect_faces(img.rgb)
    face = next(e for e in found if e.label == "face")
    smiles = [e for e in found if e.label == "smile"]
    assert smiles, "the astronaut smiles"
    assert face.box is not None and smiles[0].box is not None
    fx, fy, fw, fh = face.box
    sx, sy, sw, sh = smiles[0].box
    assert fx <= sx and fy <= sy and sx + sw <= fx + fw and sy + sh <= fy + fh


def test_smiles_can_be_switched_off(photo: Callable[[str], Path]) -> None:
    img = load_image(photo("astronaut.jpg"))
    assert _labels(entities.detect_faces(img.rgb, smiles=False)) == {"face"}


@pytest.mark.parametrize("colour", [(128, 128, 128), (20, 30, 200), (0, 0, 0)])
def test_flat_picture_has_no_faces(solid: Solid, colour: tuple[int, int, int]) -> None:
    assert entities.detect_faces(solid(colour, (320, 240))) == ()


def test_pictures_smaller_than_a_face_window_have_no_faces(solid: Solid) -> None:
    assert entities.detect_faces(solid((200, 150, 120), (20, 10))) == ()


def test_cascades_are_loaded_once() -> None:
    first = entities._cascade("haarcascade_frontalface_default.xml")
    assert entities._cascade("haarcascade_frontalface_default.xml") is first


def test_missing_cascade_is_reported() -> None:
    with pytest.raises(AnalysisError, match="cannot load"):
        entities._cascade("no_such_cascade.xml")


# --------------------------------------------------------------------------- scene cues


def _scene(
    top: tuple[int, int, int], bottom: tuple[int, int, int], split: float = 0.5
) -> NDArray[np.uint8]:
    img = np.empty((240, 320, 3), dtype=np.uint8)
    cut = int(240 * split)
    img[:cut] = top
    img[cut:] = bottom
    return img


def _cue(found: tuple[Entity, ...], label: str) -> float:
    return max((e.confidence for e in found if e.label == label), default=0.0)


def test_blue_smooth_top_is_sky() -> None:
    found = entities.scene_cues(_scene((90, 150, 230), (70, 60, 40)))
    assert _cue(found, "sky") == pytest.approx(1.0)
    assert all(e.box is None for e in found)


def test_textured_blue_top_is_not_sky() -> None:
    img = _scene((90, 150, 230), (70, 60, 40))
    img[:120:2] = (10, 20, 40)  # dark stripes: strong edges everywhere
    assert _cue(entities.scene_cues(img), "sky") == 0.0


def test_grey_white_top_is_overcast_not_sky() -> None:
    found = entities.scene_cues(_scene((200, 202, 205), (60, 70, 50)))
    assert _cue(found, "overcast") > 0.5
    assert _cue(found, "sky") == 0.0


def test_green_picture_is_vegetation(solid: Solid) -> None:
    assert _cue(entities.scene_cues(solid((40, 140, 40), (160, 120))), "vegetation") == 1.0
    assert _cue(entities.scene_cues(solid((140, 40, 40), (160, 120))), "vegetation") == 0.0


def test_dark_picture_is_night_and_lights_raise_confidence() -> None:
    dark = np.full((240, 320, 3), 12, dtype=np.uint8)
    plain = _cue(entities.scene_cues(dark), "night")
    lit = dark.copy()
    for y, x in ((30, 40), (100, 200), (180, 80), (60, 290)):
        lit[y : y + 4, x : x + 4] = 250
    with_lights = _cue(entities.scene_cues(lit), "night")
    assert 0.7 <= plain < with_lights <= 1.0


def test_mid_grey_is_no_scene_at_all(solid: Solid) -> None:
    assert entities.scene_cues(solid((120, 120, 120), (320, 240))) == ()


def test_orange_glow_over_dark_land_is_sunset() -> None:
    img = np.empty((240, 320, 3), dtype=np.uint8)
    rows = np.linspace(0.0, 1.0, 160)[:, None]
    img[:160] = (np.array([250, 170, 60]) * (1 - rows) + np.array([240, 90, 40]) * rows)[
        :, None, :
    ].astype(np.uint8)
    img[160:] = (25, 15, 20)
    found = entities.scene_cues(img)
    assert _cue(found, "sunset") > 0.8


def test_warm_picture_without_dark_ground_is_no_sunset(solid: Solid) -> None:
    assert _cue(entities.scene_cues(solid((240, 140, 40), (320, 240))), "sunset") == 0.0


@pytest.mark.parametrize(
    ("name", "expected", "absent"),
    [
        ("rocket.jpg", "sky", "sunset"),
        ("hubble_deep_field.jpg", "night", "sky"),
        ("coffee.jpg", None, "sunset"),
        ("chelsea.jpg", None, "vegetation"),
    ],
)
def test_real_photos_scene_cues(
    photo: Callable[[str], Path], name: str, expected: str | None, absent: str
) -> None:
    found = entities.scene_cues(load_image(photo(name)).rgb)
    if expected is not None:
        assert _cue(found, expected) >= 0.5
    assert _cue(found, absent) == 0.0
    assert _labels(found) <= set(entities.SCENE_LABELS)


def test_detect_entities_combines_faces_and_cues(photo: Callable[[str], Path]) -> None:
    img = load_image(photo("grace_hopper.jpg"))
    found = entities.detect_entities(img.rgb, width_px=img.width_px, height_px=img.height_px)
    assert "face" in _labels(found)
    assert all(0.0 <= e.confidence <= 1.0 for e in found)
