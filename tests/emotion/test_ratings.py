"""Reading the rated-photograph sets and splitting them by image."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from image2music.emotion.ratings import data_version, read_rated_images, split_of
from image2music.errors import DataError


def test_ratings_are_mapped_around_each_scales_neutral_point(rated_set: Path) -> None:
    rows = read_rated_images(rated_set)
    assert {r.dataset for r in rows} == {"emotion6", "oasis"}
    for r in rows:
        assert -1.0 <= r.valence <= 1.0 and -1.0 <= r.arousal <= 1.0
    e6 = next(r for r in rows if r.dataset == "emotion6")
    oasis = next(r for r in rows if r.dataset == "oasis")
    # first picture: light 0 -> rating low + 0.15 * range
    assert e6.valence == pytest.approx((1 + 8 * 0.15 - 5) / 4, abs=1e-3)
    assert oasis.valence == pytest.approx((1 + 6 * 0.15 - 4) / 3, abs=1e-3)
    assert len(e6.distribution) == 7 and sum(e6.distribution) == pytest.approx(1.0)
    assert oasis.distribution == ()


def test_missing_image_files_are_skipped(rated_set: Path) -> None:
    (rated_set / "oasis" / "images" / "oasis_0.jpg").unlink()
    keys = {r.key for r in read_rated_images(rated_set)}
    assert "oasis/oasis_0.jpg" not in keys and "oasis/oasis_1.jpg" in keys


def test_a_malformed_rating_names_file_and_line(rated_set: Path) -> None:
    labels = rated_set / "oasis" / "labels.csv"
    lines = labels.read_text().splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[1], "abc", 1)
    labels.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"labels.csv:3: valence is not a number"):
        read_rated_images(rated_set)


def test_missing_set_and_unknown_set_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        read_rated_images(tmp_path)
    with pytest.raises(DataError, match="unknown image-emotion set"):
        read_rated_images(tmp_path, ("iaps",))


def test_splits_are_deterministic_and_proportioned() -> None:
    keys = [f"emotion6/img_{i}.jpg" for i in range(6000)]
    counts = Counter(split_of(k) for k in keys)
    assert counts["test"] / 6000 == pytest.approx(0.15, abs=0.02)
    assert counts["valid"] / 6000 == pytest.approx(0.15, abs=0.02)
    assert [split_of(k) for k in keys[:50]] == [split_of(k) for k in keys[:50]]
    assert [split_of(k, seed=1) for k in keys[:200]] != [split_of(k) for k in keys[:200]]


def test_data_version_follows_the_labels(rated_set: Path) -> None:
    before = data_version(rated_set)
    assert data_version(rated_set) == before
    labels = rated_set / "oasis" / "labels.csv"
    labels.write_text(labels.read_text().replace("images/oasis_1.jpg", "images/oasis_1.jpg "))
    assert data_version(rated_set) != before
