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


def test_a_bare_encoder_checkpoint_has_no_head_and_exports_with_allow_partial(model_garden, tf, tmp_path):
    prefix = model_garden["prefixes"]["encoder"]
    refused = export(prefix, tmp_path / "refused")
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"garden: error: {prefix}: checkpoint does not match the model: "
                                                   "restore: 39 matched, 5 missing"), refused.stderr
    assert "missing (in model, not in checkpoint): masked_lm/transform/kernel" in lines[0]
    assert not (tmp_path / "refused").exists()

    out = tmp_path / "export"
    proc = export(prefix, out, "--allow-partial")
    assert proc.returncode == 0, proc.stderr
    assert "BERT encoder at `encoder`, no masked-LM head (39 variables read, 0 others not)" in proc.stdout + proc.stderr
    check_outputs(tf, out, model_garden)


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
    proc = export(str(damaged), tmp_path / "export", "--allow-partial")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("garden: error: ") and "checksum mismatch" in lines[0], proc.stderr
    assert not (tmp_path / "export").exists()
