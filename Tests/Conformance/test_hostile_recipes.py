"""Hostile recipes and data through the CLI (issue 10, classes 1-5, 11 and 12): every case that
used to crash with a signal, trap, abort or hang now exits 1 with ONE `garden: error:` line
naming the file or `--set` argument, within seconds, and writes nothing in the model dir."""

from __future__ import annotations

import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import RECIPES, REPO_ROOT, garden

DEEP = "[" * 5000 + "]" * 5000


def laughs() -> str:
    text = "name: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 10):
        text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n"
    return text


def assert_one_line_error(proc, names: str, model_dir: Path, seconds: float) -> str:
    assert proc.returncode == 1, f"exit {proc.returncode} (a signal is negative or >128):\n{proc.stderr[-3000:]}"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{proc.stderr[-3000:]}"
    assert lines[0].startswith("garden: error: "), lines[0]
    assert names in lines[0], f"{names!r} not in {lines[0]!r}"
    assert "Traceback" not in proc.stderr and "Fatal error" not in proc.stderr
    assert not model_dir.exists(), f"{model_dir} was created"
    assert seconds < 30, f"took {seconds:.1f} s"
    return lines[0]


def run_recipe(tmp_path: Path, recipe: Path, *overrides: str, dry_run: bool = False):
    model_dir = tmp_path / "model"
    args = ["run", recipe, "--model-dir", model_dir]
    for item in overrides:
        args += ["--set", item]
    if dry_run:
        args.append("--dry-run")
    start = time.monotonic()
    proc = garden(*args, check=False, timeout=120)
    return proc, model_dir, time.monotonic() - start


FILE_CASES = {
    "deep-flow": ("name: x\nseed: " + DEEP + "\n", "nesting deeper than 64 levels"),
    "deep-block": ("\n".join(" " * i + f"k{i}:" for i in range(200)) + "\n", "nesting deeper than 64 levels"),
    "billion-laughs": (laughs(), "more than 100000 nodes once aliases are expanded"),
    "nan-in-file": ("data:\n  eval_fraction: .nan\n", "'data.eval_fraction' must be a finite number"),
    "name-nul": ('name: "a\\0b"\n', "'name' must be a folder name"),
    "name-newline": ('name: "a\\nb"\n', "'name' must be a folder name"),
    "big-file": ("name: x\n#" + "x" * (1 << 20) + "\n", "larger than 1048576 bytes"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_hostile_recipe_file(tmp_path, case):
    text, expected = FILE_CASES[case]
    recipe = tmp_path / "hostile.yaml"
    recipe.write_text(text)
    for dry_run in (True, False):
        proc, model_dir, seconds = run_recipe(tmp_path, recipe, dry_run=dry_run)
        line = assert_one_line_error(proc, str(recipe), model_dir, seconds)
        assert expected in line, line


SET_CASES = {
    "deep-set": (["seed=" + DEEP], "nesting deeper than 64 levels"),
    "nan": (["data.eval_fraction=.nan"], "must be a finite number, got '.nan'"),
    "inf": (["train.gradient_clip_norm=.inf"], "must be a finite number, got '.inf'"),
    "input-size-409gb": (["model.input_size=100000000"], "'model.input_size' makes training need about"),
    "num-examples-int-max": (["data.num_examples=9223372036854775807"], "must be at most 2147483647"),
    "steps-int-max": (["train.steps=9223372036854775807"], "must be at most 2147483647"),
    "threads": (["train.threads=100000"], "'train.threads' must be between 1 and 256"),
    "vocab-int-max": (["model.type=bert_pretrainer", "model.vocab_size=9223372036854775807"],
                      "'model.vocab_size' must be at most 2147483647"),
    "resnet-image": (["model.type=resnet", "model.input_size=100000"], "'model.input_size' makes training need"),
    "best-metric": (["train.steps=2", "train.best_metric=nope"], "'train.best_metric' must be one of"),
}


@pytest.mark.parametrize("case", sorted(SET_CASES))
def test_hostile_set_argument(tmp_path, case):
    overrides, expected = SET_CASES[case]
    for dry_run in (True, False):
        if case == "best-metric" and dry_run:
            continue  # known only once the model has run a batch
        proc, model_dir, seconds = run_recipe(tmp_path, RECIPES["mlp"], *overrides, dry_run=dry_run)
        line = assert_one_line_error(proc, "--set " + overrides[-1][:60], model_dir, seconds)
        assert expected in line, line


def test_include_diamond_is_read_once(tmp_path):
    for level in range(20):
        for side in "ab":
            text = f"include: [l{level + 1}a.yaml, l{level + 1}b.yaml]\n" if level < 19 else "seed: 3\n"
            (tmp_path / f"l{level}{side}.yaml").write_text(text)
    top = tmp_path / "top.yaml"
    top.write_text("include: [l0a.yaml, l0b.yaml]\nname: diamond\n")
    start = time.monotonic()
    proc = garden("run", top, "--dry-run", check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "seed: 3" in proc.stdout
    assert time.monotonic() - start < 10


def test_hdf5_without_rows(tmp_path):
    data = tmp_path / "empty.h5"
    with h5py.File(data, "w") as f:
        f.create_dataset("train/inputs", data=np.zeros((0, 4), np.float32))
        f.create_dataset("train/labels", data=np.zeros((0,), np.int32))
    proc, model_dir, seconds = run_recipe(tmp_path, RECIPES["mlp"], "data.source=hdf5", f"data.path={data}")
    line = assert_one_line_error(proc, str(data), model_dir, seconds)
    assert "has 0 rows" in line


def test_vocabulary_of_special_tokens_only(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")
    proc, model_dir, seconds = run_recipe(
        tmp_path, REPO_ROOT / "Recipes" / "bert_tiny.yaml", f"data.vocab={vocab}", "train.steps=1")
    line = assert_one_line_error(proc, str(vocab), model_dir, seconds)
    assert "holds only the special tokens" in line


@pytest.mark.parametrize("flag, value, expected", [
    ("--part", "encoder", "--part encoder: model.type mlp has no part 'encoder'"),
    ("--extract-to", "fc", "--extract-to fc: model.type mlp has no named layer 'fc'"),
])
def test_part_errors_name_the_argument(mlp_run, tmp_path, flag, value, expected):
    out = tmp_path / "export"
    proc = garden("export", mlp_run.recipe, "--checkpoint", mlp_run.checkpoint, "--out", out,
                  *mlp_run.set_args, flag, value, check=False)
    assert_one_line_error(proc, expected, out, 0)
