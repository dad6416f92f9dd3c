"""Bad input through the CLI: a non-zero exit, ONE line on stderr naming the offending path,
and no half-made output left behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5io
from conftest import RECIPES, garden


def assert_clean_failure(proc, offending: Path | str, not_created: Path | None = None) -> None:
    assert proc.returncode != 0, f"expected failure, got exit 0; stdout:\n{proc.stdout[-2000:]}"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{proc.stderr[-4000:]}"
    assert str(offending) in lines[0], f"stderr does not name {offending}: {lines[0]!r}"
    if not_created is not None:
        assert not not_created.exists(), f"failed command left {not_created} behind"


def test_malformed_recipe(tmp_path):
    recipe = tmp_path / "broken.yaml"
    recipe.write_text("name: broken\nmodel:\n  type: mlp\n  hidden_sizes: [32, 32\n  num_classes: 3\n")
    model_dir = tmp_path / "model"
    proc = garden("run", recipe, "--model-dir", model_dir, check=False)
    assert_clean_failure(proc, recipe, model_dir)


def test_missing_recipe_file(tmp_path):
    recipe = tmp_path / "no-such-recipe.yaml"
    model_dir = tmp_path / "model"
    proc = garden("run", recipe, "--model-dir", model_dir, check=False)
    assert_clean_failure(proc, recipe, model_dir)


def test_missing_data_file(run, tmp_path):
    data = tmp_path / "nonexistent.h5"
    model_dir = tmp_path / "model"
    proc = garden("run", run.recipe, "--model-dir", model_dir, *run.set_args,
                  "--set", "data.source=hdf5", "--set", f"data.path={data}", check=False)
    assert_clean_failure(proc, data, model_dir)


def truncated_copy(run, tmp_path: Path) -> Path:
    """The run's checkpoint cut to its first 100 bytes, as a crash mid-copy would leave it."""
    ckpt = tmp_path / "ckpt-000001.h5"
    shutil.copy2(run.checkpoint, ckpt)
    with open(ckpt, "r+b") as f:
        f.truncate(100)
    return ckpt


def test_truncated_checkpoint_export(run, tmp_path):
    ckpt = truncated_copy(run, tmp_path)
    out = tmp_path / "export"
    proc = garden("export", run.recipe, "--checkpoint", ckpt, "--out", out, *run.set_args, check=False)
    assert_clean_failure(proc, ckpt, out)


def test_truncated_checkpoint_predict(run, tmp_path):
    ckpt = truncated_copy(run, tmp_path)
    inputs, outputs = tmp_path / "in.h5", tmp_path / "out.h5"
    h5io.write_inputs(inputs, run.sample_inputs(2, seed=0))
    proc = garden("predict", run.resolved_recipe, "--checkpoint", ckpt, "--input", inputs,
                  "--output", outputs, check=False)
    assert_clean_failure(proc, ckpt, outputs)


def test_foreign_file_as_checkpoint(run, tmp_path):
    foreign = tmp_path / "foreign.h5"
    shutil.copy2(run.export_dir / "saved_model.pb", foreign)  # not HDF5 at all
    out = tmp_path / "export"
    proc = garden("export", run.recipe, "--checkpoint", foreign, "--out", out, *run.set_args, check=False)
    assert_clean_failure(proc, foreign, out)


def test_foreign_hdf5_as_checkpoint(run, tmp_path):
    foreign = tmp_path / "inputs.h5"  # valid HDF5, but no variables of this model
    h5io.write_inputs(foreign, run.sample_inputs(2, seed=0))
    out = tmp_path / "export"
    proc = garden("export", run.recipe, "--checkpoint", foreign, "--out", out, *run.set_args, check=False)
    assert_clean_failure(proc, foreign, out)


def test_checkpoint_of_the_other_recipe(train_once, tmp_path):
    mul, mlp = train_once("mul"), train_once("mlp")
    out = tmp_path / "export"
    proc = garden("export", RECIPES["mlp"], "--checkpoint", mul.checkpoint, "--out", out, *mlp.set_args,
                  check=False)
    assert_clean_failure(proc, mul.checkpoint, out)


def test_existing_export_dir_without_overwrite(run, tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    sentinel = out / "keep.txt"
    sentinel.write_text("mine")
    proc = garden("export", run.recipe, "--checkpoint", run.checkpoint, "--out", out, *run.set_args, check=False)
    assert_clean_failure(proc, out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"], "refused export still wrote into the dir"
    assert sentinel.read_text() == "mine"
