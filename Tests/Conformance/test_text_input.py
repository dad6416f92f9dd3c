"""Text in: the tokenizer as TensorFlow ops (`garden export --part preprocess`, `export.text_input`).

A tiny BERT pre-trainer is trained once; then
- the stand-alone preprocessing export's ids equal `garden tokenize` packed as Model Garden packs
  (`[CLS] a [SEP] (b [SEP])`, RoundRobinTrimmer truncation, padding), and equal Model Garden's
  own preprocessing model (`export_tfhub_lib.create_preprocessing`) on many lines: ASCII,
  non-ASCII, lines longer than seq_length, empty lines, sentence pairs;
- the text-in export's outputs equal the ids-in encoder export fed the preprocessing export's ids,
  and `garden predict` fed `garden tokenize`'s;
- a `bert_classifier`'s text-in export gives its ids-in export's logits (one sentence, pairs, and
  through the C++ loader);
- re-exports are byte-identical; the exports load in `tf.saved_model.load`, `hub.KerasLayer` and
  TensorFlow's C++ loader (C API), which fills the vocabulary table through the init op.

The tokenizer uses `tensorflow_text` ops, so `tensorflow_text` is imported before loading.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import h5py
import numpy as np
import pytest

import tf_c_api
from conftest import REPO_ROOT, assert_close_to_scale, garden, set_args
from test_tokenizer_tftext import WORDS, random_line

RECIPE = REPO_ROOT / "Recipes" / "bert_tiny.yaml"
SEQ = 128  # the recipe's model.max_sequence_length: the preprocessing's seq_length
OVERRIDES = [
    "seed=5", "train.steps=4", "train.checkpoint_every=4", "train.eval_every=4",
    "train.optimizer.learning_rate.warmup_steps=2",
    "data.num_examples=64", "data.batch_size=16", "data.seq_length=16", "data.vocab_size=256",
    "model.hidden_size=32", "model.num_layers=2", "model.intermediate_size=64",
]
KEYS = ("input_mask", "input_type_ids", "input_word_ids")


@pytest.fixture(scope="module")
def tf_text(tf):
    import tensorflow_text  # registers its ops and kernels (tf.load_op_library) in this process

    return tensorflow_text


class TextRun:
    def __init__(self, root: Path):
        self.root = root
        self.model_dir = root / "model"
        garden("run", RECIPE, "--model-dir", self.model_dir, *set_args(OVERRIDES))
        self.vocab_path = self.model_dir / "export" / "assets" / "vocab.txt"
        self.vocab = self.vocab_path.read_text(encoding="utf-8").split("\n")[:-1]

    def export(self, out: Path, *extra: str) -> Path:
        garden("export", RECIPE, "--checkpoint", self.model_dir / "checkpoints", "--out", out,
               *set_args(OVERRIDES), *extra)
        return out

    def tokenize(self, lines: list[str]) -> list[list[int]]:
        path = self.root / f"lines-{len(list(self.root.glob('lines-*')))}.txt"
        path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
        out = garden("tokenize", "--vocab", self.vocab_path, "--input", path).stdout.split("\n")
        assert out[-1] == "" and len(out) == len(lines) + 1
        return [[int(t) for t in row.split()] for row in out[:-1]]

    def predict(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n = len(list(self.root.glob("in-*.h5")))
        in_path, out_path = self.root / f"in-{n}.h5", self.root / f"out-{n}.h5"
        with h5py.File(in_path, "w") as f:
            for k, v in inputs.items():
                f.create_dataset(k, data=np.asarray(v, dtype=np.int32))
        garden("predict", self.model_dir / "recipe.yaml", "--checkpoint", self.model_dir / "checkpoints",
               "--input", in_path, "--output", out_path, "--part", "encoder")
        with h5py.File(out_path, "r") as f:
            return {k: f[k][()] for k in f.keys()}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> TextRun:
    return TextRun(tmp_path_factory.mktemp("run-text"))


@pytest.fixture(scope="module")
def preprocess_dir(run, tmp_path_factory) -> Path:
    return run.export(tmp_path_factory.mktemp("pre") / "export", "--part", "preprocess")


@pytest.fixture(scope="module")
def text_dir(run, tmp_path_factory) -> Path:
    return run.export(tmp_path_factory.mktemp("text") / "export", "--set", "export.text_input=true")


@pytest.fixture(scope="module")
def lines(run) -> list[str]:
    """Vocabulary words, random Unicode lines, lines longer than SEQ tokens, empty lines."""
    rng = np.random.default_rng(1130)
    words = [t for t in run.vocab if not t.startswith(("[", "##"))]
    sentences = [" ".join(rng.choice(words, size=int(rng.integers(1, 20)))) for _ in range(150)]
    long = [" ".join(rng.choice(words, size=int(rng.integers(SEQ, 3 * SEQ)))) for _ in range(12)]
    mixed = [random_line(rng) for _ in range(150)] + WORDS
    cased = [s.upper() + " Ünïcödé, ÇA VA?" for s in sentences[:20]]
    return sentences + long + mixed + cased + ["", " ", "\t"]


def pack(segments: list[list[int]], vocab: list[str]) -> dict[str, np.ndarray]:
    """Model Garden's BertPackInputs, written out: RoundRobinTrimmer, [CLS] a [SEP] (b [SEP])."""
    cls, sep, pad = vocab.index("[CLS]"), vocab.index("[SEP]"), vocab.index("[PAD]")
    budget = SEQ - (len(segments) + 1)
    keep = [0] * len(segments)
    while sum(keep) < budget and any(k < len(s) for k, s in zip(keep, segments)):
        for i, s in enumerate(segments):  # one token per segment in turn
            if keep[i] < len(s) and sum(keep) < budget:
                keep[i] += 1
    words, types = [cls], [0]
    for i, (s, k) in enumerate(zip(segments, keep)):
        words += s[:k] + [sep]
        types += [i] * (k + 1)
    n = len(words)
    return {"input_word_ids": np.array(words + [pad] * (SEQ - n), np.int32),
            "input_mask": np.array([1] * n + [0] * (SEQ - n), np.int32),
            "input_type_ids": np.array(types + [0] * (SEQ - n), np.int32)}


def packed(rows: list[list[list[int]]], vocab) -> dict[str, np.ndarray]:
    each = [pack(r, vocab) for r in rows]
    return {k: np.stack([e[k] for e in each]) for k in KEYS}


def numpy(out) -> dict[str, np.ndarray]:
    return {k: np.stack([t.numpy() for t in v]) if isinstance(v, list) else v.numpy() for k, v in out.items()}


def assert_ids_equal(actual: dict, expected: dict, lines: list, what: str) -> None:
    for k in KEYS:
        a, e = np.asarray(actual[k]), np.asarray(expected[k])
        assert a.dtype == np.int32 and a.shape == e.shape, f"{what} {k}: {a.dtype} {a.shape} vs {e.shape}"
        bad = np.nonzero(np.any(a != e, axis=1))[0]
        assert len(bad) == 0, f"{what} {k}: {len(bad)} rows differ, first {lines[bad[0]]!a}:\n{a[bad[0]]}\n{e[bad[0]]}"


def test_preprocess_ids_equal_garden_tokenize_packed(run, preprocess_dir, lines, tf, tf_text):
    loaded = tf.saved_model.load(str(preprocess_dir))
    ids = run.tokenize(lines)
    assert max(len(r) for r in ids) > SEQ and sum(r.count(run.vocab.index("[UNK]")) for r in ids) > 10
    expected = packed([[r] for r in ids], run.vocab)
    assert_ids_equal(numpy(loaded(tf.constant(lines))), expected, lines, "__call__")
    assert_ids_equal(numpy(loaded.signatures["serving_default"](text=tf.constant(lines))), expected, lines,
                     "serving_default")
    # Pairs: every line with a shifted partner (long with short, short with long, empty ones).
    partners = lines[7:] + lines[:7]
    pair_ids = [[a, b] for a, b in zip(ids, ids[7:] + ids[:7])]
    out = loaded.signatures["text_pair"](text=tf.constant(lines), text_b=tf.constant(partners))
    assert_ids_equal(numpy(out), packed(pair_ids, run.vocab), lines, "text_pair")
    assert bool(loaded.do_lower_case.numpy())
    card = (preprocess_dir / "assets.extra" / "README.md").read_text(encoding="utf-8")
    assert "## Text input" in card and "`import tensorflow_text`" in card and "`text_pair`" in card
    assert "## Text input" not in (run.model_dir / "export" / "assets.extra" / "README.md").read_text()
    assert Path(loaded.vocab_file.asset_path.numpy().decode()).read_text(encoding="utf-8") == \
        run.vocab_path.read_text(encoding="utf-8")


def test_preprocess_equals_model_gardens_preprocessing(run, preprocess_dir, lines, tf, tf_text):
    from official.nlp.tools import export_tfhub_lib

    reference = export_tfhub_lib.create_preprocessing(
        vocab_file=str(run.vocab_path), do_lower_case=True, tokenize_with_offsets=False,
        default_seq_length=SEQ)
    loaded = tf.saved_model.load(str(preprocess_dir))
    want = {k: v.numpy().astype(np.int32) for k, v in reference(tf.constant(lines)).items()}
    assert_ids_equal(numpy(loaded(tf.constant(lines))), want, lines, "single")
    partners = lines[3:] + lines[:3]
    tokenize = reference.tokenize
    # The wrapper's call is an instance attribute (as TF Hub's `preprocessor.bert_pack_inputs`).
    want = reference.bert_pack_inputs.__call__(
        [tokenize(tf.constant(lines)), tokenize(tf.constant(partners))], seq_length=SEQ)
    got = loaded.signatures["text_pair"](text=tf.constant(lines), text_b=tf.constant(partners))
    assert_ids_equal(numpy(got), {k: v.numpy().astype(np.int32) for k, v in want.items()}, lines, "pair")


def test_text_in_outputs_equal_ids_in_export_and_garden_predict(run, preprocess_dir, text_dir, lines, tf,
                                                               tf_text):
    text_model = tf.saved_model.load(str(text_dir))
    ids_model = tf.saved_model.load(str(run.model_dir / "export"))
    pre = tf.saved_model.load(str(preprocess_dir))
    batch = lines[:40] + lines[150:170]  # sentences, long lines, random Unicode
    ids = numpy(pre(tf.constant(batch)))
    want = numpy(ids_model.signatures["serving_default"](**{k: tf.constant(v) for k, v in ids.items()}))
    got = numpy(text_model.signatures["serving_default"](text=tf.constant(batch)))
    assert sorted(got) == sorted(want)
    for k in want:
        assert_close_to_scale(got[k], want[k], f"serving_default {k}")
    swift = run.predict(packed([[r] for r in run.tokenize(batch)], run.vocab))
    for k in ("pooled_output", "sequence_output"):
        assert_close_to_scale(got[k], swift[k], f"garden predict {k}")
    # Pairs, and the unchanged ids-in paths of the same export.
    partners = batch[5:] + batch[:5]
    pair_ids = numpy(pre.signatures["text_pair"](text=tf.constant(batch), text_b=tf.constant(partners)))
    got = numpy(text_model.signatures["text_pair"](text=tf.constant(batch), text_b=tf.constant(partners)))
    want = numpy(ids_model(pair_ids))
    assert_close_to_scale(got["pooled_output"], want["pooled_output"], "text_pair pooled_output")
    via_ids = numpy(text_model.signatures["serving_ids"](**{k: tf.constant(v) for k, v in pair_ids.items()}))
    assert_close_to_scale(via_ids["pooled_output"], want["pooled_output"], "serving_ids")
    assert_close_to_scale(text_model(pair_ids)["pooled_output"].numpy(), want["pooled_output"], "__call__")


def test_reexport_is_byte_identical(run, preprocess_dir, text_dir, tmp_path):
    for original, extra in ((preprocess_dir, ["--part", "preprocess"]),
                            (text_dir, ["--set", "export.text_input=true"])):
        again = run.export(tmp_path / original.parent.name, *extra)
        files = sorted(p.relative_to(original) for p in original.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
        for f in files:
            assert (original / f).read_bytes() == (again / f).read_bytes(), f"{original.name}/{f} differs"


def test_hub_keras_layer(run, preprocess_dir, text_dir, lines, tf, hub, tf_text):
    import tf_keras

    preprocessor = hub.KerasLayer(str(preprocess_dir))
    encoder_inputs = preprocessor(tf.constant(lines[:8]))
    assert sorted(encoder_inputs) == sorted(KEYS) and encoder_inputs["input_word_ids"].shape == (8, SEQ)
    encoder = hub.KerasLayer(str(run.model_dir / "export"), trainable=True)
    pooled = encoder(encoder_inputs)["pooled_output"]
    text_layer = hub.KerasLayer(str(text_dir), signature="serving_default", signature_outputs_as_dict=True)
    got = text_layer(tf.constant(lines[:8]))["pooled_output"]
    assert_close_to_scale(got.numpy(), pooled.numpy(), "hub text-in pooled_output")
    # The TF Hub text-classifier recipe: strings in, preprocessing layer, encoder, new head.
    text = tf_keras.layers.Input(shape=(), dtype=tf.string)
    logits = tf_keras.layers.Dense(2)(encoder(hub.KerasLayer(str(preprocess_dir))(text))["pooled_output"])
    model = tf_keras.Model(text, logits)
    assert model(tf.constant(lines[:3])).shape == (3, 2)


def c_strings(session: tf_c_api.SavedModelSession, values: list[str]) -> int:
    """A TF_STRING tensor (TF_TString elements) made through the C API."""
    lib = session.lib
    for name, restype, argtypes in (("TF_StringInit", None, [ctypes.c_void_p]),
                                    ("TF_StringCopy", None, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    size = 24  # sizeof(TF_TString)
    dims = (ctypes.c_int64 * 1)(len(values))
    tensor = lib.TF_AllocateTensor(7, dims, 1, size * len(values))
    base = lib.TF_TensorData(tensor)
    for i, v in enumerate(values):
        raw = v.encode("utf-8")
        lib.TF_StringInit(base + i * size)
        lib.TF_StringCopy(base + i * size, raw, len(raw))
    return tensor


def run_text_signature(directory: Path, batch: list[str]) -> dict[str, np.ndarray]:
    """`serving_default(text=batch)` of the export in `directory`, through TensorFlow's C++ loader
    (TF_LoadSessionFromSavedModel), which runs the init op that fills the vocabulary table."""
    session = tf_c_api.SavedModelSession(directory)
    try:
        meta = session.meta_graph
        assert "__saved_model_init_op" in meta.signature_def
        signature = meta.signature_def["serving_default"]
        feed = session._output(signature.inputs["text"].name)
        out_keys = sorted(signature.outputs)
        fetches = (tf_c_api.TFOutput * len(out_keys))(
            *[session._output(signature.outputs[k].name) for k in out_keys])
        results = (ctypes.c_void_p * len(out_keys))()
        values = (ctypes.c_void_p * 1)(c_strings(session, batch))
        session.lib.TF_SessionRun(session.session, None, (tf_c_api.TFOutput * 1)(feed), values, 1, fetches,
                                  results, len(out_keys), None, 0, None, session.status)
        session._check("TF_SessionRun(serving_default)")
        got = {k: session._array(results[i]) for i, k in enumerate(out_keys)}
        for r in list(results) + list(values):
            session.lib.TF_DeleteTensor(r)
        return got
    finally:
        session.close()


def test_cpp_loader_runs_the_table_init_op(run, preprocess_dir, text_dir, lines, tf, tf_text):
    # The C++ loader (TF_LoadSessionFromSavedModel) finds the tensorflow_text kernels that
    # `import tensorflow_text` registered in this process (tf.load_op_library).
    batch = lines[:30] + lines[150:160]
    pre = tf.saved_model.load(str(preprocess_dir))
    want_ids = numpy(pre(tf.constant(batch)))
    ids_model = tf.saved_model.load(str(run.model_dir / "export"))
    want_pooled = ids_model(want_ids)["pooled_output"].numpy()
    for directory in (preprocess_dir, text_dir):
        got = run_text_signature(directory, batch)
        if directory == preprocess_dir:
            assert_ids_equal(got, want_ids, batch, "C API preprocess")
        else:
            assert_close_to_scale(got["pooled_output"], want_pooled, "C API text-in pooled_output")


def test_predict_refuses_the_preprocess_part_in_one_line(run, tmp_path):
    in_path = tmp_path / "in.h5"
    with h5py.File(in_path, "w") as f:
        f.create_dataset("inputs", data=np.zeros((2,), np.int32))
    proc = garden("predict", run.model_dir / "recipe.yaml", "--checkpoint", run.model_dir / "checkpoints",
                  "--input", in_path, "--output", tmp_path / "out.h5", "--part", "preprocess", check=False)
    assert proc.returncode == 1 and not (tmp_path / "out.h5").exists()
    assert proc.stderr == ("garden: error: --part preprocess: the preprocessing takes strings and runs only in "
                           "TensorFlow (export it); garden tokenize gives its ids\n")


def test_classifier_text_in_logits_equal_its_ids_in_logits(train_once, lines, tf, tf_text, tmp_path):
    """`bert_classifier` (conftest's small classifier, fine-tuned from the small `bert` run):
    `export.text_input` gives the ids-in export's logits, for one sentence and for pairs; its
    `--part preprocess` is the tokenizer the ids come from, and TF Serving's C++ loader runs it."""
    classifier = train_once("bert_classifier")
    text_dir, pre_dir = tmp_path / "text", tmp_path / "pre"
    classifier.export(text_dir, "--set", "export.text_input=true")
    classifier.export(pre_dir, "--part", "preprocess")
    text_model = tf.saved_model.load(str(text_dir))
    ids_model = tf.saved_model.load(str(classifier.export_dir))
    pre = tf.saved_model.load(str(pre_dir))
    batch = lines[:24] + lines[150:160]
    ids = numpy(pre(tf.constant(batch)))
    want = numpy(ids_model.signatures["serving_default"](**{k: tf.constant(v) for k, v in ids.items()}))
    got = numpy(text_model.signatures["serving_default"](text=tf.constant(batch)))
    assert sorted(got) == sorted(want) == ["output_0"]
    assert got["output_0"].shape == (len(batch), 8)
    assert_close_to_scale(got["output_0"], want["output_0"], "classifier serving_default logits")
    partners = batch[3:] + batch[:3]
    pair_ids = numpy(pre.signatures["text_pair"](text=tf.constant(batch), text_b=tf.constant(partners)))
    got = numpy(text_model.signatures["text_pair"](text=tf.constant(batch), text_b=tf.constant(partners)))
    want = numpy(ids_model.signatures["serving_default"](**{k: tf.constant(v) for k, v in pair_ids.items()}))
    assert_close_to_scale(got["output_0"], want["output_0"], "classifier text_pair logits")
    logits = run_text_signature(text_dir, batch[:4])
    first = numpy(text_model.signatures["serving_default"](text=tf.constant(batch[:4])))["output_0"]
    assert_close_to_scale(np.asarray(logits["output_0"]), first, "C++ loader classifier logits")
