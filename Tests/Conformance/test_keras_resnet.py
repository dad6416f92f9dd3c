"""ResNet checkpoints out: `garden convert` into interop/keras/swiftgarden_resnet.py's tf_keras model.

The converted checkpoint must restore into that model with `assert_existing_objects_matched()`,
give our export's feature vector, and fine-tune under `tf.distribute.MirroredStrategy`.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import REPO_ROOT, RESNET_L2, garden

sys.path.insert(0, str(REPO_ROOT / "interop" / "keras"))

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def converted(resnet_run, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("keras_resnet") / "ckpt"
    proc = garden("convert", resnet_run.checkpoint, "--to", "tf-checkpoint", "--out", prefix)
    assert f"converted {resnet_run.checkpoint} to {prefix}" in proc.stdout + proc.stderr
    return prefix


def build(tf):
    from swiftgarden_resnet import ResNetClassifier

    model = ResNetClassifier(num_classes=10, l2=RESNET_L2)  # the resnet_tiny recipe's shape
    model(tf.zeros([1, 16, 16, 3]))
    return model


def images(seed: int) -> np.ndarray:
    return np.random.RandomState(seed).uniform(-1, 1, size=(4, 16, 16, 3)).astype(np.float32)


def test_the_keras_model_restores_the_checkpoint_and_gives_our_features(resnet_run, converted, tf):
    model = build(tf)
    tf.train.Checkpoint(model=model).read(str(converted)).assert_existing_objects_matched()
    np.testing.assert_array_equal(model.stem.conv.kernel.numpy(), resnet_run.variables["stem/conv/kernel"])
    np.testing.assert_array_equal(model.stage2.block.shortcut_bn.moving_variance.numpy(),
                                  resnet_run.variables["stage2/block/shortcut_bn/moving_variance"])
    np.testing.assert_array_equal(model.fc.kernel.numpy(), resnet_run.variables["fc/kernel"])
    x = images(1)
    ours = tf.saved_model.load(str(resnet_run.export_dir))(tf.constant(x), training=False).numpy()
    # resnet_tiny exports the feature vector (export.extract_to: reduce_mean).
    theirs = model.features(x, training=False).numpy()
    scale = float(np.max(np.abs(ours)))
    assert np.max(np.abs(theirs - ours)) <= TOLERANCE * max(scale, 1.0), (theirs, ours)
    # The kernels carry the recipe's L2 as Keras losses: same count as our exported ones.
    assert len(model.losses) == len(resnet_run.kernels())


def test_it_fine_tunes_under_mirrored_strategy(converted, tf):
    import tf_keras

    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        model = build(tf)
        tf.train.Checkpoint(model=model).read(str(converted)).assert_existing_objects_matched()
        before = model.fc.kernel.numpy().copy()
        model.compile(optimizer=tf_keras.optimizers.SGD(0.1),
                      loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(images(2), np.array([0, 1, 2, 3], np.int32), epochs=2, batch_size=4, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    assert not np.array_equal(model.fc.kernel.numpy(), before)
