"""The export's variables are the checkpoint's, and its regularization losses are the recipe's."""

from __future__ import annotations

import numpy as np
import pytest


def _name(variable) -> str:
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


def match_variables(exported, checkpoint: dict[str, np.ndarray]) -> dict[str, int]:
    """Pairs each checkpoint dataset with one exported variable: by name when the export's
    names are the checkpoint's, else by shape and exact value."""
    values = [v.numpy() for v in exported]
    names = [_name(v) for v in exported]
    if sorted(names) == sorted(checkpoint):
        return {name: names.index(name) for name in checkpoint}
    pairs: dict[str, int] = {}
    free = set(range(len(values)))
    for key, want in checkpoint.items():
        hit = next((i for i in sorted(free)
                    if values[i].shape == want.shape and np.array_equal(values[i], want)), None)
        assert hit is not None, (
            f"checkpoint dataset {key} {want.shape} has no equal variable in the export "
            f"(export variables: {[(n, v.shape) for n, v in zip(names, values)]})"
        )
        pairs[key] = hit
        free.discard(hit)
    return pairs


def test_export_variables_equal_checkpoint(run, loaded):
    # The parameters; the dropout rate (mlp) is the export's own, not a checkpoint variable.
    exported = list(loaded.trainable_variables)
    assert len(exported) == len(run.variables)
    pairs = match_variables(exported, run.variables)
    for key, i in pairs.items():
        value = exported[i].numpy()
        assert value.dtype == np.float32, f"{key}: dtype {value.dtype}"
        np.testing.assert_array_equal(value, run.variables[key], err_msg=f"variable {key}")


def test_trainable_variables_are_the_variables_but_the_dropout_rate(run, loaded):
    ids = {id(v) for v in loaded.variables}
    rest = [v.name for v in loaded.variables if id(v) not in {id(t) for t in loaded.trainable_variables}]
    assert rest == (["dropout_rate:0"] if run.name == "mlp" else [])
    assert {id(v) for v in loaded.trainable_variables} <= ids
    assert all(v.trainable for v in loaded.trainable_variables)


def test_regularization_losses_match_checkpoint_formula(run, loaded):
    count, expected = run.expected_regularization()
    fns = list(loaded.regularization_losses)
    assert len(fns) == count, f"{run.name}: {len(fns)} regularization functions, expected {count}"
    values = [f() for f in fns]
    assert all(v.shape.rank == 0 for v in values), "each regularization loss must be a scalar"
    total = float(sum(float(v.numpy()) for v in values))
    assert total == pytest.approx(expected, rel=1e-5), f"{run.name} regularization"
    assert expected > 0


def test_hub_layer_losses_match_checkpoint_formula(run, hub):
    count, expected = run.expected_regularization()
    layer = hub.KerasLayer(str(run.export_dir), trainable=True)
    losses = layer.losses
    assert len(losses) == count
    assert float(sum(float(l.numpy()) for l in losses)) == pytest.approx(expected, rel=1e-5)
