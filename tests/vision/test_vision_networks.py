"""The pretrained vision networks: scene labels, embedding, objects, expressions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from image2music.types import EXPRESSIONS, Entity
from image2music.vision import analyse_image
from image2music.vision.coco import COCO_CLASSES
from image2music.vision.expressions import read_expressions
from image2music.vision.loading import load_image
from image2music.vision.objects import detect_objects
from image2music.vision.scene import imagenet_labels, read_scene

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def _rgb(path: Path) -> np.ndarray:
    return load_image(path).rgb


def test_imagenet_labels_are_the_thousand_classes() -> None:
    names = imagenet_labels()
    assert len(names) == 1000
    assert names[0] == "tench" and "espresso" in names and "seashore" in names


@pytest.mark.parametrize(
    ("picture", "expected"),
    [("chelsea.jpg", "cat"), ("coffee.jpg", "espresso"), ("camera.jpg", "tripod")],
)
def test_scene_network_names_what_is_in_the_picture(picture: str, expected: str) -> None:
    reading = read_scene(_rgb(DATA / picture))
    assert expected in reading.labels[0].label.lower()
    assert reading.embedding.shape == (1280,)
    assert np.isfinite(reading.embedding).all()
    assert abs(float(reading.probabilities.sum()) - 1.0) < 1e-4


def test_scene_labels_are_sorted_and_bounded() -> None:
    labels = read_scene(_rgb(DATA / "rocket.jpg")).labels
    assert 1 <= len(labels) <= 5
    confs = [e.confidence for e in labels]
    assert confs == sorted(confs, reverse=True)
    assert all(e.box is None for e in labels)


def test_scene_network_is_deterministic() -> None:
    rgb = _rgb(DATA / "coffee.jpg")
    a, b = read_scene(rgb), read_scene(rgb)
    assert np.array_equal(a.embedding, b.embedding)


def test_objects_found_on_a_portrait() -> None:
    rgb = _rgb(DATA / "grace_hopper.jpg")
    h, w = rgb.shape[:2]
    objs = detect_objects(rgb, width_px=w * 2, height_px=h * 2)
    labels = [o.label for o in objs]
    assert labels[0] == "person"
    assert "tie" in labels
    for o in objs:
        assert o.label in COCO_CLASSES
        assert o.box is not None
        x, y, bw, bh = o.box
        assert bw > 0 and bh > 0 and x + bw <= w * 2 and y + bh <= h * 2
    person = objs[0].box
    assert person is not None and person[2] > w  # scaled to the original size


def test_no_objects_on_a_flat_picture() -> None:
    flat = np.full((120, 160, 3), 128, np.uint8)
    assert detect_objects(flat) == ()


def test_smiling_face_reads_happy() -> None:
    features = analyse_image(EXAMPLE)
    assert features.content is not None
    faces = features.content.faces
    assert len(faces) == 1
    assert faces[0].expression == "happy"
    assert set(faces[0].scores) == set(EXPRESSIONS)
    assert abs(sum(faces[0].scores.values()) - 1.0) < 1e-3


def test_expressions_without_faces_are_empty() -> None:
    assert read_expressions(np.zeros((50, 50, 3), np.uint8), ()) == ()


def test_expression_of_a_face_at_the_edge(tmp_path: Path) -> None:
    rgb = np.full((80, 80, 3), 200, np.uint8)
    face = Entity("face", 0.9, (60, 60, 40, 40))  # runs off the picture
    (fx,) = read_expressions(rgb, (face,))
    assert fx.box == (60, 60, 40, 40)
    assert fx.expression in EXPRESSIONS


def test_content_without_entities_keeps_scene_and_embedding() -> None:
    f = analyse_image(DATA / "chelsea.jpg", detect_entities=False)
    assert f.content is not None
    assert f.content.labels and len(f.content.embedding) == 1280
    assert f.content.objects == () and f.content.faces == ()


def test_content_can_be_skipped() -> None:
    assert analyse_image(DATA / "chelsea.jpg", content=False).content is None


def test_networks_see_a_tiny_picture(tmp_path: Path) -> None:
    path = tmp_path / "tiny.png"
    Image.new("RGB", (3, 2), (10, 200, 30)).save(path)
    f = analyse_image(path)
    assert f.content is not None and len(f.content.embedding) == 1280
