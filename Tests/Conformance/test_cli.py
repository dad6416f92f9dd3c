"""The `garden` CLI contract around the export: checkpoints, resolved recipe, inspect, resume."""

from __future__ import annotations

import re
import shutil

import numpy as np

import h5io
from conftest import SEED, TRAIN_STEPS, checkpoints_in, garden


def test_checkpoint_layout(run):
    ckpts = checkpoints_in(run.model_dir / "checkpoints")
    assert max(ckpts) == TRAIN_STEPS, f"latest checkpoint {sorted(ckpts)}, expected step {TRAIN_STEPS}"
    assert h5io.attr_int(run.attrs["step"]) == TRAIN_STEPS
    recipe_attr = h5io.attr_text(run.attrs["recipe"])
    assert recipe_attr.strip() == run.resolved_recipe.read_text().strip(), (
        "the checkpoint's `recipe` attribute must be the resolved recipe written to recipe.yaml"
    )
    for name, value in run.variables.items():
        assert value.dtype == np.float32, f"{run.checkpoint}:{name} is {value.dtype}"
        assert np.all(np.isfinite(value)), f"{run.checkpoint}:{name} has non-finite values"


def test_resolved_recipe_records_overrides(run):
    text = run.resolved_recipe.read_text()
    assert re.search(rf"^\s*steps:\s*{TRAIN_STEPS}\s*$", text, re.M), f"train.steps={TRAIN_STEPS} not in:\n{text}"
    assert re.search(rf"^seed:\s*{SEED}\s*$", text, re.M), f"seed={SEED} not in:\n{text}"


def test_inspect_export(run):
    out = garden("inspect", run.export_dir).stdout
    assert "serving_default" in out
    assert "inputs" in out and "output_0" in out


def test_inspect_checkpoint_lists_variables(run):
    out = garden("inspect", run.checkpoint).stdout
    for name in run.variables:
        assert name in out, f"garden inspect {run.checkpoint} does not list {name}"


def test_train_resumes_from_latest_checkpoint(run, tmp_path):
    model_dir = tmp_path / "model"
    (model_dir / "checkpoints").mkdir(parents=True)
    shutil.copy2(run.checkpoint, model_dir / "checkpoints" / run.checkpoint.name)
    more = TRAIN_STEPS + 5
    args: list[str] = []
    for item in run.overrides:
        if not item.startswith("train.steps="):
            args += ["--set", item]
    args += ["--set", f"train.steps={more}"]
    garden("train", run.recipe, "--model-dir", model_dir, *args)
    ckpts = checkpoints_in(model_dir / "checkpoints")
    assert max(ckpts) == more
    variables, attrs = h5io.read_checkpoint(ckpts[more])
    assert h5io.attr_int(attrs["step"]) == more
    assert sorted(variables) == sorted(run.variables)
    assert any(not np.array_equal(variables[k], run.variables[k]) for k in variables), (
        "5 more steps left every variable unchanged"
    )
    # The resumed checkpoint is untouched.
    old, _ = h5io.read_checkpoint(model_dir / "checkpoints" / run.checkpoint.name)
    for k in old:
        np.testing.assert_array_equal(old[k], run.variables[k])
