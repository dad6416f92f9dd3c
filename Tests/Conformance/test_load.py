"""The export loads in TF2 and TF Hub and has the reusable-SavedModel interface."""

from __future__ import annotations


def test_saved_model_load_has_reusable_interface(run, loaded):
    assert callable(loaded), "loaded object has no __call__"
    # Every parameter, plus the non-trainable dropout rate a consumer may adjust (mlp).
    rates = ["dropout_rate"] if run.name == "mlp" else []
    assert len(loaded.variables) == len(run.variables) + len(rates), (
        f"export has {len(loaded.variables)} variables, checkpoint {run.checkpoint} has {len(run.variables)}"
    )
    assert len(loaded.trainable_variables) == len(run.variables), "every parameter should be trainable"
    assert all(callable(f) for f in loaded.regularization_losses)
    assert "serving_default" in loaded.signatures


def test_serving_signature_has_inputs_key_and_unknown_batch(run, loaded):
    sig = loaded.signatures["serving_default"]
    args, kwargs = sig.structured_input_signature
    assert args == (), f"serving_default takes keywords only, got positional {args}"
    assert set(kwargs) == {"inputs"}
    spec = kwargs["inputs"]
    assert spec.dtype.name == "float32"
    if run.name == "mlp":
        assert spec.shape.as_list() == [None, 4]
    else:
        assert spec.shape.rank is None or spec.shape[0] is None, f"batch dim must be unknown: {spec.shape}"
    assert set(sig.structured_outputs) == {"output_0"}


def test_hub_keras_layer_loads(run, hub, tf):
    layer = hub.KerasLayer(str(run.export_dir))
    x = run.sample_inputs(5, seed=3)
    y = layer(tf.constant(x))
    assert y.shape[0] == 5
    assert not layer.trainable_weights, "hub.KerasLayer is frozen unless trainable=True"
    trainable = hub.KerasLayer(str(run.export_dir), trainable=True)
    assert len(trainable.trainable_weights) == len(run.variables)
    rates = ["dropout_rate:0"] if run.name == "mlp" else []
    assert [w.name for w in trainable.non_trainable_weights] == rates
