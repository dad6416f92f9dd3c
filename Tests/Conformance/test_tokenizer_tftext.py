"""`garden tokenize` against tensorflow_text's `BertTokenizer` (Model Garden's BERT preprocessing).

Thousands of seeded random Unicode lines (ASCII, Latin with accents, Greek, Cyrillic, CJK,
full-width forms, combining marks, controls, Unicode spaces, punctuation, emoji, ...) mixed with
the vocabulary's own words, tokenized by one `garden tokenize` call and by
`tensorflow_text.BertTokenizer(vocab, lower_case=...)`: every id must agree, for an uncased
vocabulary with `lower_case=True` and a cased one with `lower_case=False`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from conftest import garden

LINES = 6000
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Code point ranges to draw from (inclusive); surrogates never, "\n" never (it ends a line).
RANGES = {
    "ascii": (0x20, 0x7E),
    "ascii_control": (0x00, 0x1F),
    "latin1": (0xA0, 0xFF),
    "latin_extended": (0x100, 0x24F),
    "latin_additional": (0x1E00, 0x1EFF),
    "ipa_modifiers": (0x250, 0x2FF),
    "combining": (0x300, 0x36F),
    "greek": (0x370, 0x3FF),
    "greek_extended": (0x1F00, 0x1FFF),
    "cyrillic": (0x400, 0x52F),
    "armenian_hebrew_arabic": (0x530, 0x6FF),
    "devanagari_thai": (0x900, 0xE7F),
    "georgian_hangul_jamo": (0x10A0, 0x11FF),
    "cherokee": (0x13A0, 0x13FF),
    "cherokee_small": (0xAB70, 0xABBF),
    "general_punctuation": (0x2000, 0x206F),
    "letterlike_numbers": (0x2070, 0x218F),
    "enclosed": (0x2460, 0x24FF),
    "supplemental_punctuation": (0x2E00, 0x2E7F),
    "cjk_symbols_kana": (0x3000, 0x30FF),
    "cjk": (0x4E00, 0x9FFF),
    "cjk_a": (0x3400, 0x4DBF),
    "hangul": (0xAC00, 0xD7A3),
    "private_use": (0xE000, 0xE0FF),
    "cjk_compatibility": (0xF900, 0xFAFF),
    "presentation_forms": (0xFB00, 0xFDFF),
    "variation_selectors_specials": (0xFE00, 0xFE6F),
    "arabic_forms_b": (0xFE70, 0xFEFF),
    "fullwidth": (0xFF00, 0xFFEF),
    "specials": (0xFFF0, 0xFFFF),
    "math_alphanumeric": (0x1D400, 0x1D7FF),
    "emoji": (0x1F300, 0x1FAFF),
    "cjk_b": (0x20000, 0x2A6DF),
    "tags": (0xE0000, 0xE007F),
    # Newer than some Unicode tables involved: Kawi (15.0), Garay (16.0, with case and Pd).
    "kawi": (0x11F00, 0x11F5F),
    "garay": (0x10D40, 0x10D8F),
}
WHITESPACE = [" ", "\t", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u1680", "\u2000", "\u2007",
              "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]
PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["\xa1", "\xbf", "\u2014", "\u2026", "\u3001",
                                                          "\u3002", "\uff01", "\uff0c", "\u300c"]
WORDS = ["the", "quick", "Brown", "FOX", "café", "naïve", "Straße", "STRASSE", "ＺＥＮ", "ｚｅｎ", "Ǆemal",
         "İstanbul", "ıi", "ﬁnance", "Ⅻ", "①②", "µs", "ΣΊΣΥΦΟΣ", "λόγος", "ὈΔΥΣΣΕΎΣ", "привет", "ЁЖИК",
         "中文", "日本語", "한국어", "ＡＢＣ１２３", "résumé", "Ångström", "ǅ", "ᏣᎳᎩ", "ꮳꮃꭹ", "e\u0301",
         "o\u0308\u0304", "x\u200dy", "soft\xadhyphen", "😀👍🏽", "ℌ𝔢𝔩𝔩𝔬", "unwanted", "running", "want"]


def random_piece(rng: np.random.Generator) -> str:
    kind = rng.random()
    if kind < 0.3:
        word = WORDS[rng.integers(len(WORDS))]
        style = rng.integers(4)
        word = word.upper() if style == 1 else word.title() if style == 2 else word
        return word * int(rng.integers(12, 40)) if rng.random() < 0.02 else word
    if kind < 0.85:
        lo, hi = RANGES[list(RANGES)[rng.integers(len(RANGES))]]
        chars = []
        for _ in range(int(rng.integers(1, 9))):
            cp = int(rng.integers(lo, hi + 1))
            if 0xD800 <= cp <= 0xDFFF or cp == 0x0A:
                cp = 0x20
            chars.append(chr(cp))
        return "".join(chars)
    if kind < 0.93:
        return WHITESPACE[rng.integers(len(WHITESPACE))]
    return PUNCTUATION[rng.integers(len(PUNCTUATION))]


def random_line(rng: np.random.Generator) -> str:
    parts = []
    for _ in range(int(rng.integers(1, 10))):
        parts.append(random_piece(rng))
        parts.append(" " if rng.random() < 0.6 else "")
    return "".join(parts)


def build_vocab(words: Counter, required: list[str]) -> list[str]:
    """Specials, the `required` words, most characters as a start and a `##` continuation,
    frequent words, and word halves, so that whole-word, multi-piece and unknown results all
    occur."""
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(token: str) -> None:
        if token and "\n" not in token and not token.endswith("\r") and token not in seen:
            seen.add(token)
            vocab.append(token)

    for w in required:
        add(w)
    frequent = [w for w, _ in words.most_common(1500)]
    chars = Counter(c for w in frequent for c in w)
    # Leave out some characters, so words containing them are [UNK].
    for c, _ in chars.most_common()[: int(len(chars) * 0.8)]:
        add(c)
        add("##" + c)
    for w in frequent[:600]:
        add(w)
    for w in frequent[600:]:
        if len(w) >= 4:
            add(w[: len(w) // 2])
            add("##" + w[len(w) // 2:])
    return vocab


@pytest.fixture(scope="module")
def tf_text(tf):
    import tensorflow_text  # in the conformance venv (Tests/Conformance/requirements.txt)

    return tensorflow_text


@pytest.mark.parametrize("lower_case", [True, False], ids=["uncased", "cased"])
def test_garden_tokenize_equals_tensorflow_text(tf, tf_text, tmp_path, lower_case):
    from tensorflow_text.python.ops.bert_tokenizer import BasicTokenizer

    rng = np.random.default_rng(20261130 + int(lower_case))
    corpus = [random_line(rng) for _ in range(4000)] + WORDS
    basic = BasicTokenizer(lower_case=lower_case)
    words = Counter(t.decode("utf-8") for row in basic.tokenize(corpus).to_list() for t in row)
    required = [t.decode("utf-8") for row in basic.tokenize(WORDS).to_list() for t in row]
    vocab = build_vocab(words, required)
    vocab_path = tmp_path / "vocab.txt"
    vocab_path.write_bytes("".join(t + "\n" for t in vocab).encode("utf-8"))

    lines = ["ＺＥＮ Ｚｅｎ zen", "Straße STRASSE ß ẞ", ""] + [random_line(rng) for _ in range(LINES)]
    input_path = tmp_path / "lines.txt"
    input_path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))

    tokenizer = tf_text.BertTokenizer(str(vocab_path), lower_case=lower_case)
    expected = tokenizer.tokenize(tf.constant(lines)).merge_dims(-2, -1).to_list()

    args = ["tokenize", "--vocab", vocab_path, "--input", input_path] + ([] if lower_case else ["--cased"])
    out = garden(*args).stdout.split("\n")
    assert out[-1] == "" and len(out) == len(lines) + 1
    actual = [[int(t) for t in row.split()] for row in out[:-1]]

    mismatches = [(line, want, got) for line, want, got in zip(lines, expected, actual) if want != got]
    shown = "\n".join(
        f"{line!a}\n  tensorflow_text {[vocab[i] for i in want]!a}\n  garden          {[vocab[i] for i in got]!a}"
        for line, want, got in mismatches[:10])
    assert not mismatches, f"{len(mismatches)} of {len(lines)} lines differ:\n{shown}"

    # The comparison is not trivial: whole words, continuation pieces and [UNK] all occur.
    ids = Counter(i for row in expected for i in row)
    unk = vocab.index("[UNK]")
    assert ids[unk] > 100
    assert sum(n for i, n in ids.items() if vocab[i].startswith("##")) > 1000
    assert sum(n for i, n in ids.items() if len(vocab[i]) > 3 and not vocab[i].startswith(("##", "["))) > 1000
    # The full-width line folds to three `zen` only when uncased.
    zen = expected[0]
    assert (len(zen) == 3 and len(set(zen)) == 1) == lower_case


def test_invalid_utf8_is_one_error_line_naming_the_line(tmp_path):
    vocab_path = tmp_path / "vocab.txt"
    vocab_path.write_text("".join(t + "\n" for t in SPECIALS + ["ok"]), encoding="utf-8")
    input_path = tmp_path / "bad.txt"
    input_path.write_bytes(b"ok\nfine \xff\xfe\n")
    proc = garden("tokenize", "--vocab", vocab_path, "--input", input_path, check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == f"garden: error: {input_path}: line 2 is not valid UTF-8 (--input)\n"
