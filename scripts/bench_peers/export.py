"""The tf_keras peer of `garden-bench export`: `tf.saved_model.save` of the BERT encoder.

    python export.py --config JSON --out DIR [--repeats R]

--config is the `config` object of garden-bench's export line (num_layers, hidden_size, ...),
so both encoders have the same size. The encoder (random weights, no training) is built and
called once before the clock starts; the timed work is `tf.saved_model.save(encoder, DIR)`,
which traces the Keras call functions and writes the variables. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time

import common

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--repeats", type=int, default=1)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

tf = common.tensorflow(args.threads)
import numpy as np  # noqa: E402

import peers  # noqa: E402

c = json.loads(args.config)
c.setdefault("initializer_range", 0.02)
t0 = time.perf_counter()
encoder = peers.BertEncoder(c, name="encoder")
ids = tf.zeros((2, 16), tf.int32)
encoder({"input_word_ids": ids, "input_mask": tf.ones_like(ids), "input_type_ids": ids})
build = time.perf_counter() - t0
samples = []
for _ in range(max(args.repeats, 1)):
    shutil.rmtree(args.out, ignore_errors=True)
    t0 = time.perf_counter()
    tf.saved_model.save(encoder, args.out)
    samples.append(time.perf_counter() - t0)
params = sum(int(np.prod(v.shape)) for v in encoder.variables)
print(json.dumps({
    "bench": "export", "impl": "tf_keras", "config": c, "parameters": params,
    "build_seconds": build, "median_seconds": float(np.median(samples)), "samples_seconds": samples,
    "peak_rss_mib": common.peak_rss_mib(),
}))
