"""`tf.saved_model.load` + first call of a BERT encoder export (ours or TensorFlow's).

    python load.py DIR [--seq 16] [--batch 2]

Times, in a fresh process, `tf.saved_model.load(DIR)` and then the first call on int32
inputs `[batch, seq]` (the dict the encoder takes), with `training=False`. The first call
includes TensorFlow's own one-time work (function instantiation, graph optimization).
Prints one JSON line: wall seconds, and the first call's CPU seconds too (all threads;
less moved by the host's scheduling than wall time, which the bench's target is about).
"""

from __future__ import annotations

import argparse
import json
import time

import common

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--seq", type=int, default=16)
parser.add_argument("--batch", type=int, default=2)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

tf = common.tensorflow(args.threads)

ids = tf.ones((args.batch, args.seq), tf.int32)
inputs = {"input_word_ids": ids, "input_mask": tf.ones_like(ids), "input_type_ids": tf.zeros_like(ids)}
t0 = time.perf_counter()
loaded = tf.saved_model.load(args.dir)
load = time.perf_counter() - t0
t0, c0 = time.perf_counter(), time.process_time()
out = loaded(inputs, training=False)
pooled = out["pooled_output"].numpy()
first_call, first_call_cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({
    "bench": "load", "dir": args.dir, "load_seconds": load, "first_call_seconds": first_call,
    "first_call_cpu_seconds": first_call_cpu,
    "total_seconds": load + first_call, "pooled_shape": list(pooled.shape),
    "peak_rss_mib": common.peak_rss_mib(),
}))
