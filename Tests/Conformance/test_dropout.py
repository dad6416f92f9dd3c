"""`training=True` is the training-mode trace: dropout at the recipe's export rate (mlp), and
nothing different for mul, which has no dropout."""

from __future__ import annotations

import numpy as np

from conftest import MLP_DROPOUT, assert_close_to_scale


def test_training_true_vs_false(run, loaded, tf):
    x = tf.constant(run.sample_inputs(16, seed=21))
    inference = loaded(x, training=False).numpy()
    train_a = loaded(x, training=True).numpy()
    train_b = loaded(x, training=True).numpy()
    assert train_a.shape == inference.shape
    if run.name == "mlp":
        assert not np.allclose(train_a, inference), "training=True must apply dropout"
        assert not np.allclose(train_a, train_b), "two training calls must draw different dropout masks"
    else:
        # mul has no dropout and no other training-only behaviour: both traces compute x * v.
        np.testing.assert_array_equal(train_a, inference)
        np.testing.assert_array_equal(train_b, inference)


def test_garden_predict_training_flag(run):
    x = run.sample_inputs(16, seed=22)
    inference = run.predict(x)
    training = run.predict(x, training=True)
    if run.name == "mlp":
        assert not np.allclose(training, inference), "garden predict --training must apply dropout"
    else:
        # No dropout in mul: --training changes nothing.
        np.testing.assert_array_equal(training, inference)


def test_mlp_dropout_statistics_match_swift_model(mlp_run, tf):
    """TF's training trace and the Swift training forward draw from the same distribution.

    One input row repeated N times gives N independent dropout samples on each side; their
    means and standard deviations agree only if both use the same rate and scaling.
    """
    n = 4000
    row = mlp_run.sample_inputs(1, seed=23)
    x = np.repeat(row, n, axis=0)
    loaded = tf.saved_model.load(str(mlp_run.export_dir))
    tf_samples = loaded(tf.constant(x), training=True).numpy().astype(np.float64)
    swift_samples = mlp_run.predict(x, training=True).astype(np.float64)
    inference = mlp_run.predict(row)[0]

    tf_std, swift_std = tf_samples.std(axis=0), swift_samples.std(axis=0)
    assert np.all(tf_std > 0) and np.all(swift_std > 0), "dropout must make training outputs vary"
    np.testing.assert_allclose(tf_std, swift_std, rtol=0.15,
                               err_msg=f"spread of training outputs differs (dropout rate {MLP_DROPOUT})")
    se = np.sqrt(tf_std**2 / n + swift_std**2 / n)
    gap = np.abs(tf_samples.mean(axis=0) - swift_samples.mean(axis=0))
    assert np.all(gap <= 6 * se + 1e-6), f"mean training outputs differ: gap {gap}, standard error {se}"
    # Sanity: the samples are around the inference output, not some other function.
    assert np.all(np.abs(tf_samples.mean(axis=0) - inference) <= 4 * tf_std + 1e-6)


def test_export_dropout_rate_zero_makes_training_deterministic(mlp_run, tmp_path, tf):
    out = tmp_path / "export-no-dropout"
    mlp_run.export(out, "--set", "export.dropout_rate=0.0")
    loaded = tf.saved_model.load(str(out))
    x = tf.constant(mlp_run.sample_inputs(16, seed=24))
    inference = loaded(x, training=False).numpy()
    assert_close_to_scale(loaded(x, training=True).numpy(), inference, "export.dropout_rate=0 training trace")
    assert_close_to_scale(inference, mlp_run.predict(x.numpy()), "export.dropout_rate=0 inference")
