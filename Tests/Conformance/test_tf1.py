"""TF1 / Serving path: saved_model_cli shows and runs serving_default (savedmodel-format.md §13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from conftest import assert_close_to_scale

SAVED_MODEL_CLI = str(Path(sys.executable).with_name("saved_model_cli"))


def _cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([SAVED_MODEL_CLI, *args], capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"saved_model_cli {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return proc


def test_saved_model_cli_show_all(run):
    out = _cli("show", "--all", "--dir", str(run.export_dir)).stdout
    assert "signature_def['serving_default']" in out
    assert "inputs['inputs'] tensor_info" in out
    assert "outputs['output_0'] tensor_info" in out
    assert "tensorflow/serving/predict" in out


def test_saved_model_cli_run_matches_garden_predict(run, tmp_path):
    # input_exprs must be a Python literal (saved_model_cli refuses other expressions).
    x = np.round(run.sample_inputs(3, seed=41), 3).astype(np.float32)
    literal = repr(x.astype(float).tolist())
    outdir = tmp_path / "smc"
    _cli("run", "--dir", str(run.export_dir), "--tag_set", "serve", "--signature_def", "serving_default",
         "--input_exprs", f"inputs={literal}", "--outdir", str(outdir))
    result = np.load(outdir / "output_0.npy")
    assert_close_to_scale(result, run.predict(x), f"{run.name} saved_model_cli run")
