"""TensorFlow's event reader (`tf.compat.v1.train.summary_iterator`, which checks both masked
CRCs of every TFRecord frame) reads the event files `garden` writes itself: every scalar at every
logged step, equal to metrics.jsonl, and TensorBoard's own EventAccumulator (the reader behind
`tensorboard --logdir`) reads the same scalars."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import TRAIN_STEPS

LOG_EVERY = 10  # Recipes/mul.yaml and Recipes/mlp.yaml log every 10 steps


class Scalar:
    def __init__(self, step: int, value: float):
        self.step, self.value = step, value


class Scalars:
    """Tag -> scalars by step, read from every event file of a directory in name order."""

    def __init__(self, directory: Path):
        import tensorflow as tf

        files = sorted(directory.glob("events.out.tfevents.*"))
        assert files, f"no event files in {directory}"
        self.by_tag: dict[str, list[Scalar]] = {}
        for path in files:
            for event in tf.compat.v1.train.summary_iterator(str(path)):
                for v in event.summary.value:
                    self.by_tag.setdefault(v.tag, []).append(Scalar(event.step, v.simple_value))

    def Tags(self):
        return {"scalars": sorted(self.by_tag)}

    def Scalars(self, tag):
        return self.by_tag[tag]


def accumulate(directory: Path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ours = Scalars(directory)
    acc = EventAccumulator(str(directory), size_guidance={"scalars": 0})
    acc.Reload()
    for tag in ours.Tags()["scalars"]:
        assert [(e.step, e.value) for e in acc.Scalars(tag)] == [(e.step, e.value) for e in ours.Scalars(tag)]
    return ours


def metrics_rows(model_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (model_dir / "metrics.jsonl").read_text().splitlines()]


def test_train_scalars_at_every_logged_step(run):
    acc = accumulate(run.model_dir / "events" / "train")
    rows = [r for r in metrics_rows(run.model_dir) if "loss" in r]
    expected_steps = list(range(LOG_EVERY, TRAIN_STEPS + 1, LOG_EVERY))
    assert [r["step"] for r in rows] == expected_steps
    tags = set(acc.Tags()["scalars"])
    want = {k for k in rows[0] if k != "step"} | {"steps_per_sec"}
    assert want <= tags, f"TensorBoard scalars {sorted(tags)}, expected at least {sorted(want)}"
    for tag in want:
        events = acc.Scalars(tag)
        assert [e.step for e in events] == expected_steps, f"{tag}: steps {[e.step for e in events]}"
        if tag != "steps_per_sec":
            got = np.array([e.value for e in events], dtype=np.float32)
            exp = np.array([r[tag] for r in rows], dtype=np.float32)
            assert np.array_equal(got, exp), f"{tag}: TensorBoard {got} != metrics.jsonl {exp}"
    assert all(e.value > 0 for e in acc.Scalars("steps_per_sec"))


def test_eval_scalars(run):
    acc = accumulate(run.model_dir / "events" / "eval")
    evals = [r for r in metrics_rows(run.model_dir) if any(k.startswith("eval/") for k in r)]
    assert evals and evals[-1]["step"] == TRAIN_STEPS, "the last step is always evaluated"
    for row in evals:
        for key, value in row.items():
            if key == "step":
                continue
            tag = key[len("eval/"):]
            by_step = {e.step: e.value for e in acc.Scalars(tag)}
            assert np.float32(by_step[row["step"]]) == np.float32(value), f"eval {tag} at {row['step']}"
    if run.name == "mlp":
        assert "accuracy" in acc.Tags()["scalars"]


def test_first_record_is_the_file_version(run):
    import tensorflow as tf

    files = sorted((run.model_dir / "events" / "train").glob("events.out.tfevents.*"))
    assert files
    first = next(iter(tf.compat.v1.train.summary_iterator(str(files[0]))))
    assert first.file_version == "brain.Event:2"
