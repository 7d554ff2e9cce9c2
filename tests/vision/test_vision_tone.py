"""Tone features: each moves the right way when one property of a picture changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from image2music.errors import AnalysisError
from image2music.vision import tone
from image2music.vision.loading import load_image

Solid = Callable[..., NDArray[np.uint8]]


def _noise(seed: int = 0, size: tuple[int, int] = (96, 128)) -> NDArray[np.uint8]:
    return np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)


def _halves(a: tuple[int, int, int], b: tuple[int, int, int]) -> NDArray[np.uint8]:
    img = np.empty((64, 128, 3), dtype=np.uint8)
    img[:, :64] = a
    img[:, 64:] = b
    return img


# --------------------------------------------------------------------------- conversions


def test_lab_of_reference_colours() -> None:
    lab = tone.srgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], dtype=np.uint8))
    assert lab[0] == pytest.approx([100.0, 0.0, 0.0], abs=0.05)
    assert lab[1] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    # Red in CIE Lab (D65), e.g. Lindbloom's calculator: 53.24, 80.09, 67.20.
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_lightness_matches_lab_l(solid: Solid) -> None:
    rgb = _noise(3, (16, 16))
    assert tone.lightness(rgb) == pytest.approx(tone.srgb_to_lab(rgb)[..., 0], abs=0.01)
    # sRGB 119 grey is L* = 50.
    assert float(tone.lightness(solid((119, 119, 119)))[0, 0]) == pytest.approx(50.0, abs=0.3)


def test_lightness_linear_segment_for_very_dark_pixels(solid: Solid) -> None:
    # sRGB 1 -> Y = 0.000304 < (6/29)^3, so L* = 903.3 Y = 0.27.
    assert float(tone.lightness(solid((1, 1, 1)))[0, 0]) == pytest.approx(0.2745, abs=0.002)


def test_hsv_hue_of_primaries(solid: Solid) -> None:
    for colour, hue in (((255, 0, 0), 0), ((255, 255, 0), 60), ((0, 0, 255), 240)):
        h, s = tone.hsv(solid(colour))
        assert float(h[0, 0]) == pytest.approx(hue, abs=0.5)
        assert float(s[0, 0]) == pytest.approx(1.0)


def test_malformed_input_is_rejected() -> None:
    with pytest.raises(AnalysisError, match="uint8"):
        tone.brightness(np.zeros((4, 4, 3), dtype=np.float32))
    with pytest.raises(AnalysisError, match="shape"):
        tone.brightness(np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(AnalysisError, match="shape"):
        tone.brightness(np.zeros((0, 4, 3), dtype=np.uint8))
    with pytest.raises(AnalysisError, match="k >= 1"):
        tone.palette(np.zeros((4, 4, 3), dtype=np.uint8), k=0)


# --------------------------------------------------------------------------- one property at a time


def test_brightness_extremes_and_order(solid: Solid) -> None:
    assert tone.brightness(solid((0, 0, 0))) == pytest.approx(0.0, abs=1e-6)
    assert tone.brightness(solid((255, 255, 255))) == pytest.approx(1.0, abs=1e-4)
    dark, mid, light = (tone.brightness(solid((v, v // 2, v))) for v in (40, 120, 220))
    assert dark < mid < light


def test_darkening_a_photo_lowers_brightness(photo: Callable[[str], Path]) -> None:
    rgb = load_image(photo("coffee.jpg")).rgb
    darker = (rgb.astype(np.float32) * 0.5).astype(np.uint8)
    assert tone.brightness(darker) < tone.brightness(rgb) - 0.1


def test_greyer_means_less_saturation_and_colourfulness(solid: Solid) -> None:
    vivid = _halves((230, 40, 40), (40, 80, 230))
    grey_mix = (vivid.astype(np.float32) * 0.3 + 0.7 * vivid.mean(axis=2, keepdims=True)).astype(
        np.uint8
    )
    assert tone.saturation(grey_mix) < tone.saturation(vivid)
    assert tone.colourfulness(grey_mix) < tone.colourfulness(vivid)
    assert tone.saturation(solid((128, 128, 128))) == 0.0
    assert tone.colourfulness(solid((128, 128, 128))) == pytest.approx(0.0, abs=1e-9)


def test_colourfulness_matches_the_formula() -> None:
    rgb = _noise(5)
    f = rgb.astype(np.float64)
    rg = f[..., 0] - f[..., 1]
    yb = 0.5 * (f[..., 0] + f[..., 1]) - f[..., 2]
    expected = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    assert tone.colourfulness(rgb) == pytest.approx(expected, rel=1e-5)


def test_warmth_sign_orange_versus_blue(solid: Solid) -> None:
    orange = tone.warmth(solid((240, 140, 30)))
    azure = tone.warmth(solid((30, 130, 240)))
    assert orange > 0.8
    assert azure < -0.8
    assert tone.warmth(solid((128, 128, 128))) == 0.0
    # Green and purple sit near neutral.
    assert abs(tone.warmth(solid((40, 200, 40)))) < 0.25


def test_faint_tint_is_pulled_towards_neutral(solid: Solid) -> None:
    faint = tone.warmth(solid((134, 128, 122)))
    strong = tone.warmth(solid((240, 140, 30)))
    assert 0.0 < faint < strong


def test_noise_versus_flat_texture_and_edges(solid: Solid) -> None:
    flat = solid((90, 120, 150), (128, 96))
    noisy = _noise(1)
    assert tone.texture(flat) == 0.0
    assert tone.edge_density(flat) == 0.0
    assert tone.texture(noisy) > 0.5
    assert tone.edge_density(noisy) > 0.1


def test_stripes_have_edges_and_some_texture() -> None:
    img = np.zeros((96, 128, 3), dtype=np.uint8)
    img[:, ::16] = 255
    img[:, 1::16] = 255
    assert 0.05 < tone.edge_density(img) < 0.5
    assert tone.texture(img) > 0.1


def test_texture_of_uniform_grey_noise_is_about_one() -> None:
    grey = np.random.default_rng(4).integers(0, 256, (128, 128), dtype=np.uint8)
    assert tone.texture(np.repeat(grey[..., None], 3, axis=2)) > 0.95


def test_contrast_high_versus_low() -> None:
    high = _halves((0, 0, 0), (255, 255, 255))
    low = _halves((110, 110, 110), (140, 140, 140))
    assert tone.contrast(high) == pytest.approx(1.0, abs=1e-3)
    assert 0.0 < tone.contrast(low) < 0.2
    assert tone.contrast(np.full((8, 8, 3), 77, dtype=np.uint8)) == 0.0


# --------------------------------------------------------------------------- hue histogram


@pytest.mark.parametrize(
    ("colour", "bin_index"),
    [
        ((255, 0, 0), 0),
        ((255, 128, 0), 1),
        ((255, 255, 0), 2),
        ((0, 255, 0), 4),
        ((0, 255, 255), 6),
        ((0, 0, 255), 8),
        ((255, 0, 255), 10),
        ((255, 0, 40), 0),  # hue 350.6: wraps round into the red bin
        ((255, 0, 64), 11),  # hue 344.9: still rose
    ],
)
def test_hue_histogram_bins(solid: Solid, colour: tuple[int, int, int], bin_index: int) -> None:
    hist = tone.hue_histogram(solid(colour))
    assert len(hist) == tone.HUE_BINS
    assert hist[bin_index] == pytest.approx(1.0)
    assert sum(hist) == pytest.approx(1.0)


def test_hue_histogram_of_grey_is_all_zero(solid: Solid) -> None:
    assert tone.hue_histogram(solid((90, 90, 90))) == (0.0,) * 12
    almost = solid((90, 91, 92))  # chroma 2/255: JPEG-noise level, counts as grey
    assert tone.hue_histogram(almost) == (0.0,) * 12


def test_hue_histogram_weights_vivid_colours_more() -> None:
    img = _halves((255, 0, 0), (60, 60, 120))  # vivid red, dull blue
    hist = tone.hue_histogram(img)
    assert hist[0] > hist[8] > 0.0
    # Weights are chroma: 255 versus 60.
    assert hist[0] / hist[8] == pytest.approx(255 / 60, rel=1e-6)


# --------------------------------------------------------------------------- palette


def test_palette_of_two_colours() -> None:
    img = np.empty((64, 128, 3), dtype=np.uint8)
    img[:, :96] = (200, 30, 40)
    img[:, 96:] = (20, 60, 200)
    pal = tone.palette(img)
    assert len(pal) == 2
    assert pal[0].rgb == (200, 30, 40)
    assert pal[1].rgb == (20, 60, 200)
    assert pal[0].share == pytest.approx(0.75, abs=0.02)
    assert pal[1].share == pytest.approx(0.25, abs=0.02)


def test_palette_merges_near_duplicates() -> None:
    img = _halves((100, 100, 100), (103, 100, 98))
    pal = tone.palette(img)
    assert len(pal) == 1
    assert pal[0].share == pytest.approx(1.0)


def test_palette_of_a_photo(photo: Callable[[str], Path]) -> None:
    pal = tone.palette(load_image(photo("chelsea.jpg")).rgb)
    assert 2 <= len(pal) <= 5
    shares = [c.share for c in pal]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) == pytest.approx(1.0)


def test_palette_size_limit() -> None:
    pal = tone.palette(_noise(9), k=3)
    assert 1 <= len(pal) <= 3


def test_one_pixel_picture_works() -> None:
    px = np.array([[[10, 200, 30]]], dtype=np.uint8)
    feats = tone.tone_features(px)
    assert feats.palette[0].rgb == (10, 200, 30)
    assert feats.edge_density == 0.0


# --------------------------------------------------------------------------- all together


def test_tone_features_equal_individual_functions(photo: Callable[[str], Path]) -> None:
    rgb = load_image(photo("rocket.jpg")).rgb
    feats = tone.tone_features(rgb)
    assert feats.brightness == pytest.approx(tone.brightness(rgb))
    assert feats.saturation == pytest.approx(tone.saturation(rgb))
    assert feats.warmth == pytest.approx(tone.warmth(rgb))
    assert feats.colourfulness == pytest.approx(tone.colourfulness(rgb))
    assert feats.contrast == pytest.approx(tone.contrast(rgb))
    assert feats.edge_density == pytest.approx(tone.edge_density(rgb))
    assert feats.texture == pytest.approx(tone.texture(rgb))
    assert feats.hue_histogram == pytest.approx(tone.hue_histogram(rgb))
    assert feats.palette == tone.palette(rgb)


def test_tone_features_are_deterministic(photo: Callable[[str], Path]) -> None:
    rgb = load_image(photo("astronaut.jpg")).rgb
    assert tone.tone_features(rgb) == tone.tone_features(rgb.copy())


def test_non_contiguous_input_gives_the_same_answer(photo: Callable[[str], Path]) -> None:
    rgb = load_image(photo("coffee.jpg")).rgb
    view = np.asfortranarray(rgb)
    assert tone.tone_features(view) == tone.tone_features(rgb)


def test_tone_features_do_not_depend_on_threads_or_alignment(
    photo: Callable[[str], Path],
) -> None:
    import cv2

    rgb = load_image(photo("grace_hopper.jpg")).rgb
    reference = tone.tone_features(rgb)
    buf = np.empty(rgb.nbytes + 64, dtype=np.uint8)
    shifted = buf[4 : 4 + rgb.nbytes].reshape(rgb.shape)
    shifted[...] = rgb
    threads = cv2.getNumThreads()
    try:
        cv2.setNumThreads(1)
        single = tone.tone_features(shifted)
    finally:
        cv2.setNumThreads(threads)
    assert single == reference
