"""The tf_keras peers of scripts/bench (scripts/bench_peers/peers.py) are the same models as
SwiftGarden's: for each benchmarked recipe, the peer built from the resolved recipe has
exactly the variables of a SwiftGarden checkpoint of that recipe, compared by element count
(TF's MultiHeadAttention keeps a [hidden, heads, head_size] kernel where ours is
[hidden, hidden], so shapes may differ while sizes may not).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import h5io
from conftest import REPO_ROOT, checkpoints_in, garden

sys.path.insert(0, str(REPO_ROOT / "scripts" / "bench_peers"))
import peers  # noqa: E402
import recipe_yaml  # noqa: E402

BENCHMARKED = ("mlp", "bert_tiny", "resnet_tiny")


@pytest.mark.parametrize("name", [n for n in BENCHMARKED if (REPO_ROOT / "Recipes" / f"{n}.yaml").is_file()])
def test_peer_has_the_variables_of_the_recipe_model(name, tmp_path):
    model_dir = tmp_path / "model"
    # One step is enough for a checkpoint with every variable.
    garden("train", REPO_ROOT / "Recipes" / f"{name}.yaml", "--model-dir", model_dir,
           "--set", "train.steps=1", "--set", "train.checkpoint_every=1")
    ckpts = checkpoints_in(model_dir / "checkpoints")
    assert ckpts, f"garden train left no checkpoint in {model_dir}"
    variables, _ = h5io.read_checkpoint(ckpts[max(ckpts)])
    ours = sorted(int(np.prod(v.shape)) for v in variables.values())

    peer = peers.build(recipe_yaml.load(model_dir / "recipe.yaml"))
    trainable, non_trainable = peers.variable_sizes(peer)
    theirs = sorted(trainable + non_trainable)
    assert sum(theirs) == sum(ours), f"{name}: tf_keras peer has {sum(theirs)} parameters, SwiftGarden {sum(ours)}"
    assert theirs == ours, f"{name}: variable sizes differ:\n tf_keras {theirs}\n ours     {ours}"
