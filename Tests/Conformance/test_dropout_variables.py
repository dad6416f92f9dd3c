"""Consumer-adjustable dropout: the `training=True` trace reads its rates from non-trainable
scalar root variables (`dropout_rate`; BERT also `attention_dropout_rate`), so a consumer sets
another rate before fine-tuning, through `tf.saved_model.load` or `hub.KerasLayer`."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import MLP_DROPOUT


def names(variables) -> list[str]:
    return [v.name.split(":")[0] for v in variables]


def bert_inputs(tf):
    ids = np.random.RandomState(4).randint(3, 200, size=(2, 12)).astype(np.int32)
    return dict(input_word_ids=tf.constant(ids), input_mask=tf.constant(np.ones_like(ids)),
                input_type_ids=tf.constant(np.zeros_like(ids)))


def test_mlp_rate_is_a_non_trainable_root_variable_the_next_training_call_uses(mlp_run, tf):
    loaded = tf.saved_model.load(str(mlp_run.export_dir))
    assert float(loaded.dropout_rate.numpy()) == pytest.approx(MLP_DROPOUT)
    assert not loaded.dropout_rate.trainable
    assert "dropout_rate" in names(loaded.variables)
    assert "dropout_rate" not in names(loaded.trainable_variables)
    assert not hasattr(loaded, "attention_dropout_rate")

    x = tf.constant(mlp_run.sample_inputs(64, seed=5))
    inference = loaded(x, training=False).numpy()
    assert not np.allclose(loaded(x, training=True).numpy(), inference)
    loaded.dropout_rate.assign(0.0)
    np.testing.assert_array_equal(loaded(x, training=True).numpy(), inference)
    loaded.dropout_rate.assign(0.9)
    high = loaded(x, training=True).numpy()
    assert not np.allclose(high, inference)
    # Inference never reads the rate.
    np.testing.assert_array_equal(loaded(x, training=False).numpy(), inference)


def test_bert_rates_adjust_through_hub_keras_layer(bert_run, hub, tf):
    layer = hub.KerasLayer(str(bert_run.export_dir), trainable=True)
    root = layer.resolved_object
    for name in ("dropout_rate", "attention_dropout_rate"):
        assert getattr(root, name).shape == []
        assert name not in names(layer.trainable_variables)
    inputs = bert_inputs(tf)
    inference = layer(inputs, training=False)["sequence_output"].numpy()
    assert not np.allclose(layer(inputs, training=True)["sequence_output"].numpy(), inference)
    root.dropout_rate.assign(0.0)
    # The attention dropout alone still changes the output ...
    assert not np.allclose(layer(inputs, training=True)["sequence_output"].numpy(), inference)
    root.attention_dropout_rate.assign(0.0)
    # ... and with both at 0 the training pass is the inference pass (layer norm and all).
    np.testing.assert_allclose(layer(inputs, training=True)["sequence_output"].numpy(), inference,
                               rtol=0, atol=1e-6)
    np.testing.assert_array_equal(layer(inputs, training=False)["sequence_output"].numpy(), inference)


def test_models_without_dropout_have_no_rate_variable(mul_run, resnet_run, tf):
    for run in (mul_run, resnet_run):
        loaded = tf.saved_model.load(str(run.export_dir))
        assert not hasattr(loaded, "dropout_rate"), run.name
