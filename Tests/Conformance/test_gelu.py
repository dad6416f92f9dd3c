"""`model.hidden_activation: gelu` (Model Garden's tanh approximation of GELU) in a BERT export.

A tiny BERT pre-trainer is trained with `--set model.hidden_activation=gelu`; TensorFlow runs its
export and must equal `garden predict`, and every GELU in the exported graph, cut out and run on
a grid of pre-activations, must equal `tf_keras.activations.gelu(x, approximate=True)` (what
`official.modeling.tf_utils.get_activation("gelu")` returns) and use the ops TF traces for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import h5py
import numpy as np
import pytest

from conftest import REPO_ROOT, assert_close_to_scale, garden, set_args
from test_bert import INPUT_KEYS, random_inputs

RECIPE = REPO_ROOT / "Recipes" / "bert_tiny.yaml"
LAYERS = 2
OVERRIDES = [
    "seed=5", "train.steps=4", "train.checkpoint_every=4", "train.log_every=2", "train.eval_every=4",
    "data.num_examples=64", "data.batch_size=16", "data.seq_length=32", "data.vocab_size=256",
    "model.hidden_size=32", f"model.num_layers={LAYERS}", "model.intermediate_size=64",
    "model.hidden_activation=gelu",
]
# After `Pow`, each GELU is this chain of single consumers (TF's tanh-approximate order).
CHAIN_AFTER_POW = ["Mul", "AddV2", "Mul", "Tanh", "AddV2", "Mul"]


@pytest.fixture(scope="module")
def gelu_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run-bert-gelu")
    garden("run", RECIPE, "--model-dir", root / "model", *set_args(OVERRIDES))
    return root / "model"


def tf_gelu_graph(tf):
    """The ops and constants TF itself traces for Model Garden's `gelu`."""
    import tf_keras

    f = tf.function(lambda x: tf_keras.activations.gelu(x, approximate=True))
    graph = f.get_concrete_function(tf.TensorSpec([None], tf.float32)).graph.as_graph_def()
    ops = Counter(n.op for n in graph.node if n.op not in ("Placeholder", "Identity"))
    consts = sorted(float(tf.make_ndarray(n.attr["value"].tensor)) for n in graph.node if n.op == "Const")
    return ops, consts


def exported_gelus(tf, export_dir):
    """Each GELU of the export's functions: (function, pre-activation ref, output node, nodes)."""
    from tensorflow.core.protobuf import saved_model_pb2

    model = saved_model_pb2.SavedModel()
    model.ParseFromString((export_dir / "saved_model.pb").read_bytes())
    found = []
    for fn in model.meta_graphs[0].graph_def.library.function:
        nodes = {n.name: n for n in fn.node_def}
        consumers = defaultdict(list)
        for n in fn.node_def:
            for ref in n.input:
                consumers[ref.lstrip("^").split(":")[0]].append(n.name)
        for pow_node in (n for n in fn.node_def if n.op == "Pow"):
            pre_activation = pow_node.input[0]
            chain = [pow_node.name]
            for op in CHAIN_AFTER_POW:
                following = consumers[chain[-1]]
                assert len(following) == 1 and nodes[following[0]].op == op, (fn.signature.name, chain)
                chain.append(following[0])
            members, stack = {}, [chain[-1]]
            while stack:
                name = stack.pop()
                if name not in members:
                    members[name] = nodes[name]
                    stack += [ref.split(":")[0] for ref in nodes[name].input if ref != pre_activation]
            found.append((fn.signature.name, pre_activation, chain[-1], list(members.values())))
    return model, found


def cut_out(tf, pre_activation, members, width=None):
    """One exported GELU as a GraphDef whose input is the Placeholder `pre_activation`."""
    graph_def = tf.compat.v1.GraphDef()
    placeholder = graph_def.node.add(name="pre_activation", op="Placeholder")
    placeholder.attr["dtype"].type = tf.float32.as_datatype_enum
    if width is not None:
        placeholder.attr["shape"].shape.dim.add().size = -1
        placeholder.attr["shape"].shape.dim.add().size = width
    for node in members:
        copy = graph_def.node.add()
        copy.CopyFrom(node)
        del copy.input[:]
        copy.input.extend("pre_activation" if ref == pre_activation else ref.split(":")[0] for ref in node.input)
    return graph_def


def run_cut_out(tf, pre_activation, output, members, x):
    """Runs one exported GELU on `x` in a TF1 session."""
    graph = tf.Graph()
    with graph.as_default():
        tf.graph_util.import_graph_def(cut_out(tf, pre_activation, members), name="")
    # Grappler off: it would rewrite Pow(x, 3) into multiplications, and 1 + tanh near -1
    # magnifies that rounding; this runs the exported ops themselves, as eager TF runs Keras'.
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    with tf.compat.v1.Session(graph=graph, config=config) as session:
        return session.run(output + ":0", {"pre_activation:0": x})


def test_every_exported_gelu_is_model_gardens_tanh_gelu(gelu_run, tf):
    import tf_keras

    model, gelus = exported_gelus(tf, gelu_run / "export")
    all_ops = {n.op for fn in model.meta_graphs[0].graph_def.library.function for n in fn.node_def}
    assert "Erf" not in all_ops, "gelu must not lower the exact (erf) form"
    functions = {name for name, *_ in gelus}
    # Every traced encoder function has one GELU per layer (plus the masked-LM head's).
    assert gelus and all(sum(1 for g in gelus if g[0] == f) >= LAYERS for f in functions)

    ops, consts = tf_gelu_graph(tf)
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-8, 8, 4001), rng.normal(0, 2, 2000)]).astype(np.float32)
    reference = tf_keras.activations.gelu(tf.constant(x), approximate=True).numpy()
    for function, pre_activation, output, members in gelus:
        assert Counter(n.op for n in members) == ops, function
        ours = sorted(float(tf.make_ndarray(n.attr["value"].tensor)) for n in members if n.op == "Const")
        assert ours == consts, function
        y = run_cut_out(tf, pre_activation, output, members, x)
        # The same ops on the same constants: the same float32 values, bit for bit.
        np.testing.assert_array_equal(y, reference, err_msg=function)


def test_export_equals_garden_predict(gelu_run, tf, tmp_path):
    assert "hidden_activation: gelu\n" in (gelu_run / "recipe.yaml").read_text()
    loaded = tf.saved_model.load(str(gelu_run / "export"))
    for seq in (16, 128):
        inputs = random_inputs(3, seq, seed=seq + 1)
        in_path, out_path = tmp_path / f"in-{seq}.h5", tmp_path / f"out-{seq}.h5"
        with h5py.File(in_path, "w") as f:
            for k in INPUT_KEYS:
                f.create_dataset(k, data=inputs[k])
        garden("predict", gelu_run / "recipe.yaml", "--checkpoint", gelu_run / "checkpoints",
               "--input", in_path, "--output", out_path, "--part", "encoder")
        with h5py.File(out_path, "r") as f:
            expected = {k: f[k][()] for k in f.keys()}
        out = loaded.signatures["serving_default"](**{k: tf.constant(v) for k, v in inputs.items()})
        for key in ("pooled_output", "sequence_output"):
            assert_close_to_scale(out[key].numpy(), expected[key], f"{key}, seq {seq}")


def test_exported_gelu_converts_to_one_tflite_gelu_op(gelu_run, tf):
    _, gelus = exported_gelus(tf, gelu_run / "export")
    _, pre_activation, output, members = gelus[0]
    graph_def = cut_out(tf, pre_activation, members, width=8)
    wrapped = tf.compat.v1.wrap_function(lambda: tf.graph_util.import_graph_def(graph_def, name=""), [])
    function = wrapped.prune("pre_activation:0", output + ":0")
    flatbuffer = tf.lite.TFLiteConverter.from_concrete_functions([function]).convert()
    interpreter = tf.lite.Interpreter(model_content=flatbuffer)
    # TFLite recognises TF's own tanh-GELU pattern and fuses it, as for tf.nn.gelu.
    assert {op["op_name"] for op in interpreter._get_ops_details()} == {"GELU"}
