"""Recipe composition at the CLI (`--dry-run`) and what an export cannot carry (AdamW)."""

from __future__ import annotations

import json
import re

from conftest import REPO_ROOT, garden

MLP = REPO_ROOT / "Recipes" / "mlp.yaml"


def test_dry_run_prints_the_resolved_recipe_and_does_nothing(tmp_path):
    out = tmp_path / "never"
    proc = garden("run", MLP, "--dry-run", "--model-dir", out,
                  "--set", "train.optimizer.learning_rate.warmup_steps=50", "--set", "seed=7")
    text = proc.stdout
    assert re.search(r"^seed: 7$", text, re.M), text
    assert re.search(r"^\s+warmup_steps: 50$", text, re.M), text
    assert re.search(r"^\s+hidden_sizes: \[32, 32\]$", text, re.M), "the include's keys are resolved"
    assert not out.exists(), "--dry-run must not train"


def test_cross_field_rules_fail_before_any_work(tmp_path):
    out = tmp_path / "never"
    proc = garden("run", MLP, "--model-dir", out, "--set", "train.optimizer.learning_rate.end_learning_rate=1",
                  check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip() == (
        "garden: error: --set train.optimizer.learning_rate.end_learning_rate=1: "
        "'train.optimizer.learning_rate.end_learning_rate' must be at most initial_learning_rate (0.01), got 1.0"
    )
    assert not out.exists()


def test_adamw_weight_decay_is_warned_and_recorded_at_export(tmp_path, tf):
    model_dir = tmp_path / "m"
    proc = garden("run", MLP, "--model-dir", model_dir, "--set", "train.steps=6",
                  "--set", "train.optimizer={type: adamw, weight_decay: 0.01}")
    assert "warning: train.optimizer.weight_decay 0.01" in proc.stderr
    export = model_dir / "export"
    notes = json.loads((export / "assets.extra" / "swiftgarden_export_notes.json").read_text())
    [entry] = notes["not_exported_regularization"]
    assert entry["kind"] == "decoupled_weight_decay" and entry["weight_decay"] == 0.01
    assert not (export / "assets" / "swiftgarden_export_notes.json").exists()
    loaded = tf.saved_model.load(str(export))
    # Only the kernels' L2 regularizers are exported; the weight decay is not among them.
    assert len(loaded.regularization_losses) == 3
