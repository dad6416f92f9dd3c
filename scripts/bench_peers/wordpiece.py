"""tensorflow_text's BertTokenizer on every line of a text file: the peer of
`garden-bench tokenize`. Prints one JSON line.

    wordpiece.py --vocab VOCAB --input TEXT [--cased] [--repeats R] [--batch B]
    wordpiece.py --write-corpus DIR     # DIR/corpus.txt (about 4 MB) and DIR/vocab.txt

The lines go through `BertTokenizer(vocab, lower_case=...).tokenize` in batches of B (a
tf.data pipeline's `.batch(B).map(tokenizer.tokenize)` does the same work), eagerly; the
vocabulary table is built once, before timing. Token count = the flat values of the ragged
result, which `garden-bench tokenize` reports too.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from common import peak_rss_mib, tensorflow


def write_corpus(directory: Path, megabytes: float = 4.0) -> None:
    """A seeded corpus of Zipf-distributed made-up words (a few accented, Greek and CJK ones),
    one paragraph of sentences per line, and a vocabulary for it as `VocabularyBuilder` makes
    one: the special tokens, every character alone and as `##` continuation, then the 3000
    most frequent words. The same bytes on every machine and commit."""
    rng = random.Random(20261202)
    syllables = ["ka", "to", "ri", "men", "sol", "a", "e", "in", "stra", "pho", "lu", "der",
                 "qu", "ne", "ver", "is", "on", "ta", "ble", "x"]
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                    for _ in range(6000)})
    words += ["café", "naïve", "Zürich", "straße", "λόγος", "日本語", "東京", "Ölçü"]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    lines, size = [], 0
    while size < megabytes * 1e6:
        sentences = []
        for _ in range(rng.randint(2, 8)):
            sentence = " ".join(rng.choices(words, weights, k=rng.randint(5, 25)))
            sentences.append(sentence.capitalize() + rng.choice([".", ".", ",", "!", "?"]))
        line = " ".join(sentences)
        lines.append(line)
        size += len(line.encode()) + 1
    text = "\n".join(lines) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "corpus.txt").write_text(text, encoding="utf-8")
    counts = Counter(re.findall(r"\w+|[^\w\s]", text.lower()))
    chars = Counter()
    for word, n in counts.items():
        for ch in word:
            chars[ch] += n
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for ch, _ in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0])):
        vocab += [ch, "##" + ch]
    known = set(vocab)
    vocab += [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
              if w not in known][:3000]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-corpus":
        write_corpus(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--cased", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1024)
    args = parser.parse_args()

    tf = tensorflow()
    import tensorflow_text as text

    with open(args.input, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    batches = [tf.constant(lines[i:i + args.batch]) for i in range(0, len(lines), args.batch)]
    tokenizer = text.BertTokenizer(args.vocab, lower_case=not args.cased, token_out_type=tf.int32)
    tokenizer.tokenize(batches[0][:1])  # builds the table and traces once

    samples, tokens = [], 0
    for _ in range(max(args.repeats, 1)):
        count = 0
        start = time.perf_counter()
        for batch in batches:
            count += int(tf.size(tokenizer.tokenize(batch).flat_values))
        samples.append(time.perf_counter() - start)
        tokens = count
    samples.sort()
    seconds = samples[len(samples) // 2]
    print(json.dumps({
        "bench": "tokenize", "impl": "tensorflow_text", "lines": len(lines), "bytes": len(data),
        "tokens": tokens, "median_seconds": seconds, "samples_seconds": samples,
        "megabytes_per_second": len(data) / 1e6 / seconds, "peak_rss_mib": peak_rss_mib(),
    }))


if __name__ == "__main__":
    main()
