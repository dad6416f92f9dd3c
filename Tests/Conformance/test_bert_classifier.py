"""`model.type: bert_classifier`: pre-train → fine-tune → export, judged by TensorFlow.

A pre-training of Recipes/bert_tiny.yaml (a smaller encoder by `--set`) initialises
Recipes/bert_classifier.yaml through `train.init_checkpoint`; the same classifier recipe also
runs from scratch (same vocabulary, same steps). The labelled rows train on one half of every
topic's content words and are judged on the other half (`data.eval_path`), so only what the
pre-training learnt (which words go together) carries over: the fine-tuned run must beat the
scratch run clearly on held-out accuracy; its export must give `garden predict`'s logits in
TensorFlow, trace `training` both ways, carry the regularization losses, the vocabulary and the
label list, and fine-tune further through `hub.KerasLayer(trainable=True)`; `--part encoder`
exports the fine-tuned core alone in the encoder layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import REPO_ROOT, assert_close_to_scale, garden, set_args
from h5io import read_checkpoint

PRETRAIN_RECIPE = REPO_ROOT / "Recipes" / "bert_tiny.yaml"
RECIPE = REPO_ROOT / "Recipes" / "bert_classifier.yaml"
TOPICS_TRAIN = REPO_ROOT / "Recipes" / "data" / "topics_train.csv"
TOPICS_EVAL = REPO_ROOT / "Recipes" / "data" / "topics_eval.csv"
HIDDEN, LAYERS, INTERMEDIATE, L2, CLASSES = 64, 2, 256, 1e-4, 8
ENCODER = [f"model.hidden_size={HIDDEN}", f"model.num_layers={LAYERS}",
           f"model.intermediate_size={INTERMEDIATE}", f"model.kernel_regularizer.l2={L2}"]
# Long enough for the masked LM to learn which words share a topic: measured, the fine-tune
# read 0.34 held out after 1000 pre-training steps, 0.975 after 1500 (scratch 0.115).
PRETRAIN = ENCODER + [
    "train.steps=1500", "train.checkpoint_every=1500", "train.eval_every=1500",
    "train.log_every=100", "train.optimizer.learning_rate.initial_learning_rate=3e-3",
    "train.optimizer.learning_rate.warmup_steps=50", "data.num_examples=4096",
    "data.seq_length=32", "data.batch_size=32",
]
FINETUNE = ENCODER + [f"data.path={TOPICS_TRAIN}", f"data.eval_path={TOPICS_EVAL}",
                      "train.steps=80", "train.checkpoint_every=80", "train.eval_every=80",
                      "train.optimizer.learning_rate.warmup_steps=8"]
INPUT_KEYS = ("input_word_ids", "input_mask", "input_type_ids")


@dataclass
class Runs:
    pretrained: Path
    tuned: Path
    scratch: Path
    work: Path


def final_eval(model_dir: Path) -> dict[str, float]:
    lines = [json.loads(line) for line in (model_dir / "metrics.jsonl").read_text().splitlines()]
    evals = [line for line in lines if "eval/accuracy" in line]
    assert evals, f"{model_dir}: no eval line in metrics.jsonl"
    return evals[-1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    root = tmp_path_factory.mktemp("bert-classifier")
    pretrained, tuned, scratch = root / "pretrained", root / "tuned", root / "scratch"
    garden("run", PRETRAIN_RECIPE, "--model-dir", pretrained, *set_args(PRETRAIN))
    garden("run", RECIPE, "--model-dir", tuned,
           *set_args(FINETUNE + [f"train.init_checkpoint={pretrained}"]))
    garden("train", RECIPE, "--model-dir", scratch,
           *set_args(FINETUNE + ["train.init_checkpoint=null",
                                 f"data.vocab={pretrained / 'export' / 'assets' / 'vocab.txt'}"]))
    return Runs(pretrained, tuned, scratch, root / "work")


@pytest.fixture(scope="module")
def loaded(runs, tf):
    return tf.saved_model.load(str(runs.tuned / "export"))


def test_finetuning_the_pretrained_core_beats_training_from_scratch(runs):
    tuned, scratch = final_eval(runs.tuned), final_eval(runs.scratch)
    print(f"\nheld-out accuracy: fine-tuned from the pre-trained core {tuned['eval/accuracy']:.4f}, "
          f"from scratch {scratch['eval/accuracy']:.4f} (chance {1 / CLASSES:.3f})")
    assert tuned["eval/accuracy"] > scratch["eval/accuracy"] + 0.4
    for i in range(CLASSES):
        assert 0.0 <= tuned[f"eval/f1_{i}"] <= 1.0


def test_run_saves_labels_and_vocabulary(runs):
    labels = (runs.tuned / "labels.txt").read_text().splitlines()
    assert labels == sorted(labels) and len(labels) == CLASSES
    vocab = (runs.pretrained / "export" / "assets" / "vocab.txt").read_bytes()
    assert (runs.tuned / "vocab.txt").read_bytes() == vocab
    assert (runs.tuned / "export" / "assets" / "vocab.txt").read_bytes() == vocab
    assert (runs.tuned / "export" / "assets" / "labels.txt").read_text().splitlines() == labels


def sample_inputs(runs, batch: int, seq: int, seed: int) -> dict[str, np.ndarray]:
    vocab = len((runs.tuned / "vocab.txt").read_text().splitlines())
    rng = np.random.default_rng(seed)
    ids = rng.integers(5, vocab, size=(batch, seq)).astype(np.int32)
    lengths = rng.integers(seq // 2, seq + 1, size=batch)
    mask = (np.arange(seq)[None, :] < lengths[:, None]).astype(np.int32)
    types = ((np.arange(seq)[None, :] >= (lengths // 2)[:, None]) & (mask == 1)).astype(np.int32)
    ids[:, 0] = 2
    return {"input_word_ids": ids * mask, "input_mask": mask, "input_type_ids": types}


def predict(runs, inputs, *extra: str) -> dict[str, np.ndarray]:
    runs.work.mkdir(parents=True, exist_ok=True)
    n = len(list(runs.work.glob("in-*.h5")))
    in_path, out_path = runs.work / f"in-{n}.h5", runs.work / f"out-{n}.h5"
    with h5py.File(in_path, "w") as f:
        for k, v in inputs.items():
            f.create_dataset(k, data=v)
    garden("predict", runs.tuned / "recipe.yaml", "--checkpoint", runs.tuned / "checkpoints",
           "--input", in_path, "--output", out_path, *extra)
    with h5py.File(out_path, "r") as f:
        return {k: f[k][()] for k in f.keys()}


@pytest.mark.parametrize("seq", [16, 32, 128])
def test_logits_equal_garden_predict(runs, loaded, tf, seq):
    inputs = sample_inputs(runs, 4, seq, seed=seq)
    expected = predict(runs, inputs)["outputs"]
    assert expected.shape == (4, CLASSES)
    out = loaded({k: tf.constant(v) for k, v in inputs.items()}, training=False)
    assert_close_to_scale(out.numpy(), expected, f"logits, seq {seq}")
    served = loaded.signatures["serving_default"](**{k: tf.constant(v) for k, v in inputs.items()})
    assert list(served) == ["output_0"]
    assert_close_to_scale(served["output_0"].numpy(), expected, "serving_default logits")


def test_training_is_traced_both_ways_with_dropout_variables(runs, loaded, tf):
    inputs = {k: tf.constant(v) for k, v in sample_inputs(runs, 4, 32, seed=1).items()}
    inference = loaded(inputs, training=False).numpy()
    np.testing.assert_array_equal(loaded(inputs, training=False).numpy(), inference)
    assert not np.allclose(loaded(inputs, training=True).numpy(), inference)
    assert float(loaded.dropout_rate.numpy()) == pytest.approx(0.1)
    loaded.dropout_rate.assign(0.0)
    loaded.attention_dropout_rate.assign(0.0)
    assert_close_to_scale(loaded(inputs, training=True).numpy(), inference, "training=True at rate 0")


def test_regularization_losses_equal_the_checkpoints_kernels(runs, loaded):
    variables, _ = read_checkpoint(max((runs.tuned / "checkpoints").glob("ckpt-*.h5")))
    kernels = {k: v for k, v in variables.items() if k.endswith("/kernel")}
    assert "classifier/logits/kernel" in kernels
    expected = sum(L2 * float(np.sum(v.astype(np.float64) ** 2)) for v in kernels.values())
    losses = [float(f()) for f in loaded.regularization_losses]
    assert len(losses) == len(kernels)
    assert sum(losses) == pytest.approx(expected, rel=1e-5)


def test_finetunes_further_through_hub_keras_layer(runs, hub, tf):
    import tf_keras

    tf_keras.utils.set_random_seed(3)
    data = sample_inputs(runs, 64, 24, seed=5)
    labels = (data["input_word_ids"][:, 1] % CLASSES).astype(np.int64)
    ins = {k: tf_keras.layers.Input((None,), dtype=tf.int32, name=k) for k in INPUT_KEYS}
    layer = hub.KerasLayer(str(runs.tuned / "export"), trainable=True)
    model = tf_keras.Model(ins, layer(ins))
    model.compile(optimizer=tf_keras.optimizers.Adam(1e-3),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.evaluate(data, labels, verbose=0)
    model.fit(data, labels, epochs=4, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(data, labels, verbose=0)
    assert after < before
    assert len(layer.losses) > 0


def test_part_encoder_exports_the_finetuned_core(runs, tf, tmp_path):
    out = tmp_path / "core"
    garden("export", runs.tuned / "recipe.yaml", "--checkpoint", runs.tuned / "checkpoints",
           "--part", "encoder", "--out", out)
    core = tf.saved_model.load(str(out))
    inputs = sample_inputs(runs, 3, 20, seed=9)
    expected = predict(runs, inputs, "--part", "encoder")
    got = core({k: tf.constant(v) for k, v in inputs.items()}, training=False)
    assert set(got) == {"pooled_output", "sequence_output", "encoder_outputs", "default"}
    assert_close_to_scale(got["pooled_output"].numpy(), expected["pooled_output"], "pooled_output")
    assert (out / "assets" / "vocab.txt").read_bytes() == (runs.tuned / "vocab.txt").read_bytes()
    assert not hasattr(core, "mlm")
    # The core is the fine-tuned one: its pooler differs from the pre-trained run's.
    tuned, _ = read_checkpoint(max((runs.tuned / "checkpoints").glob("ckpt-*.h5")))
    pre, _ = read_checkpoint(max((runs.pretrained / "checkpoints").glob("ckpt-*.h5")))
    assert not np.array_equal(tuned["encoder/pooler_transform/kernel"],
                              pre["encoder/pooler_transform/kernel"])
    variables = {v.name.split(":")[0] for v in core.variables}
    assert not any("classifier" in name for name in variables)


def test_part_errors_name_the_part(runs, tmp_path):
    proc = garden("export", runs.tuned / "recipe.yaml", "--checkpoint", runs.tuned / "checkpoints",
                  "--part", "masked_lm", "--out", tmp_path / "x", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "garden: error: --part masked_lm: model.type bert_classifier has no part 'masked_lm'; "
        "valid parts: encoder, preprocess (omit --part for the whole classifier)")
    assert not (tmp_path / "x").exists()
