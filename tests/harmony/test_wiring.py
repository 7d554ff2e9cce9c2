"""The network is the default chord generator of ``compose``; the baseline stays available."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import image2music
from image2music.generators import harmony_generator
from image2music.harmony.network import NetworkHarmony
from image2music.options import HARMONY_GENERATORS, ComposeOptions

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def test_network_is_the_default(shipped_model: Path) -> None:
    assert HARMONY_GENERATORS[0] == "network" and "baseline" in HARMONY_GENERATORS
    assert ComposeOptions().harmony == "network"
    assert isinstance(harmony_generator("network"), NetworkHarmony)


def test_compose_with_either_generator(shipped_model: Path) -> None:
    net = image2music.compose(EXAMPLE, bars=4, seed=2, valence=0.5, arousal=0.3)
    base = image2music.compose(
        EXAMPLE, bars=4, seed=2, valence=0.5, arousal=0.3, harmony="baseline"
    )
    assert net.report["models"]["harmony"]["name"] == "network-harmony"
    assert net.report["models"]["harmony"]["version"] == NetworkHarmony().version
    assert base.report["models"]["harmony"]["name"] == "baseline-harmony"
    for r in (net, base):
        chords = r.report["chords"]
        assert chords[0]["roman"] == "I" and chords[-1]["roman"] == "I"


def test_cli_harmony_option(shipped_model: Path, tmp_path: Path) -> None:
    from image2music.cli.main import build_cli

    runner = CliRunner()
    for name in ("network", "baseline"):
        out = tmp_path / name
        args = ["compose", str(EXAMPLE), "-o", str(out), "--bars", "4", "--harmony", name, "-q"]
        result = runner.invoke(build_cli(), args)
        assert result.exit_code == 0, result.output
        assert (out / "photo.mid").is_file()
    bad = runner.invoke(build_cli(), ["compose", str(EXAMPLE), "--harmony", "lstm"])
    assert bad.exit_code == 2
