"""The melody network is the default of ``compose``; the baseline stays available."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import image2music
from image2music.generators import melody_generator
from image2music.melody import tokens
from image2music.melody.grid import chord_features, position_features
from image2music.melody.model_files import default_model_path, load_model_info
from image2music.melody.network import NetworkMelody
from image2music.options import MELODY_GENERATORS, ComposeOptions
from image2music.vocab import (
    MELODY_MAX_OCTAVE,
    MELODY_MIN_OCTAVE,
    MELODY_VOCAB_SIZE,
    decode_melody_token,
    melody_token,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def test_tokens_agree_with_the_corpus_vocabulary() -> None:
    assert tokens.VOCAB_SIZE == MELODY_VOCAB_SIZE
    assert (tokens.MIN_OCTAVE, tokens.MAX_OCTAVE) == (MELODY_MIN_OCTAVE, MELODY_MAX_OCTAVE)
    for tonic in (0, 5, 11):
        for token in range(tokens.FIRST_NOTE_ID, tokens.VOCAB_SIZE):
            assert tokens.pitch_of(token, tonic) == decode_melody_token(token, tonic)
        for pitch in range(30, 110):
            assert tokens.note_id(pitch, tonic) == melody_token(pitch, tonic)


def test_grid_inputs() -> None:
    pos = position_features(128)
    assert pos.shape[0] == 128 and pos[:, :16].sum() == 128 and pos[-1, -2] == 1.0
    c_major = 5  # chord id (0, maj)
    feats = chord_features(np.array([c_major] * 8 + [0] * 8))
    assert feats[0, [0, 4, 7]].tolist() == [1.0, 1.0, 1.0] and feats[0, 12] == 1.0
    assert feats[0, 24:].sum() == 0.0  # next half bar: no chord


def test_shipped_model_and_default() -> None:
    assert default_model_path().is_file(), "the shipped melody model is missing"
    assert default_model_path().stat().st_size < 5_000_000
    info = load_model_info()
    assert info.sidecar["corpus"]["permissive_only"] is True
    assert MELODY_GENERATORS[0] == "network" and "baseline" in MELODY_GENERATORS
    assert ComposeOptions().melody == "network"
    assert isinstance(melody_generator("network"), NetworkMelody)


def test_compose_with_either_melody(tmp_path: Path) -> None:
    net = image2music.compose(EXAMPLE, bars=8, seed=2, valence=0.5, arousal=0.3)
    base = image2music.compose(EXAMPLE, bars=8, seed=2, valence=0.5, arousal=0.3, melody="baseline")
    assert net.report["models"]["melody"]["name"] == "network-melody"
    assert base.report["models"]["melody"]["name"] == "baseline-melody"
    from image2music.cli.main import build_cli

    args = ["compose", str(EXAMPLE), "-o", str(tmp_path), "--bars", "4", "--format", "mid", "-q"]
    result = CliRunner().invoke(build_cli(), [*args, "--melody", "baseline"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(build_cli(), [*args, "--melody", "lstm"]).exit_code == 2
