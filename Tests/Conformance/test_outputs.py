"""The exported graph computes what the Swift model computes (`garden predict`)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import assert_close_to_scale


@pytest.mark.parametrize("batch", [1, 7, 33])
def test_call_matches_garden_predict(run, loaded, tf, batch):
    x = run.sample_inputs(batch, seed=100 + batch)
    expected = run.predict(x)
    actual = loaded(tf.constant(x), training=False).numpy()
    assert_close_to_scale(actual, expected, f"{run.name} __call__(training=False), batch {batch}")


def test_call_default_is_inference(run, loaded, tf):
    x = run.sample_inputs(6, seed=5)
    assert_close_to_scale(loaded(tf.constant(x)).numpy(), run.predict(x), f"{run.name} __call__(x)")


@pytest.mark.parametrize("batch", [1, 9])
def test_serving_default_matches_garden_predict(run, loaded, tf, batch):
    x = run.sample_inputs(batch, seed=200 + batch)
    out = loaded.signatures["serving_default"](inputs=tf.constant(x))
    assert set(out) == {"output_0"}
    assert_close_to_scale(out["output_0"].numpy(), run.predict(x), f"{run.name} serving_default, batch {batch}")


def test_hub_keras_layer_matches_garden_predict(run, hub, tf):
    x = run.sample_inputs(8, seed=7)
    layer = hub.KerasLayer(str(run.export_dir), trainable=True)
    # Keras inference phase: the training=False trace, whatever the layer's trainability.
    assert_close_to_scale(layer(tf.constant(x), training=False).numpy(), run.predict(x),
                          f"{run.name} hub.KerasLayer(training=False)")


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_mul_accepts_any_shape(mul_run, tf, shape):
    loaded = tf.saved_model.load(str(mul_run.export_dir))
    x = np.random.default_rng(17).normal(size=shape).astype(np.float32)
    expected = mul_run.predict(x)
    assert_close_to_scale(loaded(tf.constant(x), training=False).numpy(), expected, f"mul on shape {shape}")
    v = mul_run.variables["v"]
    np.testing.assert_allclose(expected, x * v, rtol=1e-6, err_msg="garden predict of mul is not x * v")
