"""The programs people hand a SavedModel to, besides `tf.saved_model.load`, on every recipe's export.

Each client runs the `serving_default` signature and must agree with TensorFlow's own call of
`loaded.signatures["serving_default"]` within 1e-5 relative (conftest.REL_TOL):

- TensorFlow's C++ loader (`TF_LoadSessionFromSavedModel`, what TF Serving and the converters
  use) and a TF1 session run through the C API (tf_c_api.py);
- the TFLite converter and interpreter;
- `python -m tf2onnx.convert --saved-model EXPORT` without shape arguments, then onnxruntime;
- Keras 3's `keras.layers.TFSMLayer`;
- static shapes: known ranks inside the loaded functions, no unknown-rank messages at call time;
- `fingerprint.pb`: readable, and the hashes TensorFlow computes for the same directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_close_to_scale
from tf_c_api import SavedModelSession

# tf.lite.Interpreter is the documented TF 2.21 API (LiteRT is not in the venv); its
# deprecation notice is not a finding.
pytestmark = pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")

FAMILIES = ("mul", "mlp", "resnet", "bert", "image_classifier", "bert_classifier")
BERT_VOCAB = 256  # conftest's bert override data.vocab_size


@dataclass
class Case:
    name: str
    export: Path
    work: Path
    inputs: dict[str, np.ndarray]
    expected: dict[str, np.ndarray]  # TensorFlow's serving_default outputs


def sample_inputs(name: str) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(91)
    if name in ("bert", "bert_classifier"):
        ids = rng.integers(0, BERT_VOCAB, size=(2, 12)).astype(np.int32)
        mask = np.ones((2, 12), np.int32)
        mask[1, 9:] = 0
        types = np.zeros((2, 12), np.int32)
        types[:, 6:] = 1
        return {"input_word_ids": ids, "input_mask": mask, "input_type_ids": types}
    shape = {"mul": (2, 3), "mlp": (3, 4), "resnet": (2, 16, 16, 3), "image_classifier": (2, 16, 16, 3)}[name]
    return {"inputs": rng.standard_normal(shape).astype(np.float32)}


@pytest.fixture(scope="module", params=FAMILIES)
def case(request, train_once, tf) -> Case:
    run = train_once(request.param)
    inputs = sample_inputs(request.param)
    loaded = tf.saved_model.load(str(run.export_dir))
    outputs = loaded.signatures["serving_default"](**{k: tf.constant(v) for k, v in inputs.items()})
    run.work.mkdir(parents=True, exist_ok=True)
    return Case(request.param, run.export_dir, run.work, inputs, {k: v.numpy() for k, v in outputs.items()})


def assert_outputs(case: Case, actual: dict[str, np.ndarray], client: str) -> None:
    assert set(actual) == set(case.expected), f"{client}: outputs {sorted(actual)} != {sorted(case.expected)}"
    for key, want in case.expected.items():
        assert_close_to_scale(np.asarray(actual[key]), want, f"{case.name} {client} {key}")


def test_cpp_loader_runs_serving_default_in_a_session(case):
    session = SavedModelSession(case.export)
    try:
        assert_outputs(case, session.run_signature("serving_default", case.inputs), "C API session")
    finally:
        session.close()


def test_tflite_converts_and_the_interpreter_agrees(case, tf):
    model = tf.lite.TFLiteConverter.from_saved_model(str(case.export)).convert()
    runner = tf.lite.Interpreter(model_content=model).get_signature_runner("serving_default")
    assert_outputs(case, runner(**case.inputs), "TFLite")


def test_tf2onnx_converts_without_shapes_and_onnxruntime_agrees(case):
    import onnxruntime

    onnx_path = case.work / f"{case.name}.onnx"
    proc = subprocess.run(
        [sys.executable, "-m", "tf2onnx.convert", "--saved-model", str(case.export), "--output", str(onnx_path)],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"tf2onnx exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    assert "is unknown, treated it as a scalar" not in proc.stderr or case.name == "mul", proc.stderr[-4000:]
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    assert sorted(names) == sorted(case.inputs), f"ONNX inputs {names}"
    outputs = session.run(None, {name: case.inputs[name] for name in names})
    assert_outputs(case, {o.name: v for o, v in zip(session.get_outputs(), outputs)}, "onnxruntime")


def test_keras3_tfsm_layer(case):
    import keras

    assert keras.__version__.startswith("3."), keras.__version__
    if case.name in ("bert", "bert_classifier"):
        # A signature with several inputs is keyword-only (TF's own exports too), so the
        # one-argument Keras call goes to `__call__`, which takes the dict.
        layer = keras.layers.TFSMLayer(str(case.export), call_endpoint="__call__")
        outputs = layer(case.inputs)
        if not isinstance(outputs, dict):  # the classifier's logits, serving_default's output_0
            outputs = {"output_0": outputs}
        outputs = {k: v for k, v in outputs.items() if k in case.expected}
        if case.name == "bert":
            flat = layer.call_endpoint_fn(case.inputs)["encoder_outputs"]
            outputs.update({f"encoder_outputs_{i}": t for i, t in enumerate(flat)})
    else:
        layer = keras.layers.TFSMLayer(str(case.export), call_endpoint="serving_default")
        outputs = layer(case.inputs["inputs"])
    assert_outputs(case, {k: np.asarray(v) for k, v in outputs.items()}, "TFSMLayer")
    assert len(layer.weights) > 0


def test_loaded_functions_have_static_ranks(case, tf):
    loaded = tf.saved_model.load(str(case.export))
    signature = loaded.signatures["serving_default"]
    for placeholder in signature.inputs:
        if placeholder.dtype != tf.resource and case.name != "mul":  # mul's contract: any shape
            assert placeholder.shape.rank is not None, f"{case.name}: {placeholder.name} has unknown rank"
    for key, spec in signature.structured_outputs.items():
        if case.name != "mul":
            assert spec.shape.rank is not None, f"{case.name}: output {key} has unknown rank"
    # FusedBatchNormV3's `reserve_space_3` (output 5) has no shape by TF's own shape function.
    unknown = [f"{op.name}:{i}" for fn in signature.graph._functions.values()
               for op in fn.graph.get_operations() for i, t in enumerate(op.outputs)
               if t.dtype != tf.resource and t.shape.rank is None
               and not (op.type == "FusedBatchNormV3" and i == 5)]
    assert signature.graph._functions, "the signature's graph holds no called function"
    if case.name != "mul":
        assert not unknown, f"{case.name}: tensors of unknown rank inside the loaded functions: {unknown[:10]}"


@pytest.fixture(scope="module")
def call_time_logs(train_once, tmp_path_factory) -> dict[str, str]:
    """What TensorFlow logs, every level on, while one fresh process runs each family's
    `serving_default` twice: family -> its stderr lines."""
    work = tmp_path_factory.mktemp("call-logs")
    exports = {}
    for name in FAMILIES:
        np.savez(work / f"{name}.npz", **sample_inputs(name))
        exports[name] = str(train_once(name).export_dir)
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        for name, export in {exports!r}.items():
            print("=== " + name, file=sys.stderr, flush=True)
            inputs = {{k: tf.constant(v) for k, v in np.load({str(work)!r} + "/" + name + ".npz").items()}}
            f = tf.saved_model.load(export).signatures["serving_default"]
            f(**inputs); f(**inputs)
            print("=== end", file=sys.stderr, flush=True)
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="0")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                          env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-4000:]
    logs: dict[str, str] = {}
    for section in proc.stderr.split("=== ")[1:]:
        name, _, text = section.partition("\n")
        if name != "end":
            logs[name] = text
    assert set(logs) == set(FAMILIES), proc.stderr[-4000:]
    return logs


def test_no_unknown_rank_messages_at_call_time(case, call_time_logs):
    """TensorFlow logs Grappler's `PredictCost() ... unknown_rank` when a function's shapes are
    unknown (BERT's export did before `_input_shapes` and the argument shapes)."""
    for marker in ("unknown_rank", "PredictCost", "unknown rank"):
        lines = [line for line in call_time_logs[case.name].splitlines() if marker in line]
        assert not lines, f"{case.name}: {marker!r} logged:\n" + "\n".join(lines[:5])


def test_fingerprint_is_readable_and_has_tensorflows_hashes(case, tf):
    from tensorflow.core.protobuf import fingerprint_pb2
    from tensorflow.python.saved_model.pywrap_saved_model import fingerprinting as pywrap

    read = tf.saved_model.experimental.read_fingerprint(str(case.export))
    ours = fingerprint_pb2.FingerprintDef.FromString((case.export / "fingerprint.pb").read_bytes())
    theirs = fingerprint_pb2.FingerprintDef.FromString(pywrap.CreateFingerprintDef(str(case.export)))
    for field in ("saved_model_checksum", "graph_def_program_hash", "signature_def_hash",
                  "saved_object_graph_hash", "checkpoint_hash"):
        assert getattr(ours, field) == getattr(theirs, field), f"{case.name}: {field}"
        assert getattr(read, field) == getattr(ours, field)
        assert getattr(ours, field) != 0, f"{case.name}: {field} is 0"
    assert ours.version.producer == theirs.version.producer
    assert read.singleprint() == "/".join(str(getattr(ours, f)) for f in (
        "graph_def_program_hash", "signature_def_hash", "saved_object_graph_hash", "checkpoint_hash"))


def test_meta_info_names_the_tensorflow_format_version(case):
    from tensorflow.core.protobuf import saved_model_pb2

    model = saved_model_pb2.SavedModel.FromString((case.export / "saved_model.pb").read_bytes())
    info = model.meta_graphs[0].meta_info_def
    assert info.tensorflow_version == "2.21.0"
    assert info.tensorflow_git_version.startswith("swiftgarden")


def test_tfsm_layer_cannot_pass_one_dict_to_a_multi_input_signature_like_tensorflows_own(bert_run, tf, tmp_path):
    """What TensorFlow's own export of a dict-input model does: its `serving_default` is
    keyword-only too, so `TFSMLayer(..., call_endpoint="serving_default")(dict)` fails for both."""
    import keras

    class DictModel(tf.Module):
        def __init__(self):
            super().__init__()
            self.emb = tf.Variable(tf.ones([BERT_VOCAB, 4]))

        @tf.function(input_signature=[{k: tf.TensorSpec([None, None], tf.int32, name=k)
                                       for k in ("input_word_ids", "input_mask", "input_type_ids")}])
        def __call__(self, inputs):
            seq = tf.gather(self.emb, inputs["input_word_ids"]) * tf.cast(inputs["input_mask"], tf.float32)[..., None]
            return {"pooled_output": seq[:, 0, :], "sequence_output": seq}

    module = DictModel()
    tf.saved_model.save(module, str(tmp_path / "tf_dict"), signatures={"serving_default": module.__call__})
    inputs = sample_inputs("bert")
    for export in (tmp_path / "tf_dict", bert_run.export_dir):
        layer = keras.layers.TFSMLayer(str(export), call_endpoint="serving_default")
        with pytest.raises(TypeError, match="positional"):
            layer(inputs)
        assert layer.call_endpoint_fn(**{k: tf.constant(v) for k, v in inputs.items()})  # keywords work
