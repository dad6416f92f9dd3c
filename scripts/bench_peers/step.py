"""The tf_keras peer of `garden-bench step`: times the recipe's training step in tf_keras.

    python step.py RESOLVED_RECIPE.yaml --swift JSON [--steps N] [--warmup W] [--threads T]

RESOLVED_RECIPE.yaml is what `garden run RECIPE --dry-run` prints; --swift is garden-bench's
step line for the same recipe: its `batch_shapes` make the batch the same, and for BERT its
`encoder_config` gives the sizes the recipe resolves to (the vocabulary comes from the data). The step is a
`tf.function`: forward in training mode, loss + regularization losses, gradients,
`apply_gradients`; the loss is fetched each step, as SwiftGarden's step returns its loss.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

import common

parser = argparse.ArgumentParser()
parser.add_argument("recipe")
parser.add_argument("--swift", required=True)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--warmup", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

tf = common.tensorflow(args.threads)
import numpy as np  # noqa: E402

import peers  # noqa: E402

baseline_rss = common.peak_rss_mib()
swift = json.loads(args.swift)
shapes = swift["batch_shapes"]
cfg, model, opt = peers.recipe_training(args.recipe, swift)
rng = np.random.default_rng(0)
xent = tf.keras.losses.sparse_categorical_crossentropy


def batches(n: int):
    """n batches of the recipe's shapes with random contents (speed does not depend on them)."""
    out = []
    for _ in range(n):
        if peers.is_bert(cfg):
            c = peers.bert_config(cfg)
            (b, s), p = shapes["inputs"][0], shapes["inputs"][3][1]
            x = {
                "input_word_ids": rng.integers(0, c["vocab_size"], (b, s)),
                "input_mask": np.ones((b, s)),
                "input_type_ids": rng.integers(0, c["type_vocab_size"], (b, s)),
                "masked_lm_positions": rng.integers(0, s, (b, p)),
            }
            x = {k: tf.constant(v, tf.int32) for k, v in x.items()}
            y = {
                "masked_lm_ids": tf.constant(rng.integers(0, c["vocab_size"], (b, p)), tf.int32),
                "masked_lm_weights": tf.ones((b, p), tf.float32),
                "next_sentence_labels": tf.constant(rng.integers(0, 2, (b,)), tf.int32),
            }
        else:
            x = tf.constant(rng.standard_normal(shapes["inputs"][0]), tf.float32)
            y = tf.constant(rng.integers(0, model.output_shape[-1], shapes["targets"]), tf.int32)
        out.append((x, y))
    return out


def objective(x, y, training):
    if peers.is_bert(cfg):
        mlm, nsp = model(x, training=training)
        w = y["masked_lm_weights"]
        per_item = xent(y["masked_lm_ids"], mlm, from_logits=True)
        loss = tf.reduce_sum(per_item * w) / (tf.reduce_sum(w) + 1e-5)
        loss += tf.reduce_mean(xent(y["next_sentence_labels"], nsp, from_logits=True))
        logits, labels = nsp, y["next_sentence_labels"]
    else:
        logits = model(x, training=training)
        loss = tf.reduce_mean(xent(y, logits, from_logits=True))
        labels = y
    if model.losses:
        loss += tf.add_n(model.losses)
    # SwiftGarden's loss also reports accuracy; compute it here too.
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), labels), tf.float32))
    return loss, accuracy


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss, accuracy = objective(x, y, training=True)
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return loss, accuracy


data = batches(4)
samples = []
for n in range(args.warmup + args.steps):
    x, y = data[n % len(data)]
    t0 = time.perf_counter()
    loss, _ = train_step(x, y)
    loss.numpy()
    t = time.perf_counter() - t0
    if n >= args.warmup:
        samples.append(t)

trainable, non_trainable = peers.variable_sizes(model)
print(json.dumps({
    "bench": "step", "impl": "tf_keras", "recipe": cfg.get("name"), "threads": args.threads,
    "warmup": args.warmup, "steps": args.steps,
    "median_seconds": float(np.median(samples)), "samples_seconds": samples,
    "peak_rss_mib": common.peak_rss_mib(), "baseline_rss_mib": baseline_rss,
    "variables": len(trainable) + len(non_trainable),
    "trainable_parameters": sum(trainable), "parameters": sum(trainable) + sum(non_trainable),
    "tf_version": tf.__version__,
}))
