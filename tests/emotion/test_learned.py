"""The learned estimator: the shipped model, its file format and its behaviour."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from image2music.emotion.features import FEATURE_BLOCKS, FEATURE_SIZE, emotion_features
from image2music.emotion.learned import (
    LEARNED_MODEL,
    EmotionModel,
    LearnedEstimator,
    load_emotion_model,
)
from image2music.errors import ModelError
from image2music.types import EMOTION6_CATEGORIES, ImageFeatures, PaletteColour
from image2music.vision import analyse_image

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "photo.jpg"
DATA = ROOT / "tests" / "vision" / "data"


def _plain_features(**kw: object) -> ImageFeatures:
    base = dict(
        width_px=100,
        height_px=80,
        brightness=0.5,
        saturation=0.3,
        warmth=0.0,
        colourfulness=30.0,
        contrast=0.4,
        edge_density=0.05,
        texture=0.2,
        hue_histogram=(1 / 12,) * 12,
        palette=(PaletteColour((120, 120, 120), 1.0),),
    )
    base.update(kw)
    return ImageFeatures(**base)  # type: ignore[arg-type]


def test_shipped_model_describes_itself() -> None:
    model = load_emotion_model()
    side = model.sidecar
    assert side["feature_size"] == FEATURE_SIZE
    assert side["feature_blocks"] == dict(FEATURE_BLOCKS)
    assert set(side["trained_on"]) == {"emotion6", "oasis"}
    assert {"seed", "data_version", "settings", "metrics", "version"} <= set(side)
    assert side["metrics"]["mixed"]["test"]["learned"]["valence_auc"] > 0.8


def test_a_smiling_face_reads_pleasant() -> None:
    emotion = LearnedEstimator().estimate(analyse_image(EXAMPLE))
    assert emotion.valence > 0.2
    assert set(emotion.categories) == set(EMOTION6_CATEGORIES)
    assert sum(emotion.categories.values()) == pytest.approx(1.0, abs=1e-3)


def test_estimates_are_deterministic() -> None:
    f = analyse_image(DATA / "coffee.jpg")
    assert LearnedEstimator().estimate(f) == LearnedEstimator().estimate(f)


def test_a_picture_the_networks_did_not_see_still_gets_an_emotion() -> None:
    emotion = LearnedEstimator().estimate(_plain_features())
    assert -1.0 <= emotion.valence <= 1.0 and -1.0 <= emotion.arousal <= 1.0
    assert emotion.top_category in EMOTION6_CATEGORIES


def test_features_vector_layout() -> None:
    f = analyse_image(EXAMPLE)
    x = emotion_features(f)
    assert x.shape == (FEATURE_SIZE,) and x.dtype == np.float32
    assert np.isfinite(x).all()
    start = FEATURE_BLOCKS["embedding"] + 7 + 12 + 5 + 3
    happy = start + 3
    assert x[happy] > 0.9  # the smiling face's "happy" expression share
    assert not emotion_features(_plain_features())[:1280].any()


def test_musical_scale_keeps_sign_and_order() -> None:
    model = load_emotion_model()
    raw = np.array([[-0.5, -0.2], [0.0, 0.0], [0.1, 0.05], [0.6, 0.3]])
    out = model.musical(raw)
    assert np.all(np.sign(out) == np.sign(raw))
    assert np.all(np.diff(out[:, 0]) > 0) and np.all(np.abs(out) < 1)


def test_model_round_trip(tmp_path: Path) -> None:
    model = replace(load_emotion_model(), sidecar={"feature_size": FEATURE_SIZE, "version": "t"})
    path = tmp_path / "m.npz"
    model.save(path)
    back = load_emotion_model(path)
    assert back.sidecar["version"] == "t"
    assert np.allclose(back.w_va, model.w_va, atol=1e-6)
    assert LearnedEstimator(path).version == "t"


def test_missing_model_names_the_train_command(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="image2music train emotion"):
        load_emotion_model(tmp_path / "none.npz")


def test_model_for_another_feature_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    model = load_emotion_model()
    model.save(path)
    side = json.loads(path.with_suffix(".json").read_text())
    side["feature_size"] = 99
    path.with_suffix(".json").write_text(json.dumps(side))
    with pytest.raises(ModelError, match="expects 99 features"):
        load_emotion_model(path)


def test_wrong_array_shapes_are_refused() -> None:
    m = load_emotion_model()
    with pytest.raises(ModelError, match="w_va must have shape"):
        EmotionModel(m.mean, m.scale, m.gain, m.w_va[:3], m.b_va, m.spread, m.w_cat, m.b_cat, {})


def test_shipped_files_sit_in_the_package() -> None:
    assert LEARNED_MODEL.is_file() and LEARNED_MODEL.with_suffix(".json").is_file()
