"""Reproducibility of every recipe in Recipes/: two runs give byte-identical checkpoints,
metrics.jsonl and exports; a run killed with SIGKILL and resumed ends byte-identical to one
that never stopped; the checkpoint records its recipe and the recipe's SHA-256. The fine-tuning
recipes start from a short run of their pre-training recipe (`train.init_checkpoint`), so the
init checkpoint's restore is part of what must repeat."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import time
from pathlib import Path

import h5py
import pytest

import h5io
from conftest import REPO_ROOT, checkpoints_in, garden, garden_bin, set_args

RECIPES = sorted((REPO_ROOT / "Recipes").glob("*.yaml"))
STEPS = 12
# Short runs with every kind of bookkeeping: logs, evaluations, checkpoints and retention.
SHORT = [f"train.steps={STEPS}", "train.log_every=2", "train.eval_every=3",
         "train.checkpoint_every=2", "train.keep_checkpoints=2"]


# Fine-tuning recipes and the recipe whose run they start from (their `train.init_checkpoint`).
SOURCES = {"image_classifier": "resnet_tiny", "bert_classifier": "bert_tiny"}


@pytest.fixture(scope="module")
def init_from(tmp_path_factory):
    """recipe -> the `--set` overrides that point its init checkpoint at a two-step run of its
    pre-training recipe (at that recipe's own sizes, which the fine-tuning recipe shares)."""
    runs: dict[str, Path] = {}

    def get(recipe: Path) -> list[str]:
        source = SOURCES.get(recipe.stem)
        if source is None:
            return []
        if source not in runs:
            runs[source] = tmp_path_factory.mktemp(f"source-{source}") / "run"
            garden("train", REPO_ROOT / "Recipes" / f"{source}.yaml", "--model-dir", runs[source],
                   *set_args(["train.steps=2", "train.checkpoint_every=2", "train.eval_every=2"]))
        return [f"train.init_checkpoint={runs[source]}"]

    return get


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def train(recipe: Path, model_dir: Path, extra: list[str] = ()) -> None:
    garden("train", recipe, "--model-dir", model_dir, *set_args(SHORT + list(extra)))


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.stem)
def test_two_runs_are_byte_identical(recipe, tmp_path, init_from):
    a, b = tmp_path / "a", tmp_path / "b"
    init = init_from(recipe)
    train(recipe, a, init)
    train(recipe, b, init)
    ca, cb = files(a / "checkpoints"), files(b / "checkpoints")
    assert ca and ca.keys() == cb.keys()
    for name in ca:
        assert ca[name] == cb[name], f"{recipe.name}: checkpoints/{name} differs between two runs"
    assert (a / "metrics.jsonl").read_bytes() == (b / "metrics.jsonl").read_bytes()
    for d in (a, b):
        garden("export", recipe, "--checkpoint", d / "checkpoints", "--out", d / "export",
               *set_args(SHORT + init))
    ea, eb = files(a / "export"), files(b / "export")
    assert ea.keys() == eb.keys() and all(ea[k] == eb[k] for k in ea), f"{recipe.name}: exports differ"


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.stem)
def test_thread_counts_give_the_same_weights(recipe, tmp_path, init_from):
    """The kernels cut their work by shape, never by thread count (element-wise parts by output,
    products into blocks of rows or columns): the same recipe at 1 and 3 threads trains the
    same bits. Only the recorded recipe (its `train.threads`) tells the checkpoints apart."""
    init = init_from(recipe)
    runs = {t: tmp_path / f"threads-{t}" for t in (1, 3)}
    for t, d in runs.items():
        train(recipe, d, init + [f"train.threads={t}"])
    found = {t: checkpoints_in(d / "checkpoints") for t, d in runs.items()}
    last = {t: f[max(f)] for t, f in found.items()}
    with h5py.File(last[1], "r") as one, h5py.File(last[3], "r") as three:
        names: list[str] = []
        one.visit(lambda n: names.append(n) if isinstance(one[n], h5py.Dataset) else None)
        assert names
        for n in names:
            assert one[n][()].tobytes() == three[n][()].tobytes(), f"{recipe.stem}: {n} differs"
    lines = {t: (d / "metrics.jsonl").read_text().splitlines()[1:] for t, d in runs.items()}
    assert lines[1] and lines[1] == lines[3]


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kill_after", ["first-checkpoint", "third-checkpoint"])
def test_killed_and_resumed_run_ends_byte_identical(recipe, kill_after, tmp_path, init_from):
    steps = 16
    extra = [f"train.steps={steps}"] + init_from(recipe)
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    train(recipe, straight, extra)
    want = 1 if kill_after == "first-checkpoint" else 3
    cmd = [garden_bin(), "train", str(recipe), "--model-dir", str(killed), *set_args(SHORT + extra)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    seen = 0
    try:
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            ckpt_dir = killed / "checkpoints"
            if ckpt_dir.is_dir():
                # Count checkpoints ever written: retention deletes older ones.
                seen = max(seen, max(checkpoints_in(ckpt_dir), default=0) // 2)
            if seen >= want:
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    train(recipe, killed, extra)  # resumes from the latest checkpoint
    name = f"checkpoints/ckpt-{steps:06d}.h5"
    assert (straight / name).read_bytes() == (killed / name).read_bytes(), (
        f"{recipe.name}: resumed run (killed after {seen} checkpoints) ends with different bytes"
    )
    assert (straight / "metrics.jsonl").read_bytes() == (killed / "metrics.jsonl").read_bytes()


def test_checkpoint_records_version_step_seed_recipe_and_its_hash(mlp_run):
    with h5py.File(mlp_run.checkpoint, "r") as f:
        attrs = dict(f.attrs)
    recipe = h5io.attr_text(attrs["recipe"])
    assert h5io.attr_int(attrs["format_version"]) == 3
    assert h5io.attr_text(attrs["recipe_sha256"]) == hashlib.sha256(recipe.encode()).hexdigest()
    shown = garden("inspect", mlp_run.checkpoint).stdout
    for line in ("format_version: 3", f"step: {mlp_run.step}", "seed: ",
                 f"recipe_sha256: {hashlib.sha256(recipe.encode()).hexdigest()}", "recipe:"):
        assert line in shown, f"garden inspect does not show {line!r}:\n{shown}"
    for name, value in mlp_run.variables.items():
        assert f"{name}  float32  {list(value.shape)}" in shown


def test_truncated_and_foreign_files_are_one_line_errors(mlp_run, tmp_path):
    truncated = tmp_path / "ckpt-000001.h5"
    truncated.write_bytes(mlp_run.checkpoint.read_bytes()[:300])
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = [1.0]
    for path in (truncated, foreign):
        proc = garden("inspect", path, check=False)
        assert proc.returncode != 0
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0], proc.stderr
