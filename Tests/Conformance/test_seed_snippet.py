"""The TF Hub guide's low-level example, run unchanged against our mul export (design.md family 1)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import MUL_INITIAL_VALUE, MUL_REGULARIZATION


def test_seed_snippet_on_mul_export(mul_run, hub):
    path = str(mul_run.export_dir)
    v = np.float32(mul_run.variables["v"])

    layer = hub.KerasLayer(path)
    out = layer([10., 20.])
    np.testing.assert_allclose(out.numpy(), v * np.float32([10., 20.]), rtol=1e-6)

    layer.trainable = True
    weights = layer.trainable_weights
    assert len(weights) == 1
    assert weights[0].shape == ()
    assert float(weights[0].numpy()) == pytest.approx(float(v), rel=0, abs=0)

    losses = layer.losses
    assert len(losses) == 1
    assert float(losses[0].numpy()) == pytest.approx(MUL_REGULARIZATION * float(v) ** 2, rel=1e-5)


def test_mul_trains_towards_three(mul_run):
    """mul.yaml fits y = 3x: training moves v from its initial value towards 3."""
    v = float(mul_run.variables["v"])
    assert np.isfinite(v)
    assert abs(v - 3.0) < abs(MUL_INITIAL_VALUE - 3.0), f"v = {v} after {mul_run.step} steps"
