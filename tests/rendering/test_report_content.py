"""The report says what the vision networks saw, in data and in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import image2music
from image2music.rendering.report import SCHEMA_VERSION
from image2music.rendering.words import content_words, feeling_words
from image2music.types import (
    Emotion,
    Entity,
    FaceExpression,
    ImageFeatures,
    PaletteColour,
    VisualContent,
)
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "photo.jpg"
SCHEMA = ROOT / "src" / "image2music" / "rendering" / "report.schema.json"


def _features(content: VisualContent | None) -> ImageFeatures:
    return ImageFeatures(
        width_px=100,
        height_px=100,
        brightness=0.5,
        saturation=0.3,
        warmth=0.0,
        colourfulness=20.0,
        contrast=0.3,
        edge_density=0.05,
        texture=0.2,
        hue_histogram=(1 / 12,) * 12,
        palette=(PaletteColour((1, 2, 3), 1.0),),
        content=content,
    )


def _face(expression: str) -> FaceExpression:
    scores = {e: 0.0 for e in ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")}
    scores[expression] = 1.0
    return FaceExpression((0, 0, 10, 10), 0.9, scores)


def test_example_report_lists_content_and_explains_it() -> None:
    jsonschema = need("jsonschema", "report schema check")
    report = image2music.compose(EXAMPLE).report
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    assert report["schema_version"] == SCHEMA_VERSION == "1.4"
    content = report["image"]["content"]
    assert content["faces"][0]["expression"] == "happy"
    assert content["objects"][0]["label"] == "person"
    assert len(content["objects"][0]["box"]) == 4
    assert content["labels"] and all(0 <= lab["confidence"] <= 1 for lab in content["labels"])
    assert report["why"][0].startswith("a smiling face")
    assert " → " in report["why"][0] and "bpm" in report["why"][0]
    assert report["models"]["emotion"]["name"] == "learned"
    assert set(report["emotion"]["categories"]) == {
        "anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral",
    }  # fmt: skip


def test_colour_estimator_without_entities_runs_no_network() -> None:
    report = image2music.compose(EXAMPLE, emotion="colour", detect_entities=False).report
    assert report["image"]["content"] is None
    assert report["models"]["emotion"]["name"] == "colour-psychology"
    assert "amusement" in report["emotion"]["categories"]
    assert report["why"][0].startswith("a ")


def test_content_words() -> None:
    seen = VisualContent(
        labels=(Entity("seashore", 0.6),),
        objects=(Entity("person", 0.9, (0, 0, 5, 5)), Entity("dog", 0.5, (1, 1, 2, 2))),
        faces=(_face("happy"),),
    )
    assert content_words(_features(seen)) == "a smiling face and a dog; it looks like a seashore"
    crowd = VisualContent(objects=tuple(Entity("person", 0.8, (0, 0, 5, 5)) for _ in range(3)))
    assert content_words(_features(crowd)) == "three people"
    two = VisualContent(faces=(_face("sad"), _face("happy")))
    assert content_words(_features(two)) == "two faces (sad, smiling)"
    unsure = VisualContent(labels=(Entity("espresso", 0.1),))
    assert content_words(_features(unsure)) == ""
    assert content_words(_features(None)) == ""


@pytest.mark.parametrize(
    ("valence", "arousal", "words"),
    [
        (0.8, 0.7, "very pleasant and excited"),
        (0.3, -0.4, "pleasant and calm"),
        (-0.7, 0.3, "unpleasant and lively"),
        (0.0, 0.0, "neither pleasant nor unpleasant and moderately calm"),
    ],
)
def test_feeling_words(valence: float, arousal: float, words: str) -> None:
    assert feeling_words(Emotion(valence, arousal)) == words
