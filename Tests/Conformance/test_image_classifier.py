"""`model.type: image_classifier`: resnet_tiny pre-trains, Recipes/image_classifier.yaml
fine-tunes its backbone (stem and stage1 frozen) on a related stripes task with few labels,
and TensorFlow judges the export: logits equal `garden predict`, both training modes and the
regularization losses are there, everything is trainable for the consumer, fine-tuning in
tf_keras works, and `--extract-to` still exports the fine-tuned backbone alone. The same
recipe from scratch (no `train.init_checkpoint`) must end well below the fine-tuned run on
held-out accuracy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import h5io
from conftest import (RECIPES, REPO_ROOT, assert_close_to_scale, assert_fit_lowers_loss_and_moves,
                      assert_l2_losses, garden, set_args)
from h5io import read_checkpoint

RECIPE = REPO_ROOT / "Recipes" / "image_classifier.yaml"
CLASSES = 6  # the fine-tuning task's (3 orientations x 2 frequencies)
L2 = 1e-4
DROPOUT = 0.2
FROZEN = ("stem/", "stage1/")


def images(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(np.float32)


def final_eval_accuracy(model_dir: Path) -> float:
    lines = [json.loads(l) for l in (model_dir / "metrics.jsonl").read_text().splitlines()]
    evals = [l for l in lines if "eval/accuracy" in l]
    assert evals, f"{model_dir}/metrics.jsonl has no eval/accuracy line"
    return float(evals[-1]["eval/accuracy"])


class Runs:
    """resnet_tiny pre-trained, then image_classifier fine-tuned from it and from scratch."""

    def __init__(self, root: Path):
        self.pretrained = root / "resnet_tiny"
        self.tuned = root / "tuned"
        self.scratch = root / "scratch"
        self.work = root / "work"
        self.work.mkdir()
        garden("run", RECIPES["resnet"], "--model-dir", self.pretrained)
        garden("run", RECIPE, "--model-dir", self.tuned,
               *set_args([f"train.init_checkpoint={self.pretrained}"]))
        garden("run", RECIPE, "--model-dir", self.scratch, *set_args(["train.init_checkpoint=null"]))
        self.checkpoint = self.tuned / "checkpoints"
        self.variables, _ = read_checkpoint(sorted(self.checkpoint.glob("ckpt-*.h5"))[-1])

    def predict(self, x: np.ndarray, *extra: str, recipe: Path | None = None) -> np.ndarray:
        n = len(list(self.work.glob("in-*.h5")))
        in_path, out_path = self.work / f"in-{n}.h5", self.work / f"out-{n}.h5"
        h5io.write_inputs(in_path, x)
        garden("predict", recipe or self.tuned / "recipe.yaml", "--checkpoint", self.checkpoint,
               "--input", in_path, "--output", out_path, *extra)
        return h5io.read_outputs(out_path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    return Runs(tmp_path_factory.mktemp("image_classifier"))


def test_fine_tuning_the_pretrained_backbone_beats_training_from_scratch(runs):
    tuned, scratch = final_eval_accuracy(runs.tuned), final_eval_accuracy(runs.scratch)
    print(f"\nheld-out accuracy (768 images, {CLASSES} classes): "
          f"fine-tuned from resnet_tiny {tuned:.3f}, from scratch {scratch:.3f}")
    assert tuned >= scratch + 0.15, f"fine-tuned {tuned:.3f} vs scratch {scratch:.3f}"
    assert tuned >= 0.8, f"fine-tuned held-out accuracy {tuned:.3f}"


def test_frozen_layers_keep_the_pretrained_values(runs):
    source, _ = read_checkpoint(sorted((runs.pretrained / "checkpoints").glob("ckpt-*.h5"))[-1])
    frozen = {k for k in runs.variables if k.startswith(FROZEN)}
    assert len(frozen) == 5 + 10  # stem conv + bn; stage1's two convs and two bns
    for name in frozen:  # weights and batch-norm statistics alike
        np.testing.assert_array_equal(runs.variables[name], source[name], err_msg=name)
    moved = [k for k in runs.variables if k.startswith("stage3/") and k in source
             and not np.array_equal(runs.variables[k], source[k])]
    assert len(moved) == len([k for k in source if k.startswith("stage3/")])


def test_export_logits_equal_garden_predict_both_ways(runs, tf):
    loaded = tf.saved_model.load(str(runs.tuned / "export"))
    for shape in [(5, 32, 32, 3), (3, 40, 24, 3)]:
        x = images(shape, seed=shape[1])
        ours = runs.predict(x)
        assert ours.shape == (shape[0], CLASSES)
        assert_close_to_scale(loaded(x, training=False).numpy(), ours, f"training=False {shape}")
        served = loaded.signatures["serving_default"](inputs=tf.constant(x))
        assert_close_to_scale(served["output_0"].numpy(), ours, f"serving_default {shape}")
    # training=True: batch statistics in every batch norm (nothing is frozen in the export) and
    # dropout, here at rate 0 on both sides (the random masks differ) to compare them.
    fresh = tf.saved_model.load(str(runs.tuned / "export"))
    rate = next(v for v in fresh.variables if v.name == "dropout_rate:0")
    assert float(rate.numpy()) == pytest.approx(DROPOUT)
    rate.assign(0.0)
    no_dropout = runs.work / "no-dropout.yaml"
    text = (runs.tuned / "recipe.yaml").read_text()
    assert f"  dropout_rate: {DROPOUT}\n" in text
    no_dropout.write_text(text.replace(f"  dropout_rate: {DROPOUT}\n", "  dropout_rate: 0.0\n", 1))
    x = images((6, 16, 16, 3), seed=3)
    trained = fresh(x, training=True).numpy()
    assert_close_to_scale(trained, runs.predict(x, "--training", recipe=no_dropout),
                          "training=True vs garden predict --training")
    assert np.max(np.abs(trained - loaded(x, training=False).numpy())) > 1e-3


def test_every_weight_is_trainable_for_the_consumer_and_losses_cover_the_kernels(runs, tf, hub):
    loaded = tf.saved_model.load(str(runs.tuned / "export"))
    names = {v.name.removesuffix(":0") for v in loaded.variables} - {"dropout_rate"}
    trainable = {v.name.removesuffix(":0") for v in loaded.trainable_variables}
    assert names == set(runs.variables)
    assert trainable == {n for n in names if "moving_" not in n}
    assert any(n.startswith("stem/") for n in trainable), "frozen layers must export trainable"
    layer = hub.KerasLayer(str(runs.tuned / "export"), trainable=True)
    layer.build([None, 32, 32, 3])
    kernels = [v for k, v in runs.variables.items() if k.endswith("/kernel")]
    assert len(kernels) == 10  # the backbone's 9 and the head's
    assert_l2_losses(layer.losses, kernels, L2)


def test_fine_tuning_in_tensorflow_lowers_the_loss(runs, hub, tf):
    import tf_keras

    tf_keras.utils.set_random_seed(9)
    rng = np.random.default_rng(9)
    x = images((64, 32, 32, 3), seed=9)
    y = rng.integers(0, CLASSES, size=64)
    layer = hub.KerasLayer(str(runs.tuned / "export"), trainable=True)
    model = tf_keras.Sequential([tf_keras.layers.InputLayer(input_shape=(32, 32, 3)), layer])
    model.compile(optimizer=tf_keras.optimizers.Adam(0.01),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert_fit_lowers_loss_and_moves(model, x, y, layer.trainable_weights)


def test_extract_to_exports_the_fine_tuned_backbone(runs, tf, tmp_path):
    out = tmp_path / "features"
    garden("export", RECIPE, "--checkpoint", runs.checkpoint, "--out", out,
           "--extract-to", "reduce_mean")
    loaded = tf.saved_model.load(str(out))
    names = {v.name.removesuffix(":0") for v in loaded.variables}
    assert names == {k for k in runs.variables if not k.startswith("head/")}
    for v in loaded.variables:
        np.testing.assert_array_equal(v.numpy(), runs.variables[v.name.removesuffix(":0")])
    x = images((2, 24, 24, 3), seed=24)
    ours = runs.predict(x, "--extract-to", "reduce_mean")
    assert ours.shape == (2, 64)
    assert_close_to_scale(loaded(x).numpy(), ours, "features")
