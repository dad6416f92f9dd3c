"""The ResNet family: the classifier trained by `garden run Recipes/resnet_tiny.yaml`, exported
as an image feature vector extracted up to a named layer, judged by TensorFlow and TF Hub."""

from __future__ import annotations

import re

import h5py
import numpy as np
import pytest

import h5io
from conftest import (REL_TOL, RECIPES, RESNET_L2, assert_close_to_scale, assert_fit_lowers_loss_and_moves,
                      assert_l2_losses, garden)

LAYERS = ["stem", "stage1", "stage2", "stage3", "reduce_mean", "fc"]
FEATURES = 64  # stage3 width of resnet_tiny
BN_MOMENTUM = 0.99  # Keras' BatchNormalization default, used by GardenNN.BatchNorm


def images(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(np.float32)


def fresh(tf, run, export_dir=None):
    """A new load: tests that run training=True mutate the moving statistics of their copy."""
    return tf.saved_model.load(str(export_dir or run.export_dir))


def moving(loaded) -> dict[str, np.ndarray]:
    return {v.name: v.numpy().copy() for v in loaded.variables if not v.trainable}


def predict(run, inputs: np.ndarray, *extra: str) -> np.ndarray:
    run.work.mkdir(parents=True, exist_ok=True)
    n = len(list(run.work.glob("in-*.h5")))
    in_path, out_path = run.work / f"in-{n}.h5", run.work / f"out-{n}.h5"
    h5io.write_inputs(in_path, inputs)
    garden("predict", run.resolved_recipe, "--checkpoint", run.checkpoint, "--input", in_path,
           "--output", out_path, *extra)
    return h5io.read_outputs(out_path)


@pytest.mark.parametrize("shape", [(5, 32, 32, 3), (3, 40, 24, 3)], ids=["32x32", "40x24"])
def test_outputs_equal_garden_predict(resnet_run, tf, shape):
    x = images(shape, seed=shape[1])
    loaded = fresh(tf, resnet_run)
    ours = predict(resnet_run, x)
    assert ours.shape == (shape[0], FEATURES)
    assert_close_to_scale(loaded(x).numpy(), ours, f"__call__ {shape}")
    assert_close_to_scale(loaded(x, training=False).numpy(), ours, f"training=False {shape}")
    served = loaded.signatures["serving_default"](inputs=tf.constant(x))
    assert list(served) == ["output_0"]
    assert_close_to_scale(served["output_0"].numpy(), ours, f"serving_default {shape}")


def test_signature_has_open_batch_height_and_width(resnet_run, tf):
    loaded = fresh(tf, resnet_run)
    spec = loaded.signatures["serving_default"].structured_input_signature[1]["inputs"]
    assert spec.dtype == tf.float32 and spec.shape.as_list() == [None, None, None, 3]
    out = loaded.signatures["serving_default"].structured_outputs["output_0"]
    assert out.shape.as_list() == [None, FEATURES]


def test_training_true_uses_batch_statistics_and_moves_them(resnet_run, tf):
    x = images((6, 16, 16, 3), seed=3)
    loaded = fresh(tf, resnet_run)
    start = moving(loaded)
    assert start and all(("moving_mean" in n) or ("moving_variance" in n) for n in start)

    inference = loaded(x, training=False).numpy()
    assert all(np.array_equal(v, moving(loaded)[n]) for n, v in start.items()), \
        "training=False changed a moving statistic"

    # The Swift training-mode forward pass (batch statistics) agrees with TF's.
    ours = predict(resnet_run, x, "--training")
    trained = loaded(x, training=True).numpy()
    assert_close_to_scale(trained, ours, "training=True vs garden predict --training")
    assert np.max(np.abs(trained - inference)) > 1e-3, "training=True gave the inference output"

    after = moving(loaded)
    changed = [n for n in start if not np.array_equal(start[n], after[n])]
    assert sorted(changed) == sorted(start), f"unchanged: {sorted(set(start) - set(changed))}"

    # The stem's statistics moved exactly as Keras' BatchNormalization moves them.
    kernel = next(v for v in loaded.variables if v.name.startswith("stem/conv/kernel")).numpy()
    conv = tf.nn.conv2d(x, kernel, strides=1, padding="SAME").numpy().astype(np.float64)
    n = conv.shape[0] * conv.shape[1] * conv.shape[2]
    mean, var = conv.mean(axis=(0, 1, 2)), conv.var(axis=(0, 1, 2)) * n / (n - 1)
    for name, batch in (("stem/bn/moving_mean:0", mean), ("stem/bn/moving_variance:0", var)):
        expected = start[name] - (start[name] - batch) * (1 - BN_MOMENTUM)
        np.testing.assert_allclose(after[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)


def test_variables_are_the_layers_below_the_cut(resnet_run, tf):
    loaded = fresh(tf, resnet_run)
    names = [v.name.removesuffix(":0") for v in loaded.variables]
    trainable = {v.name.removesuffix(":0") for v in loaded.trainable_variables}
    below = {k for k in resnet_run.variables if not k.startswith("fc/")}
    assert not any(n.startswith("fc/") for n in names), "the extracted export has fc variables"
    assert set(names) == below
    assert trainable == {n for n in below if "moving_" not in n}
    for v in loaded.variables:
        np.testing.assert_array_equal(v.numpy(), resnet_run.variables[v.name.removesuffix(":0")])


def test_regularization_losses_cover_exactly_the_kernels_below_the_cut(resnet_run, hub):
    layer = hub.KerasLayer(str(resnet_run.export_dir), trainable=True)
    layer.build([None, 16, 16, 3])
    kernels = {k: v for k, v in resnet_run.variables.items()
               if k.endswith("/kernel") and not k.startswith("fc/")}
    assert len(kernels) == 9  # stem 1, stage1 2, stage2 3, stage3 3
    assert_l2_losses(layer.losses, list(kernels.values()), RESNET_L2)


def test_hub_keras_layer_fine_tunes_with_a_new_head(resnet_run, hub, tf):
    import tf_keras

    tf_keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    # Two classes a feature extractor separates: bright vs dark images.
    y = rng.integers(0, 2, size=64)
    x = (rng.uniform(0, 0.5, size=(64, 16, 16, 3)) + 0.5 * y[:, None, None, None]).astype(np.float32)
    layer = hub.KerasLayer(str(resnet_run.export_dir), trainable=True)
    model = tf_keras.Sequential([
        tf_keras.layers.InputLayer(input_shape=(16, 16, 3)), layer, tf_keras.layers.Dense(2),
    ])
    model.compile(optimizer=tf_keras.optimizers.Adam(0.01),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert len(layer.non_trainable_weights) == 18  # 9 batch norms x (moving mean, variance)
    assert_fit_lowers_loss_and_moves(model, x, y, layer.weights)


def test_extract_to_stage2_on_the_command_line(resnet_run, tf, tmp_path):
    out = tmp_path / "stage2"
    resnet_run.export(out, "--extract-to", "stage2")
    loaded = tf.saved_model.load(str(out))
    names = {v.name.split("/")[0] for v in loaded.variables}
    assert names == {"stem", "stage1", "stage2"}
    assert len(loaded.regularization_losses) == 1 + 2 + 3
    x = images((2, 20, 12, 3), seed=20)
    ours = predict(resnet_run, x, "--extract-to", "stage2")
    assert ours.shape == (2, 10, 6, 32)
    assert_close_to_scale(loaded(x).numpy(), ours, "stage2 features")


def test_unknown_extract_to_lists_the_valid_layer_names(resnet_run, tmp_path):
    out = tmp_path / "nope"
    proc = resnet_run.export(out, "--extract-to", "stage9", check=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "stage9" in lines[0] and ", ".join(LAYERS) in lines[0], lines[0]
    assert not out.exists()


def test_every_extract_in_recipes_is_exported(resnet_run, tf, tmp_path):
    """Every `extract_to:` in Recipes/ names a layer its recipe's model has (the TF rot:
    `reduce_mean` asked for by tfhub_export.py but no longer defined by the model)."""
    recipes_dir = RECIPES["resnet"].parent
    found = []
    for recipe in sorted(recipes_dir.glob("*.yaml")):
        for layer in re.findall(r"^\s*extract_to:\s*(\S+)", recipe.read_text(), re.M):
            found.append((recipe, layer))
    assert found, "no extract_to in Recipes/"
    for recipe, layer in found:
        assert recipe in RECIPES.values(), f"{recipe.name} is not trained by the suite"
        out = tmp_path / f"{recipe.stem}-{layer}"
        garden("export", recipe, "--checkpoint", resnet_run.checkpoint, "--out", out,
               *resnet_run.set_args)
        loaded = tf.saved_model.load(str(out))
        assert LAYERS.index(layer) >= 0
        y = loaded(images((2, 16, 16, 3), seed=1))
        assert y.shape[0] == 2
        assert not any(v.name.split("/")[0] in LAYERS[LAYERS.index(layer) + 1:]
                       for v in loaded.variables), f"{recipe.name}: layers after {layer} exported"


def test_trains_on_hdf5_images(resnet_run, tmp_path):
    rng = np.random.default_rng(5)
    data = tmp_path / "imgs.h5"
    with h5py.File(data, "w") as f:
        f.create_dataset("train/images", data=rng.integers(0, 256, size=(40, 12, 12, 3), dtype=np.uint8))
        f.create_dataset("train/labels", data=rng.integers(0, 10, size=40).astype(np.int32))
        f.create_dataset("bad/labels", data=rng.uniform(size=40).astype(np.float32))
    model_dir = tmp_path / "model"
    hdf5 = ["--set", "data.source=hdf5", "--set", f"data.path={data}",
            "--set", "data.inputs=train/images", "--set", "train.steps=2",
            "--set", "data.batch_size=8"]
    garden("train", resnet_run.recipe, "--model-dir", model_dir, *resnet_run.set_args, *hdf5,
           "--set", "data.labels=train/labels")
    assert (model_dir / "checkpoints" / "ckpt-000002.h5").exists()

    proc = garden("train", resnet_run.recipe, "--model-dir", tmp_path / "bad", *resnet_run.set_args,
                  *hdf5, "--set", "data.labels=bad/labels", check=False)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert str(data) in lines[0] and "bad/labels" in lines[0], lines[0]
