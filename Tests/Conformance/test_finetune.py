"""A TF user fine-tunes the export in tf_keras through hub.KerasLayer(trainable=True)."""

from __future__ import annotations

import numpy as np


def _data(run):
    rng = np.random.default_rng(31)
    if run.name == "mlp":
        x = rng.normal(size=(96, 4)).astype(np.float32)
        y = ((x[:, 0] > 0).astype(np.int64) + (x[:, 1] + x[:, 2] > 0)).astype(np.int64)  # 3 classes
        return x, y
    x = rng.uniform(-1.0, 1.0, size=(64, 1)).astype(np.float32)
    return x, (5.0 * x).astype(np.float32)  # mul was trained on y = 3x; move it to 5x


def test_finetune_lowers_loss_and_changes_every_variable(run, hub, tf):
    import tf_keras

    tf_keras.utils.set_random_seed(5)
    x, y = _data(run)
    layer = hub.KerasLayer(str(run.export_dir), trainable=True)
    features = 4 if run.name == "mlp" else 1
    model = tf_keras.Sequential([tf_keras.layers.InputLayer(input_shape=(features,)), layer])
    if run.name == "mlp":
        loss = tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer = tf_keras.optimizers.Adam(learning_rate=0.01)
    else:
        loss = tf_keras.losses.MeanSquaredError()
        optimizer = tf_keras.optimizers.SGD(learning_rate=0.1)
    model.compile(optimizer=optimizer, loss=loss)

    assert len(layer.trainable_weights) == len(run.variables)
    before = [w.numpy().copy() for w in layer.trainable_weights]
    loss_before = model.evaluate(x, y, batch_size=32, verbose=0)
    history = model.fit(x, y, epochs=8, batch_size=16, shuffle=False, verbose=0)
    loss_after = model.evaluate(x, y, batch_size=32, verbose=0)

    assert all(np.isfinite(history.history["loss"]))
    assert loss_after < 0.95 * loss_before, f"{run.name}: loss {loss_before:.5g} -> {loss_after:.5g}"
    for w, old in zip(layer.trainable_weights, before):
        assert not np.array_equal(w.numpy(), old), f"fine-tuning left {w.name} unchanged"
