"""``train emotion`` and ``evaluate images`` end to end on a tiny rated set, and on the real one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.emotion import rated_features
from image2music.emotion.fit import FitConfig
from image2music.emotion.learned import LEARNED_MODEL, load_emotion_model
from image2music.emotion.rated_features import load_rated_features
from image2music.evaluation.rated_images import evaluate_protocol
from image2music.training.emotion_run import train_emotion

SMALL = FitConfig(alphas=(1.0, 100.0), hand_gains=(1.0,), face_gains=(1.0,), l2s=(0.1,), steps=50)


def test_train_writes_a_self_describing_model(rated_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    side = train_emotion(rated_set, tmp_path / "cache", out, seed=3, workers=1, config=SMALL)
    model = load_emotion_model(out / "learned.npz")
    assert model.sidecar == side
    assert side["seed"] == 3 and side["data_version"] and side["version"].startswith("0.")
    assert set(side["metrics"]) == {"mixed", "emotion6_to_oasis", "oasis_to_emotion6"}
    mixed = side["metrics"]["mixed"]
    assert sum(mixed["sizes"].values()) == 48
    assert set(mixed["test"]) == {"learned", "colour"}
    # brightness drives the synthetic valence: the model must find it on its own pictures
    va, _ = model.predict(load_rated_features(rated_set, tmp_path / "cache").x)
    assert va.shape == (48, 2)


def test_features_are_cached_and_reused(
    rated_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_rated_features(rated_set, tmp_path, workers=1)
    assert len(list(tmp_path.glob("features-*.npz"))) == 1

    def no_extraction(*args: object) -> None:
        raise AssertionError("features were extracted again")

    monkeypatch.setattr(rated_features, "_extract", no_extraction)
    again = load_rated_features(rated_set, tmp_path, workers=1)
    assert np.array_equal(first.x, again.x) and first.keys == again.keys


def test_two_workers_give_the_same_features(rated_set: Path, tmp_path: Path) -> None:
    one = load_rated_features(rated_set, tmp_path / "a", workers=1)
    two = load_rated_features(rated_set, tmp_path / "b", workers=2)
    assert np.array_equal(one.x, two.x)


def test_an_unreadable_picture_is_a_one_line_error(rated_set: Path, tmp_path: Path) -> None:
    (rated_set / "oasis" / "images" / "oasis_3.jpg").write_bytes(b"not a picture")
    result = CliRunner().invoke(
        build_cli(),
        ["train", "emotion", "--datasets", str(rated_set.parent), "--cache-dir", str(tmp_path),
         "--out", str(tmp_path / "o"), "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "oasis_3.jpg" in result.output and "Traceback" not in result.output


def test_under_torchrun_only_the_first_process_fits(
    rated_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["train", "emotion", "--datasets", str(rated_set.parent), "--cache-dir",
            str(tmp_path / "c"), "--out", str(tmp_path / "o"), "--workers", "1"]  # fmt: skip
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    other = CliRunner().invoke(build_cli(), args)
    assert other.exit_code == 0 and not (tmp_path / "o").exists()  # left at once
    monkeypatch.setenv("RANK", "0")
    first = CliRunner().invoke(build_cli(), args)
    assert first.exit_code == 0, first.output
    assert "the other torchrun processes (1) left at once" in first.output
    assert (tmp_path / "o" / "learned.json").is_file()


def test_cli_train_and_evaluate(rated_set: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--datasets", str(rated_set.parent), "--cache-dir", str(tmp_path / "c")]
    result = runner.invoke(
        build_cli(), ["train", "emotion", *args, "--out", str(tmp_path / "o"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "train Emotion6 → test OASIS" in result.output
    assert (tmp_path / "o" / "learned.json").is_file()
    result = runner.invoke(build_cli(), ["evaluate", "images", *args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mixed"]["test"]["colour"]["n"] == data["mixed"]["sizes"]["test"]


def test_evaluate_images_on_a_csv_scores_both_estimators(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    csv = tmp_path / "labels.csv"
    csv.write_text(
        "path,valence,arousal,category\n"
        f"{root / 'examples' / 'photo.jpg'},0.8,0.3,joy\n"
        f"{root / 'tests' / 'vision' / 'data' / 'camera.jpg'},-0.2,-0.4,sadness\n"
        f"{root / 'tests' / 'vision' / 'data' / 'coffee.jpg'},0.4,-0.5,amusement\n"
    )
    result = CliRunner().invoke(build_cli(), ["evaluate", "images", str(csv), "--json"])
    assert result.exit_code == 0, result.output
    res = json.loads(result.output)["estimators"]
    assert set(res) == {"learned", "colour"}
    assert res["learned"]["valence"]["n"] == 3
    assert res["learned"]["category"]["n"] == 2  # joy, sadness: Emotion6 labels
    assert res["colour"]["category"]["n"] == 2  # sadness, amusement: Mikels labels


@pytest.mark.slow
def test_real_rated_photographs_reproduce_the_shipped_model(tmp_path: Path) -> None:
    """Extracts features of all 2,880 rated photographs (a few minutes on 2 cores)."""
    real = os.environ.get("IMAGE2MUSIC_DATASETS")
    if not real or not (Path(real) / "image-emotion" / "emotion6").is_dir():
        if os.environ.get("IMAGE2MUSIC_STRICT_DEPS"):
            pytest.fail("IMAGE2MUSIC_DATASETS must point to the real datasets in CI")
        pytest.skip("IMAGE2MUSIC_DATASETS does not point to the real datasets")
    root = Path(real) / "image-emotion"
    shipped = load_emotion_model(LEARNED_MODEL)
    data = load_rated_features(root, tmp_path)
    assert data.data_version == shipped.sidecar["data_version"]
    metrics, mixed = evaluate_protocol(data, shipped.sidecar["seed"])
    test = metrics["mixed"]["test"]
    assert test["learned"]["valence_auc"] > 0.8
    assert test["learned"]["valence_r"] > test["colour"]["valence_r"] + 0.3
    assert metrics["emotion6_to_oasis"]["test"]["learned"]["valence_auc"] > 0.65
    assert metrics["oasis_to_emotion6"]["test"]["learned"]["valence_auc"] > 0.75
    ours = shipped.sidecar["metrics"]["mixed"]["test"]["learned"]
    assert test["learned"]["valence_r"] == pytest.approx(ours["valence_r"], abs=0.01)
    assert np.allclose(mixed.model.w_va, shipped.w_va, atol=1e-4)
