"""SwiftGarden's ResNet (`model.type: resnet`) as a tf_keras model, for checkpoints converted
with `garden convert CHECKPOINT --to tf-checkpoint --out PREFIX`.

The architecture is the one in Sources/GardenModels/ResNet: a 3x3 conv + batch norm + ReLU
stem, stages of basic residual blocks (3x3 conv, BN, ReLU, 3x3 conv, BN, plus the input or a
1x1 conv + BN projection where the shape changes, then ReLU), a global spatial mean and a dense
layer of logits. Layers are attributes named as SwiftGarden names its modules (`stem.conv`,
`stage2.block.shortcut_bn`, `fc`), so the object paths of `tf.train.Checkpoint(model=model)`
are SwiftGarden's parameter paths under `model/`:

    import tensorflow as tf
    from swiftgarden_resnet import ResNetClassifier
    model = ResNetClassifier(num_classes=10)       # the recipe's model keys, snake_case
    model(tf.zeros([1, 32, 32, 3]))                # creates the variables
    tf.train.Checkpoint(model=model).read(PREFIX).assert_existing_objects_matched()

Batch norm is Keras' `BatchNormalization(momentum=0.99, epsilon=1e-3)`, as SwiftGarden's; the
kernels carry the recipe's L2 regularizer (`kernel_regularizer.l2`) as Keras losses.
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras


def _conv(filters: int, size: int, stride: int, name: str, l2: float) -> keras.layers.Conv2D:
    return keras.layers.Conv2D(
        filters, size, strides=stride, padding="same", use_bias=False, name=name,
        kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None)


def _batch_norm(name: str) -> keras.layers.BatchNormalization:
    return keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3, name=name)


class ConvBNReLU(keras.layers.Layer):
    """The stem: `conv` (3x3, SAME) → `bn` → ReLU."""

    def __init__(self, filters: int, l2: float, name: str = "stem"):
        super().__init__(name=name)
        self.conv = _conv(filters, 3, 1, "conv", l2)
        self.bn = _batch_norm("bn")

    def call(self, x, training=None):
        return tf.nn.relu(self.bn(self.conv(x), training=training))


class ResidualBlock(keras.layers.Layer):
    """A basic block; `shortcut_conv`/`shortcut_bn` only where stride or width changes."""

    def __init__(self, input_channels: int, filters: int, stride: int, l2: float, name: str):
        super().__init__(name=name)
        self.conv1 = _conv(filters, 3, stride, "conv1", l2)
        self.bn1 = _batch_norm("bn1")
        self.conv2 = _conv(filters, 3, 1, "conv2", l2)
        self.bn2 = _batch_norm("bn2")
        self.projects = stride != 1 or input_channels != filters
        if self.projects:
            self.shortcut_conv = _conv(filters, 1, stride, "shortcut_conv", l2)
            self.shortcut_bn = _batch_norm("shortcut_bn")

    def call(self, x, training=None):
        h = tf.nn.relu(self.bn1(self.conv1(x), training=training))
        residual = self.bn2(self.conv2(h), training=training)
        skip = self.shortcut_bn(self.shortcut_conv(x), training=training) if self.projects else x
        return tf.nn.relu(residual + skip)


class ResNetStage(keras.layers.Layer):
    """`blocks_per_stage` blocks named `block`, `block_1`, ...; the first has the stride."""

    def __init__(self, input_channels: int, filters: int, stride: int, blocks: int, l2: float, name: str):
        super().__init__(name=name)
        self.block_names = ["block" if i == 0 else f"block_{i}" for i in range(blocks)]
        for i, block_name in enumerate(self.block_names):
            setattr(self, block_name, ResidualBlock(
                input_channels if i == 0 else filters, filters, stride if i == 0 else 1, l2, block_name))

    def call(self, x, training=None):
        for block_name in self.block_names:
            x = getattr(self, block_name)(x, training=training)
        return x


class ResNetClassifier(keras.Model):
    """Logits (never softmax) for `[batch, height, width, input_channels]` float32 images."""

    def __init__(self, input_channels: int = 3, stem_filters: int = 16,
                 stage_filters=(16, 32, 64), stage_strides=(1, 2, 2), blocks_per_stage: int = 1,
                 num_classes: int = 10, l2: float = 1e-4):
        super().__init__(name="resnet")
        self.stem = ConvBNReLU(stem_filters, l2)
        self.stage_names = [f"stage{i + 1}" for i in range(len(stage_filters))]
        width = stem_filters
        for stage_name, filters, stride in zip(self.stage_names, stage_filters, stage_strides):
            setattr(self, stage_name, ResNetStage(width, filters, stride, blocks_per_stage, l2, stage_name))
            width = filters
        self.fc = keras.layers.Dense(
            num_classes, name="fc", kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None)

    def features(self, images, training=None):
        """The global spatial mean (`reduce_mean`): what resnet_tiny's export returns."""
        x = self.stem(images, training=training)
        for stage_name in self.stage_names:
            x = getattr(self, stage_name)(x, training=training)
        return tf.reduce_mean(x, axis=[1, 2])

    def call(self, images, training=None):
        return self.fc(self.features(images, training=training))
