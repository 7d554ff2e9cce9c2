"""Inference-side token table, model files, the cached session, no torch in compose."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from image2music import vocab
from image2music.errors import Image2MusicError, ModelError
from image2music.harmony import tokens
from image2music.harmony.model_files import load_model_info, onnx_session


def test_token_table_matches_the_corpus_vocabulary() -> None:
    assert tokens.VOCAB_VERSION == vocab.VOCAB_VERSION
    assert tokens.VOCAB_SIZE == vocab.CHORD_VOCAB_SIZE
    assert (tokens.PAD, tokens.BOS, tokens.EOS, tokens.NO_CHORD, tokens.UNK) == (
        vocab.CHORD_PAD,
        vocab.CHORD_BOS,
        vocab.CHORD_EOS,
        vocab.CHORD_N,
        vocab.CHORD_UNK,
    )
    for t in range(tokens.FIRST_CHORD_ID, tokens.VOCAB_SIZE):
        root, quality = tokens.root_and_quality(t)
        assert vocab.decode_chord_token(t) == (root, quality)
        assert vocab.chord_token(root, quality) == tokens.chord_id(root, quality) == t
    assert not tokens.is_chord(tokens.UNK)
    with pytest.raises(Image2MusicError):
        tokens.root_and_quality(tokens.BOS)


def test_shipped_model_is_small_and_described(shipped_model: Path) -> None:
    assert shipped_model.stat().st_size < 5_000_000
    info = load_model_info()
    side = info.sidecar
    assert side["corpus"]["permissive_only"] is True
    assert len(side["corpus"]["content_hash"]) == 64
    licences = {lic for s in side["corpus"]["sources"].values() for lic in s["licences"]}
    assert licences and all("NC" not in lic and "GPL" not in lic for lic in licences)
    for key in ("model_config", "train_config", "seed", "labels", "metrics", "package_version"):
        assert key in side
    assert side["metrics"]["test"]["top1"] > 0.5


def test_session_is_created_once(shipped_model: Path) -> None:
    assert onnx_session(str(shipped_model)) is onnx_session(str(shipped_model))


def test_missing_or_incompatible_model_is_a_model_error(
    tmp_path: Path, shipped_model: Path
) -> None:
    with pytest.raises(ModelError, match="missing"):
        load_model_info(tmp_path / "nope.onnx")
    copy = tmp_path / "m.onnx"
    shutil.copyfile(shipped_model, copy)
    side = json.loads(shipped_model.with_suffix(".json").read_text())
    side["vocab_version"] = 99
    copy.with_suffix(".json").write_text(json.dumps(side))
    with pytest.raises(ModelError, match="vocab_version"):
        load_model_info(copy)
    copy.with_suffix(".json").write_text("{not json")
    with pytest.raises(ModelError, match="unreadable"):
        load_model_info(copy)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load"):
        onnx_session(str(bad))


def test_compose_with_the_network_never_imports_torch(shipped_model: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
    code = (
        "import sys, image2music\n"
        f"r = image2music.compose({str(example)!r}, bars=4)\n"
        "assert r.report['models']['harmony']['name'] == 'network-harmony'\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'onnxruntime' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
