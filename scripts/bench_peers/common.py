"""Process set-up shared by the peer programs: quiet TensorFlow on 2 threads, peak RSS."""

from __future__ import annotations

import os
import resource
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def peak_rss_mib() -> float:
    """getrusage ru_maxrss (KiB on Linux) in MiB: the figure garden-bench reports too."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tensorflow(threads: int = 2):
    """Imports TensorFlow limited to `threads` intra-op threads and 1 inter-op thread, before
    any op runs (the thread pools are fixed at first use)."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return tf
