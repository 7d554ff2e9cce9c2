from __future__ import annotations

from dataclasses import replace

import pytest

from image2music.emotion import ColourPsychologyEstimator, EmotionEstimator, override_emotion
from image2music.emotion.categories import PROTOTYPES, category_scores
from image2music.types import CATEGORIES, Emotion, Entity, ImageFeatures, PaletteColour


def _features(**kw: object) -> ImageFeatures:
    base = ImageFeatures(
        width_px=640,
        height_px=480,
        brightness=0.40,
        saturation=0.37,
        warmth=0.0,
        colourfulness=42.0,
        contrast=0.41,
        edge_density=0.07,
        texture=0.19,
        hue_histogram=(1 / 12,) * 12,
        palette=(PaletteColour((120, 120, 120), 1.0),),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


EST = ColourPsychologyEstimator()


def test_default_estimator_satisfies_protocol() -> None:
    assert isinstance(EST, EmotionEstimator)


def test_average_picture_is_near_neutral() -> None:
    # _features() sits at the centre of every normaliser.
    e = EST.estimate(_features())
    assert abs(e.valence) < 0.05 and abs(e.arousal) < 0.05


def test_brighter_picture_is_more_pleasant_and_calmer() -> None:
    # Valdez & Mehrabian 1994: P = .69 B + .22 S, A = -.31 B + .60 S.
    dark = EST.estimate(_features(brightness=0.2))
    bright = EST.estimate(_features(brightness=0.8))
    assert bright.valence > dark.valence + 0.3
    assert bright.arousal < dark.arousal
    assert bright.dominance < dark.dominance


def test_more_saturated_picture_is_more_pleasant_and_more_arousing() -> None:
    grey = EST.estimate(_features(saturation=0.05, colourfulness=5.0))
    vivid = EST.estimate(_features(saturation=0.75, colourfulness=80.0))
    assert vivid.arousal > grey.arousal + 0.4
    assert vivid.valence > grey.valence


def test_warm_picture_is_more_arousing_than_cool() -> None:
    warm = EST.estimate(_features(warmth=0.8))
    cool = EST.estimate(_features(warmth=-0.8))
    assert warm.arousal > cool.arousal


def test_busy_contrasty_picture_is_more_arousing() -> None:
    flat = EST.estimate(_features(contrast=0.2, edge_density=0.02, texture=0.05))
    busy = EST.estimate(_features(contrast=0.7, edge_density=0.2, texture=0.4))
    assert busy.arousal > flat.arousal + 0.2


def test_smile_raises_valence_and_amusement() -> None:
    face = Entity("face", 0.9, (10, 10, 50, 50))
    plain = EST.estimate(_features(entities=(face,)))
    smiling = EST.estimate(_features(entities=(face, Entity("smile", 0.9, (20, 40, 20, 10)))))
    assert smiling.valence > plain.valence + 0.3
    assert smiling.categories["amusement"] > plain.categories["amusement"]


def test_night_cue_lowers_valence_and_arousal() -> None:
    day = EST.estimate(_features())
    night = EST.estimate(_features(entities=(Entity("night", 1.0),)))
    assert night.valence < day.valence and night.arousal < day.arousal


def test_extreme_features_stay_in_range() -> None:
    e = EST.estimate(
        _features(brightness=1.0, saturation=1.0, colourfulness=300.0, contrast=1.0, texture=1.0)
    )
    for v in (e.valence, e.arousal, e.dominance):
        assert -1.0 <= v <= 1.0


def test_estimate_is_deterministic() -> None:
    f = _features(brightness=0.7, warmth=0.3)
    assert EST.estimate(f) == EST.estimate(f)


@pytest.mark.parametrize("name", CATEGORIES)
def test_category_wins_at_its_own_prototype(name: str) -> None:
    v, a = PROTOTYPES[name]
    scores = category_scores(v, a)
    assert max(scores, key=lambda k: scores[k]) == name
    assert abs(sum(scores.values()) - 1.0) < 1e-3


def test_sad_corner_scores_sadness() -> None:
    e = EST.estimate(_features(brightness=0.1, saturation=0.03, colourfulness=2.0, contrast=0.15))
    assert e.valence < -0.3 and e.arousal < 0
    assert e.top_category == "sadness"


def test_override_replaces_values_and_marks_source() -> None:
    e = EST.estimate(_features())
    both = override_emotion(e, valence=0.9, arousal=-0.9)
    assert (both.valence, both.arousal, both.source) == (0.9, -0.9, "user")
    assert both.top_category == "contentment"
    one = override_emotion(e, arousal=0.5)
    assert one.valence == e.valence and one.source == "image+user"
    assert override_emotion(e) is e


def test_emotion_rejects_out_of_range_values() -> None:
    with pytest.raises(ValueError, match=r"Emotion\.valence must be in \[-1\.0, 1\.0\], got 1\.5"):
        Emotion(1.5, 0.0)
