"""The BERT family: train a tiny pre-trainer, export the `encoder` part, judge it in TensorFlow.

One session fixture trains Recipes/bert_tiny.yaml for a few steps with a tiny `--set` config
(H=32, I=64, vocab 256) but the recipe's max_sequence_length 128, so inputs of length 128 work.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pytest

import h5io
from conftest import REPO_ROOT, assert_close_to_scale, garden, set_args

RECIPE = REPO_ROOT / "Recipes" / "bert_tiny.yaml"
HIDDEN, LAYERS, VOCAB, L2 = 32, 2, 256, 1e-3
EXPORT_DROPOUT, EXPORT_ATTENTION_DROPOUT = 0.3, 0.2
OVERRIDES = [
    "seed=7", "train.steps=6", "train.checkpoint_every=6", "train.log_every=3", "train.eval_every=6",
    "train.optimizer.learning_rate.warmup_steps=2",
    "data.num_examples=96", "data.batch_size=16", "data.seq_length=32", f"data.vocab_size={VOCAB}",
    f"model.hidden_size={HIDDEN}", f"model.num_layers={LAYERS}", "model.intermediate_size=64",
    f"model.kernel_regularizer.l2={L2}",
    f"export.dropout_rate={EXPORT_DROPOUT}", f"export.attention_dropout_rate={EXPORT_ATTENTION_DROPOUT}",
]
INPUT_KEYS = ("input_word_ids", "input_mask", "input_type_ids")


@dataclass
class BertRun:
    model_dir: Path
    work: Path

    @property
    def export_dir(self) -> Path:
        return self.model_dir / "export"

    @property
    def checkpoint(self) -> Path:
        return self.model_dir / "checkpoints"

    def predict(self, inputs: dict[str, np.ndarray], training: bool = False) -> dict[str, np.ndarray]:
        self.work.mkdir(parents=True, exist_ok=True)
        n = len(list(self.work.glob("in-*.h5")))
        in_path, out_path = self.work / f"in-{n}.h5", self.work / f"out-{n}.h5"
        with h5py.File(in_path, "w") as f:
            for k, v in inputs.items():
                f.create_dataset(k, data=np.asarray(v, dtype=np.int32))
        args = ["predict", self.model_dir / "recipe.yaml", "--checkpoint", self.checkpoint,
                "--input", in_path, "--output", out_path, "--part", "encoder"]
        if training:
            args.append("--training")
        garden(*args)
        with h5py.File(out_path, "r") as f:
            return {k: f[k][()] for k in f.keys()}


@pytest.fixture(scope="session")
def bert(tmp_path_factory) -> BertRun:
    root = tmp_path_factory.mktemp("run-bert")
    garden("run", RECIPE, "--model-dir", root / "model", *set_args(OVERRIDES))
    return BertRun(root / "model", root / "work")


@pytest.fixture(scope="session")
def bert_loaded(bert, tf):
    return tf.saved_model.load(str(bert.export_dir))


def random_inputs(batch: int, seq: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, VOCAB, size=(batch, seq)).astype(np.int32)
    lengths = rng.integers(max(seq // 2, 2), seq + 1, size=batch)
    lengths[0] = seq  # one row without padding
    mask = (np.arange(seq)[None, :] < lengths[:, None]).astype(np.int32)
    types = ((np.arange(seq)[None, :] >= (lengths // 2)[:, None]) & (mask == 1)).astype(np.int32)
    return {"input_word_ids": ids, "input_mask": mask, "input_type_ids": types}


def as_tf(tf, inputs):
    return {k: tf.constant(v) for k, v in inputs.items()}


@pytest.mark.parametrize("seq", [16, 64, 128])
def test_encoder_matches_garden_predict(bert, bert_loaded, tf, seq):
    inputs = random_inputs(3, seq, seed=seq)
    expected = bert.predict(inputs)
    out = bert_loaded(as_tf(tf, inputs), training=False)
    assert set(out) == {"pooled_output", "sequence_output", "encoder_outputs", "default"}
    assert isinstance(out["encoder_outputs"], list) and len(out["encoder_outputs"]) == LAYERS
    for key in ("pooled_output", "sequence_output", "default"):
        assert_close_to_scale(out[key].numpy(), expected[key], f"{key}, seq {seq}")
    for i, t in enumerate(out["encoder_outputs"]):
        assert_close_to_scale(t.numpy(), expected[f"encoder_outputs_{i}"], f"encoder_outputs[{i}], seq {seq}")
    np.testing.assert_array_equal(out["default"].numpy(), out["pooled_output"].numpy())
    np.testing.assert_array_equal(out["encoder_outputs"][-1].numpy(), out["sequence_output"].numpy())


def test_padding_positions_are_masked(bert_loaded, tf):
    inputs = random_inputs(4, 24, seed=3)
    changed = {k: v.copy() for k, v in inputs.items()}
    pad = inputs["input_mask"] == 0
    assert pad.any()
    changed["input_word_ids"][pad] = (changed["input_word_ids"][pad] + 17) % VOCAB
    a = bert_loaded(as_tf(tf, inputs))["pooled_output"].numpy()
    b = bert_loaded(as_tf(tf, changed))["pooled_output"].numpy()
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    # The change is visible where the mask is 1.
    changed["input_word_ids"][:, 1] = (changed["input_word_ids"][:, 1] + 1) % VOCAB
    c = bert_loaded(as_tf(tf, changed))["pooled_output"].numpy()
    assert np.abs(a - c).max() > 1e-6


def test_training_true_applies_dropout(bert, bert_loaded, tf):
    inputs = as_tf(tf, random_inputs(2, 16, seed=4))
    infer = bert_loaded(inputs, training=False)["sequence_output"].numpy()
    train1 = bert_loaded(inputs, training=True)["sequence_output"].numpy()
    train2 = bert_loaded(inputs, training=True)["sequence_output"].numpy()
    assert np.abs(train1 - infer).max() > 1e-3
    assert np.abs(train1 - train2).max() > 1e-3, "training=True should draw a new mask per call"


def encoder_kernels(bert) -> dict[str, np.ndarray]:
    ckpts = sorted(bert.checkpoint.glob("ckpt-*.h5"))
    variables, _ = h5io.read_checkpoint(ckpts[-1])
    return {k: v for k, v in variables.items() if k.startswith("encoder/") and k.endswith("/kernel")}


def test_layer_losses_equal_swift_regularization(bert, hub, tf):
    layer = hub.KerasLayer(str(bert.export_dir), trainable=True)
    kernels = encoder_kernels(bert)
    # 4 attention projections + intermediate + output per layer, and the pooler.
    assert len(kernels) == 6 * LAYERS + 1
    assert len(layer.losses) == len(kernels)
    expected = sum(L2 * float(np.sum(k.astype(np.float64) ** 2)) for k in kernels.values())
    actual = float(sum(float(l.numpy()) for l in layer.losses))
    assert abs(actual - expected) <= 1e-5 * expected


def test_export_holds_the_encoder_variables_only(bert, bert_loaded, tf):
    names = [v.name for v in bert_loaded.trainable_variables]
    ckpts = sorted(bert.checkpoint.glob("ckpt-*.h5"))
    variables, _ = h5io.read_checkpoint(ckpts[-1])
    encoder = {k for k in variables if k.startswith("encoder/")}
    assert len(names) == len(encoder)
    assert not any("masked_lm" in n or "next_sentence" in n or n.startswith("mlm") for n in names)
    bools = [v for v in bert_loaded.variables if v.dtype == tf.bool]
    assert [v.name for v in bools] == ["do_lower_case:0"] and bool(bert_loaded.do_lower_case.numpy())
    # Besides the encoder's: do_lower_case and the two dropout rates a consumer may adjust.
    extra = sorted(v.name for v in bert_loaded.variables if v.name not in names)
    assert extra == ["attention_dropout_rate:0", "do_lower_case:0", "dropout_rate:0"]
    assert len(bert_loaded.variables) == len(encoder) + 3
    assert Path(bert_loaded.vocab_file.asset_path.numpy().decode()).read_text().splitlines()[:5] == [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def test_mlm_child_is_callable(bert_loaded, tf):
    inputs = random_inputs(2, 20, seed=6)
    positions = tf.constant([[1, 2, 5], [3, 4, 0]], tf.int32)
    out = bert_loaded.mlm(*[tf.constant(inputs[k]) for k in INPUT_KEYS], positions)
    logits = out["mlm_logits"].numpy()
    assert logits.shape == (2, 3, VOCAB) and np.isfinite(logits).all()
    assert bert_loaded.mlm.word_embeddings is bert_loaded.word_embeddings.embeddings
    # The head reads the encoder's sequence output at the positions (tied output projection).
    assert np.abs(logits[0, 0] - logits[0, 1]).max() > 0


def test_serving_default_and_saved_model_cli(bert, bert_loaded, tf):
    inputs = random_inputs(2, 16, seed=8)
    out = bert_loaded.signatures["serving_default"](**as_tf(tf, inputs))
    expected = bert.predict(inputs)
    assert set(out) == {"default", "pooled_output", "sequence_output"} | {
        f"encoder_outputs_{i}" for i in range(LAYERS)}
    for key, value in out.items():
        assert_close_to_scale(value.numpy(), expected[key], f"serving_default {key}")
    cli = Path(sys.executable).with_name("saved_model_cli")
    proc = subprocess.run([str(cli), "show", "--dir", str(bert.export_dir), "--all"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "input_word_ids" in proc.stdout and "pooled_output" in proc.stdout


def test_finetune_through_hub_keras_layer(bert, hub, tf):
    import tf_keras

    tf_keras.utils.set_random_seed(3)
    data = random_inputs(64, 16, seed=11)
    labels = (data["input_word_ids"][:, 1] % 2).astype(np.int64)
    ins = {k: tf_keras.layers.Input((None,), dtype=tf.int32, name=k) for k in INPUT_KEYS}
    layer = hub.KerasLayer(str(bert.export_dir), trainable=True)
    logits = tf_keras.layers.Dense(2)(layer(ins)["pooled_output"])
    model = tf_keras.Model(ins, logits)
    model.compile(optimizer=tf_keras.optimizers.Adam(1e-3),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = [w.numpy().copy() for w in layer.trainable_weights]
    loss_before = model.evaluate(data, labels, verbose=0)
    model.fit(data, labels, epochs=6, batch_size=16, shuffle=False, verbose=0)
    loss_after = model.evaluate(data, labels, verbose=0)
    assert loss_after < loss_before
    unchanged = [w.name for w, b in zip(layer.trainable_weights, before) if np.array_equal(w.numpy(), b)]
    assert not unchanged, f"variables not updated by fine-tuning: {unchanged}"


# --- BERT's WordPiece in plain Python (google-research/bert tokenization.py), for the vocab test.

def _is_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def _is_control(c):
    return c not in "\t\n\r" and unicodedata.category(c).startswith("C")


def _is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_chinese(cp):
    return any(a <= cp <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
                                        (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF),
                                        (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def python_wordpiece(text: str, vocab: dict[str, int], lower: bool = True) -> list[int]:
    out = []
    for c in text:
        if ord(c) in (0, 0xFFFD) or _is_control(c):
            continue
        if _is_whitespace(c):
            out.append(" ")
        elif _is_chinese(ord(c)):
            out += [" ", c, " "]
        else:
            out.append(c)
    words = []
    for token in "".join(out).split():
        if lower:
            token = "".join(c for c in unicodedata.normalize("NFD", token.lower())
                            if unicodedata.category(c) != "Mn")
        current = ""
        for c in token:
            if _is_punctuation(c):
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
    ids = []
    for word in words:
        if len(word) > 100:
            ids.append(vocab["[UNK]"])
            continue
        start, pieces = 0, []
        while start < len(word):
            end, piece = len(word), None
            while start < end:
                sub = ("##" if start > 0 else "") + word[start:end]
                if sub in vocab:
                    piece = sub
                    break
                end -= 1
            if piece is None:
                pieces = [vocab["[UNK]"]]
                break
            pieces.append(vocab[piece])
            start = end
        ids += pieces
    return ids


def test_vocab_tokenizes_identically_in_swift_and_python(bert, bert_loaded, tmp_path):
    vocab_path = Path(bert_loaded.vocab_file.asset_path.numpy().decode())
    vocab = {line.strip(): i for i, line in enumerate(vocab_path.read_text(encoding="utf-8").splitlines())}
    words = [w for w in vocab if not w.startswith("[") and not w.startswith("##")]
    rng = np.random.default_rng(5)
    lines = [
        "Hello, World! It's 3.14 -- (really) naïve café Über.",
        "UNKNOWN words: qqqq xyzzy " + "a" * 101,
        "中文字符 mixed with ascii; tabs\tand  spaces",
        " ".join(rng.choice(words, size=12)) + " .",
        " ".join(w.upper() + "zz" for w in rng.choice(words, size=6)),
        "",
    ]
    text_file = tmp_path / "text.txt"
    text_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = garden("tokenize", "--vocab", vocab_path, "--input", text_file)
    swift = [[int(t) for t in line.split()] for line in proc.stdout.split("\n")[:len(lines)]]
    python = [python_wordpiece(line, vocab) for line in lines]
    assert swift == python
    assert any(vocab["[UNK]"] in ids for ids in python)
    assert any(any(k.startswith("##") for k, v in vocab.items() if v in ids) for ids in python)


@pytest.mark.parametrize("part, message", [
    ("masked_lm", "is a head and cannot be exported alone"),
    ("pooler", "has no part 'pooler'"),
])
def test_part_errors_name_the_part(bert, tmp_path, part, message):
    proc = garden("export", RECIPE, "--checkpoint", bert.checkpoint, "--out", tmp_path / "x",
                  "--part", part, *set_args(OVERRIDES), check=False)
    assert proc.returncode != 0 and message in proc.stderr
    assert proc.stderr.count("\n") == 1
