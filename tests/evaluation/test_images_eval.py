from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from image2music.cli.main import build_cli
from image2music.errors import Image2MusicError
from image2music.evaluation.classification import balanced_accuracy, binary_report, roc_auc
from image2music.evaluation.images import evaluate_images

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"


def test_auc_against_hand_computed() -> None:
    # positives 0.8, 0.4; negatives 0.5, 0.1, 0.4: pairs won 3 + 1 + 0.5 (tie) = 4.5 of 6
    assert roc_auc([True, True, False, False, False], [0.8, 0.4, 0.5, 0.1, 0.4]) == 0.75
    assert roc_auc([True, True], [0.1, 0.2]) is None
    assert roc_auc([True, False], [0.9, 0.1]) == 1.0


def test_binary_and_balanced() -> None:
    r = binary_report([True, True, True, False], [0.5, 0.2, -0.1, -0.3])
    assert r["accuracy"] == 0.75 and r["balanced_accuracy"] == pytest.approx(0.8333, abs=1e-4)
    assert balanced_accuracy(["a", "a", "b"], ["a", "b", "b"]) == 0.75


def pictures(folder: Path) -> None:
    shutil.copy(PHOTOS / "camera.jpg", folder / "camera.jpg")
    shutil.copy(PHOTOS / "coffee.jpg", folder / "coffee.jpg")
    Image.new("RGB", (64, 64), (250, 200, 40)).save(folder / "sunny.png")
    dark = np.zeros((64, 64, 3), np.uint8) + 15
    Image.fromarray(dark).save(folder / "dark.png")


def test_each_label_kind(tmp_path: Path) -> None:
    pictures(tmp_path)
    (tmp_path / "broken.jpg").write_bytes(b"nope")
    (tmp_path / "labels.csv").write_text(
        "path,valence,arousal\ncamera.jpg,-0.5,-0.5\ncoffee.jpg,0.5,0.5\n"
        "sunny.png,0.9,0.4\ndark.png,-0.9,-0.6\nbroken.jpg,1,1\n"
    )
    full = evaluate_images(tmp_path / "labels.csv", detect_entities=False)
    assert full["rows"] == 5 and len(full["failures"]) == 1
    assert set(full["estimators"]) == {"learned", "colour"}
    for res in full["estimators"].values():
        assert res["category"] is None
        assert res["valence"]["n"] == 4 and res["arousal"]["n"] == 4
        assert res["valence"]["roc_auc"] is not None
        assert res["valence_r"] is not None and res["arousal_r"] is not None

    (tmp_path / "cats.csv").write_text(
        "path,category\nsunny.png,amusement\ndark.png,sadness\ncamera.jpg,sadness\nx.png,joy\n"
    )
    full = evaluate_images(tmp_path / "cats.csv", detect_entities=False)
    assert full["failures"][0]["line"] == 5
    colour, learned = full["estimators"]["colour"], full["estimators"]["learned"]
    assert colour["category"]["n"] == 3  # Mikels' labels
    assert learned["category"]["n"] == 2  # Emotion6's: sadness
    assert colour["valence"] is None

    (tmp_path / "posneg.csv").write_text("path,label\nsunny.png,positive\ndark.png,negative\n")
    full = evaluate_images(tmp_path / "posneg.csv", detect_entities=False, estimators=("colour",))
    res = full["estimators"]["colour"]
    assert res["valence"]["n"] == 2 and res["valence"]["positives"] == 1


def test_bad_csv(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("file,valence\nx.png,1\n")
    with pytest.raises(Image2MusicError, match="path"):
        evaluate_images(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("path,notes\nx.png,1\n")
    with pytest.raises(Image2MusicError, match="label column"):
        evaluate_images(tmp_path / "b.csv")


def test_cli_images(tmp_path: Path) -> None:
    pictures(tmp_path)
    (tmp_path / "l.csv").write_text("path,label\nsunny.png,pos\ndark.png,neg\n")
    runner = CliRunner()
    res = runner.invoke(build_cli(), ["evaluate", "images", str(tmp_path / "l.csv"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["estimators"]["learned"]["valence"]["n"] == 2
    res = runner.invoke(build_cli(), ["evaluate", "images", str(tmp_path / "none.csv")])
    assert res.exit_code == 1
