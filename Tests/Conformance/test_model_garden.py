"""Model Garden checkpoints in: `garden export RECIPE --checkpoint TF_PREFIX --part encoder`.

Model Garden (`tf-models-official`, installed with --no-deps beside TF 2.21) builds a
`BertPretrainerV2` around a `BertEncoderV2` of the bert_tiny recipe's shape and writes it in the
three layouts its users write. Our export of each must give Model Garden's encoder outputs on
the same inputs. Model Garden's default activation is the tanh approximation of GELU, so the
recipe is run with `model.hidden_activation=gelu`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import RECIPES, garden

# bert_tiny's shape (Recipes/bert_tiny.yaml): the checkpoint must fit the recipe's model.
VOCAB, HIDDEN, LAYERS, HEADS, INTERMEDIATE, MAX_LEN, TYPES = 512, 128, 2, 2, 512, 128, 2
RECIPE_ARGS = ["--set", "model.hidden_activation=gelu"]
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def model_garden(tf, tmp_path_factory):
    """The three checkpoint layouts of one randomly initialised Model Garden pretrainer, and
    its encoder's outputs on fixed inputs (with padding and two segments)."""
    from official.nlp.modeling import layers, models, networks

    tf.keras.utils.set_random_seed(7)
    encoder = networks.BertEncoderV2(
        vocab_size=VOCAB, hidden_size=HIDDEN, num_layers=LAYERS, num_attention_heads=HEADS,
        intermediate_size=INTERMEDIATE, max_sequence_length=MAX_LEN, type_vocab_size=TYPES)
    pretrainer = models.BertPretrainerV2(
        encoder_network=encoder,
        classification_heads=[layers.ClassificationHead(inner_dim=HIDDEN, num_classes=2, name="next_sentence")])
    rng = np.random.RandomState(3)
    ids = rng.randint(0, VOCAB, size=(3, 24)).astype(np.int32)
    mask = np.ones_like(ids)
    mask[1, 15:] = 0
    type_ids = np.zeros_like(ids)
    type_ids[:, 12:] = 1
    inputs = dict(input_word_ids=ids, input_mask=mask, input_type_ids=type_ids)
    pretrainer(dict(inputs, masked_lm_positions=np.zeros((3, 2), np.int32)))
    outputs = {k: (v.numpy() if hasattr(v, "numpy") else [t.numpy() for t in v])
               for k, v in encoder(inputs, training=False).items()}

    root = tmp_path_factory.mktemp("model_garden")
    prefixes = {
        "checkpoint_items": tf.train.Checkpoint(**pretrainer.checkpoint_items).write(str(root / "items" / "ckpt")),
        "model": tf.train.Checkpoint(model=pretrainer).write(str(root / "model" / "ckpt")),
        "encoder": tf.train.Checkpoint(encoder=encoder).write(str(root / "encoder" / "ckpt")),
    }
    return dict(prefixes=prefixes, inputs=inputs, outputs=outputs, root=root)


def export(prefix: str, out: Path, *extra: str):
    return garden("export", RECIPES["bert"], *RECIPE_ARGS, "--checkpoint", prefix, "--part", "encoder",
                  "--out", out, *extra, check=False)


@pytest.mark.parametrize("layout,where", [
    ("checkpoint_items", "BERT encoder at `encoder`, masked-LM head at `masked_lm`"),
    ("model", "BERT encoder at `model/encoder_network`, masked-LM head at `model/masked_lm`"),
])
def test_export_from_a_pretrainer_checkpoint_equals_model_gardens_encoder(model_garden, tf, tmp_path, layout, where):
    out = tmp_path / "export"
    proc = export(model_garden["prefixes"][layout], out)
    assert proc.returncode == 0, proc.stderr
    assert f"Model Garden checkpoint: {where} (44 variables read" in proc.stdout + proc.stderr
    assert "restore: 44 matched, 0 missing, 0 unexpected, 0 shape-mismatched" in proc.stdout + proc.stderr
    check_outputs(tf, out, model_garden)


def test_a_bare_encoder_checkpoint_exports_the_encoder_without_the_mlm_child(model_garden, tf, tmp_path):
    out = tmp_path / "export"
    proc = export(model_garden["prefixes"]["encoder"], out)
    assert proc.returncode == 0, proc.stderr
    log = proc.stdout + proc.stderr
    assert "BERT encoder at `encoder`, no masked-LM head (39 variables read, 0 others not)" in log
    assert "the checkpoint has no masked_lm/ variables, so the export has no `mlm` child" in log
    assert "restore: 39 matched, 0 missing, 0 unexpected, 0 shape-mismatched" in log
    check_outputs(tf, out, model_garden)
    # A head with initial values would be worse than none.
    assert not hasattr(tf.saved_model.load(str(out)), "mlm")


def check_outputs(tf, export_dir: Path, model_garden) -> None:
    loaded = tf.saved_model.load(str(export_dir))
    inputs = {k: tf.constant(v) for k, v in model_garden["inputs"].items()}
    ours = loaded(inputs, training=False)
    theirs = model_garden["outputs"]
    for key in ("sequence_output", "pooled_output"):
        np.testing.assert_allclose(ours[key].numpy(), theirs[key], atol=TOLERANCE, rtol=0, err_msg=key)
    assert len(ours["encoder_outputs"]) == len(theirs["encoder_outputs"]) == LAYERS
    for i, (a, b) in enumerate(zip(ours["encoder_outputs"], theirs["encoder_outputs"])):
        np.testing.assert_allclose(a.numpy(), b, atol=TOLERANCE, rtol=0, err_msg=f"encoder_outputs[{i}]")


def test_a_checkpoint_without_a_bert_encoder_is_refused_in_one_line(tf, tmp_path):
    prefix = tf.train.Checkpoint(v=tf.Variable(1.0)).write(str(tmp_path / "other" / "ckpt"))
    proc = export(prefix, tmp_path / "export")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"garden: error: {prefix}.index: checkpoint does not match the model: no Model Garden BERT encoder in the "
        "object graph (looked for a BertEncoderV2 at encoder and model/encoder_network)")
    assert not (tmp_path / "export").exists()


def test_a_damaged_checkpoint_is_refused_in_one_line(model_garden, tmp_path):
    source = Path(model_garden["prefixes"]["encoder"])
    damaged = tmp_path / "ckpt"
    for suffix in (".index", ".data-00000-of-00001"):
        data = bytearray((source.parent / (source.name + suffix)).read_bytes())
        if suffix != ".index":
            data[len(data) // 2] ^= 0xFF
        (tmp_path / ("ckpt" + suffix)).write_bytes(bytes(data))
    proc = export(str(damaged), tmp_path / "export")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("garden: error: ") and "checksum mismatch" in lines[0], proc.stderr
    assert not (tmp_path / "export").exists()


# --- Model Garden checkpoints out: `garden convert CHECKPOINT --to tf-checkpoint --out PREFIX` ---

# conftest's BERT_OVERRIDES: H=32, 2 layers, 2 heads (the recipe's), I=64, vocab 256, exact GELU.
RUN_VOCAB, RUN_HIDDEN, RUN_INTERMEDIATE = 256, 32, 64


def model_garden_pretrainer(tf):
    """A Model Garden BertPretrainerV2 of the conformance run's shape, built (variables made)."""
    import tf_keras
    from official.nlp.modeling import models, networks

    encoder = networks.BertEncoderV2(
        vocab_size=RUN_VOCAB, hidden_size=RUN_HIDDEN, num_layers=LAYERS, num_attention_heads=HEADS,
        intermediate_size=RUN_INTERMEDIATE, max_sequence_length=MAX_LEN, type_vocab_size=TYPES,
        activation=lambda x: tf_keras.activations.gelu(x, approximate=False))
    pretrainer = models.BertPretrainerV2(encoder_network=encoder, mlm_activation="gelu")
    ids = np.zeros((1, 8), np.int32)
    pretrainer(dict(input_word_ids=ids, input_mask=np.ones_like(ids), input_type_ids=ids,
                    masked_lm_positions=np.zeros((1, 2), np.int32)))
    return pretrainer, encoder


@pytest.fixture(scope="module")
def converted(bert_run, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("converted") / "ckpt"
    proc = garden("convert", bert_run.checkpoint, "--to", "tf-checkpoint", "--out", prefix)
    assert f"converted {bert_run.checkpoint} to {prefix}" in proc.stdout + proc.stderr
    return prefix


def encoder_inputs(tf):
    rng = np.random.RandomState(5)
    ids = rng.randint(0, RUN_VOCAB, size=(2, 16)).astype(np.int32)
    mask = np.ones_like(ids)
    mask[0, 11:] = 0
    return dict(input_word_ids=tf.constant(ids), input_mask=tf.constant(mask),
                input_type_ids=tf.constant(np.zeros_like(ids)))


def test_model_garden_restores_the_converted_checkpoint_and_computes_our_encoder(bert_run, converted, tf):
    pretrainer, encoder = model_garden_pretrainer(tf)
    status = tf.train.Checkpoint(**pretrainer.checkpoint_items).read(str(converted))
    status.assert_existing_objects_matched()
    # The tied table: Model Garden's head reads the encoder's word embeddings.
    assert pretrainer.masked_lm.embedding_table is encoder.get_embedding_table()
    np.testing.assert_array_equal(encoder.get_embedding_table().numpy(),
                                  bert_run.variables["encoder/word_embeddings/embeddings"])

    inputs = encoder_inputs(tf)
    theirs = encoder(inputs, training=False)
    ours = tf.saved_model.load(str(bert_run.export_dir))(inputs, training=False)
    for key in ("sequence_output", "pooled_output"):
        np.testing.assert_allclose(theirs[key].numpy(), ours[key].numpy(), atol=TOLERANCE, rtol=0, err_msg=key)


def test_a_bert_encoder_alone_restores_it_and_fine_tunes_under_mirrored_strategy(converted, tf):
    import tf_keras
    from official.nlp.modeling import models, networks

    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        encoder = networks.BertEncoderV2(
            vocab_size=RUN_VOCAB, hidden_size=RUN_HIDDEN, num_layers=LAYERS, num_attention_heads=HEADS,
            intermediate_size=RUN_INTERMEDIATE, max_sequence_length=MAX_LEN, type_vocab_size=TYPES)
        classifier = models.BertClassifier(network=encoder, num_classes=2)
        tf.train.Checkpoint(encoder=encoder).read(str(converted)).assert_existing_objects_matched()
        restored = encoder.get_embedding_table().numpy().copy()
        classifier.compile(optimizer=tf_keras.optimizers.Adam(1e-3),
                           loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    inputs = {k: v.numpy() for k, v in encoder_inputs(tf).items()}
    labels = np.array([0, 1], np.int32)
    history = classifier.fit(inputs, labels, epochs=2, batch_size=2, verbose=0)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)), losses
    assert not np.array_equal(encoder.get_embedding_table().numpy(), restored), "fine-tuning changed nothing"


def test_convert_errors_are_one_line_and_write_nothing(bert_run, mlp_run, converted, tmp_path):
    taken = garden("convert", bert_run.checkpoint, "--to", "tf-checkpoint", "--out", converted, check=False)
    assert taken.returncode == 1
    assert taken.stderr.strip() == f"garden: error: {converted}.index: output file exists; pass --overwrite to replace it"

    wrong = garden("convert", bert_run.checkpoint, "--to", "onnx", "--out", tmp_path / "x", check=False)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "garden: error: --to onnx: expected one of tf-checkpoint"

    mlp = garden("convert", mlp_run.checkpoint, "--to", "tf-checkpoint", "--out", tmp_path / "m", check=False)
    assert mlp.returncode == 1
    assert mlp.stderr.strip() == (
        f"garden: error: {mlp_run.checkpoint}: model.type mlp has no TensorFlow checkpoint conversion yet; "
        "bert_pretrainer (Model Garden's layout) and resnet (a tf_keras model) convert")
    assert list(tmp_path.iterdir()) == []
