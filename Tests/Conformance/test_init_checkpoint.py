"""`train.init_checkpoint`: a BERT run starts from another run's (or Model Garden's) encoder.

The first run pre-trains bert_tiny for a few steps. A second run with
`train.init_checkpoint=<first run dir>` and a learning rate far below float32's resolution
(so its one step changes no weight) must hold the source's encoder and masked-LM variables in
its first checkpoint, unlike a from-scratch run of the same recipe; it records the source's
path and SHA-256 (checked with hashlib), and a resumed run ends with the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import BERT_OVERRIDES, RECIPES, garden, set_args
from h5io import read_checkpoint

# One step at a learning rate no float32 weight notices: the checkpoint shows the initial values.
FROZEN = ["train.steps=1", "train.checkpoint_every=1", "train.eval_every=1",
          "train.optimizer.learning_rate.initial_learning_rate=1e-30"]


def run(model_dir: Path, *overrides: str, check: bool = True):
    return garden("run", RECIPES["bert"], "--model-dir", model_dir,
                  *set_args(BERT_OVERRIDES + list(overrides)), check=check)


def part(variables: dict[str, np.ndarray], *prefixes: str) -> dict[str, np.ndarray]:
    return {k: v for k, v in variables.items() if k.startswith(prefixes)}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    model_dir = tmp_path_factory.mktemp("init") / "source"
    run(model_dir)
    return model_dir


def test_encoder_comes_from_the_source_run_and_its_hash_is_recorded(source, tmp_path):
    source_file = source / "checkpoints" / "ckpt-000004.h5"
    proc = run(tmp_path / "tuned", *FROZEN, f"train.init_checkpoint={source}")
    run(tmp_path / "scratch", *FROZEN)
    src, _ = read_checkpoint(source_file)
    tuned, attrs = read_checkpoint(tmp_path / "tuned" / "checkpoints" / "ckpt-000001.h5")
    scratch, _ = read_checkpoint(tmp_path / "scratch" / "checkpoints" / "ckpt-000001.h5")
    copied = part(src, "encoder/", "masked_lm/")
    assert len(part(src, "encoder/")) > 0
    assert set(part(tuned, "encoder/", "masked_lm/")) == set(copied)
    for name, value in copied.items():
        np.testing.assert_array_equal(tuned[name], value, err_msg=name)
        assert not np.array_equal(scratch[name], value) or value.std() == 0, name
    assert any(not np.array_equal(scratch[k], copied[k]) for k in part(copied, "encoder/"))
    sha = hashlib.sha256(source_file.read_bytes()).hexdigest()
    assert attrs["init_checkpoint"] == str(source_file)
    assert attrs["init_checkpoint_sha256"] == sha
    log = proc.stdout + proc.stderr
    assert f"train.init_checkpoint: {source_file} (sha256 {sha})" in log
    assert f"restore: {len(src)} matched, 0 missing, 0 unexpected, 0 shape-mismatched" in log
    recipe = (tmp_path / "tuned" / "recipe.yaml").read_text()
    assert recipe.endswith(f"\n# init_checkpoint_sha256: {sha}\n")
    assert f"init_checkpoint: {source}" in recipe


def test_resume_continues_from_the_runs_own_checkpoint_byte_identically(source, tmp_path):
    args = ["train.steps=4", "train.checkpoint_every=2", "train.eval_every=2",
            f"train.init_checkpoint={source}"]
    run(tmp_path / "whole", *args)
    run(tmp_path / "killed", *args)
    (tmp_path / "killed" / "checkpoints" / "ckpt-000004.h5").unlink()
    moved = tmp_path / "moved-away"
    shutil.move(source, moved)  # the resumed run must not need its init checkpoint
    try:
        proc = run(tmp_path / "killed", *args)
    finally:
        shutil.move(moved, source)
    assert "resumed from " in proc.stdout + proc.stderr
    assert "train.init_checkpoint: " not in proc.stdout + proc.stderr
    for name in ["checkpoints/ckpt-000004.h5", "recipe.yaml"]:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "killed" / name).read_bytes(), name


def test_a_shape_mismatch_in_the_encoder_is_one_line_and_writes_nothing(source, tmp_path):
    source_file = source / "checkpoints" / "ckpt-000004.h5"
    proc = run(tmp_path / "refused", "model.intermediate_size=48", f"train.init_checkpoint={source}",
               check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"garden: error: train.init_checkpoint: {source_file}: variable 'encoder/")
    assert re.search(r"' has shape \[(32, )?64\] in the checkpoint but \[(32, )?48\] in the model$", lines[0]), lines[0]
    assert not (tmp_path / "refused").exists()


def test_a_missing_source_is_one_line_and_writes_nothing(tmp_path):
    missing = tmp_path / "nope"
    proc = run(tmp_path / "refused", f"train.init_checkpoint={missing}", check=False)
    assert proc.returncode == 1
    assert proc.stderr == (f"garden: error: train.init_checkpoint '{missing}': "
                           f"{missing}: no such checkpoint file or directory\n")
    assert not (tmp_path / "refused").exists()


def test_from_a_model_garden_checkpoint(tf, tmp_path):
    """A Model Garden `BertPretrainerV2` checkpoint of bert_tiny's shape initialises the encoder
    and masked-LM head (44 variables); the next-sentence head (built differently there) stays fresh."""
    from official.nlp.modeling import models, networks

    tf.keras.utils.set_random_seed(5)
    encoder = networks.BertEncoderV2(
        vocab_size=512, hidden_size=128, num_layers=2, num_attention_heads=2,
        intermediate_size=512, max_sequence_length=128, type_vocab_size=2)
    pretrainer = models.BertPretrainerV2(encoder_network=encoder)
    ids = np.zeros((1, 8), np.int32)
    pretrainer(dict(input_word_ids=ids, input_mask=np.ones_like(ids), input_type_ids=ids,
                    masked_lm_positions=np.zeros((1, 2), np.int32)))
    prefix = tf.train.Checkpoint(**pretrainer.checkpoint_items).write(str(tmp_path / "mg" / "ckpt"))
    shape = ["model.hidden_size=128", "model.intermediate_size=512", "data.vocab_size=512",
             "model.hidden_activation=gelu"]
    proc = run(tmp_path / "tuned", *shape, *FROZEN, f"train.init_checkpoint={prefix}")
    log = proc.stdout + proc.stderr
    assert "Model Garden checkpoint: BERT encoder at `encoder`, masked-LM head at `masked_lm`" in log
    assert "restore: 44 matched, 2 missing, 0 unexpected, 0 shape-mismatched" in log
    index = Path(prefix + ".index").read_bytes()
    shards = sorted(Path(prefix).parent.glob(Path(prefix).name + ".data-*"))
    sha = hashlib.sha256(index + b"".join(p.read_bytes() for p in shards)).hexdigest()
    _, attrs = read_checkpoint(tmp_path / "tuned" / "checkpoints" / "ckpt-000001.h5")
    assert attrs["init_checkpoint"] == prefix
    assert attrs["init_checkpoint_sha256"] == sha
    tuned, _ = read_checkpoint(tmp_path / "tuned" / "checkpoints" / "ckpt-000001.h5")
    word = encoder.get_embedding_table().numpy()
    np.testing.assert_array_equal(tuned["encoder/word_embeddings/embeddings"], word)
