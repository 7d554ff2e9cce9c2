"""Importing does nothing heavy; composing never needs torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "photo.jpg"


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_importing_the_package_is_cheap() -> None:
    loaded = _modules_after("import image2music")
    assert not loaded & {"numpy", "PIL", "cv2", "torch", "onnxruntime", "mido", "typer"}


def test_cli_module_imports_no_numerics() -> None:
    loaded = _modules_after("import image2music.cli.main; image2music.cli.main.build_cli()")
    assert not loaded & {"numpy", "cv2", "torch", "onnxruntime"}


def test_composing_never_imports_torch() -> None:
    loaded = _modules_after(f"import image2music; image2music.compose({str(EXAMPLE)!r}).midi")
    assert not loaded & {
        "torch",
        "tensorflow",
        "sklearn",
        "keras",
        "jax",
        "efficientnet_lite_pytorch",
    }
    assert {"numpy", "onnxruntime"} <= loaded  # sanity: the pipeline and its networks ran


def test_learned_estimator_reads_the_vision_networks() -> None:
    code = (
        "import image2music;"
        f"r = image2music.compose({str(EXAMPLE)!r});"
        "assert r.report['models']['emotion']['name'] == 'learned';"
        "assert r.features.content is not None and r.features.content.objects"
    )
    loaded = _modules_after(code)
    assert "torch" not in loaded and "tensorflow" not in loaded
