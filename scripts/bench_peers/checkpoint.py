"""The TensorFlow peer of `garden-bench checkpoint`: times `tf.train.Checkpoint.write` of the
recipe's model and optimizer, the checkpoint Keras's and Model Garden's training loops save.

    python checkpoint.py RESOLVED_RECIPE.yaml --swift JSON --out DIR [--writes N]

--swift is garden-bench's checkpoint line for the same recipe (BERT: its `encoder_config`
gives the sizes the recipe resolves to). The optimizer's slots are made first
(`optimizer.build`), as our side takes one step before writing. Each write goes over the one
before it at DIR/ckpt. Reported per write: the wall time and the process's CPU time
(`time.process_time`, every thread, as TensorFlow's save may use its pools), the figure that
says what a background write takes from training. TensorFlow does not fsync its files;
SwiftGarden does. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import common

parser = argparse.ArgumentParser()
parser.add_argument("recipe")
parser.add_argument("--swift", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--writes", type=int, default=50)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

tf = common.tensorflow(args.threads)
import numpy as np  # noqa: E402

import peers  # noqa: E402

cfg, model, opt = peers.recipe_training(args.recipe, json.loads(args.swift))
opt.build(model.trainable_variables)
checkpoint = tf.train.Checkpoint(model=model, optimizer=opt)
os.makedirs(args.out, exist_ok=True)
prefix = os.path.join(args.out, "ckpt")
wall, cpu = [], []
for _ in range(max(args.writes, 1)):
    w0, c0 = time.perf_counter(), time.process_time()
    checkpoint.write(prefix)
    wall.append(time.perf_counter() - w0)
    cpu.append(time.process_time() - c0)
size = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
print(json.dumps({
    "bench": "checkpoint", "impl": "tensorflow", "recipe": cfg.get("name"), "writes": len(wall),
    "file_bytes": size, "median_seconds": float(np.median(wall)),
    "median_cpu_seconds": float(np.median(cpu)), "samples_cpu_seconds": cpu,
}))
