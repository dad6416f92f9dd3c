"""Publishing: the model card in assets.extra/ and `garden package`, TF Hub's compressed format.

The archive is served from a local HTTP server and loaded by tensorflow_hub's own resolver
(download, unpack into TFHUB_CACHE_DIR), then run and fine-tuned; the card's signature tables
are compared with what TensorFlow reports for the loaded export.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from conftest import garden
from h5io import attr_text


def card_of(export: Path) -> str:
    return (export / "assets.extra" / "README.md").read_text(encoding="utf-8")


def card_table(card: str, title: str) -> dict[str, tuple[str, str]]:
    """Rows of the card's `| Input | dtype | shape |` (or Output) table: name -> (dtype, shape)."""
    block = card.split(f"| {title} | dtype | shape |\n| --- | --- | --- |\n", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in block.splitlines():
        m = re.fullmatch(r"\| `([^`]+)` \| (\w+) \| `([^`]+)` \|", line)
        assert m, f"not a table row: {line!r}"
        rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def tf_text(spec) -> tuple[str, str]:
    shape = "unknown rank" if spec.shape.rank is None else str(
        ["None" if d is None else d for d in spec.shape.as_list()]).replace("'", "")
    return spec.dtype.name, shape


def test_the_card_lists_the_signature_tensorflow_reports(run, tf):
    loaded = tf.saved_model.load(str(run.export_dir))
    signature = loaded.signatures["serving_default"]
    args, kwargs = signature.structured_input_signature
    assert args == ()
    card = card_of(run.export_dir)
    assert card_table(card, "Input") == {k: tf_text(v) for k, v in kwargs.items()}
    assert card_table(card, "Output") == {k: tf_text(v) for k, v in signature.structured_outputs.items()}
    # TensorFlow ignores assets.extra: the export still loads and runs with the card in it.
    x = run.sample_inputs(5, seed=3)
    np.testing.assert_array_equal(signature(inputs=tf.constant(x))["output_0"].numpy(), loaded(x).numpy())


def test_the_card_carries_the_runs_final_eval_metrics_and_its_recipe_hash(run):
    card = card_of(run.export_dir)
    lines = [json.loads(l) for l in (run.model_dir / "metrics.jsonl").read_text().splitlines()]
    [final] = [l for l in lines if l["step"] == run.step and any(k.startswith("eval/") for k in l)]
    table = card.split("| metric | value |\n| --- | --- |\n", 1)[1].split("\n\n", 1)[0]
    shown = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| (\S+) \| (\S+) \|$", table, re.M)}
    assert shown == pytest.approx({k[5:]: v for k, v in final.items() if k.startswith("eval/")}, rel=1e-6)
    assert f"Held-out evaluation at step {run.step} (the exported checkpoint)" in card
    # garden run exports with the recipe it trained with: one hash, the checkpoint's.
    assert f"Recipe SHA-256 (resolved recipe of this export): `{attr_text(run.attrs['recipe_sha256'])}`" in card
    assert "- The checkpoint was trained with this same recipe.\n" in card


@contextmanager
def serve(directory: Path):
    """An HTTP server for `directory` on 127.0.0.1 (any free port) in a thread, shut down after."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive()


def package(export: Path, out: Path, *extra: str):
    return garden("package", export, "--out", out, *extra, timeout=120)


def test_hub_downloads_unpacks_runs_and_fine_tunes_the_packaged_export(mlp_run, hub, tf, tmp_path, monkeypatch):
    import tf_keras

    site = tmp_path / "site"
    site.mkdir()
    package(mlp_run.export_dir, site / "model.tar.gz")
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "hub-cache"))
    x = mlp_run.sample_inputs(16, seed=8)
    expected = tf.saved_model.load(str(mlp_run.export_dir))(x).numpy()
    with serve(site) as base:
        layer = hub.KerasLayer(f"{base}/model.tar.gz", trainable=True)
    # What hub unpacked is the export, file for file, with the card.
    [unpacked] = [p.parent for p in (tmp_path / "hub-cache").rglob("saved_model.pb")]
    assert sorted(str(p.relative_to(unpacked)) for p in unpacked.rglob("*")) == \
        sorted(str(p.relative_to(mlp_run.export_dir)) for p in mlp_run.export_dir.rglob("*"))
    assert card_of(unpacked) == card_of(mlp_run.export_dir)
    np.testing.assert_array_equal(layer(x).numpy(), expected)

    tf_keras.utils.set_random_seed(5)
    rng = np.random.default_rng(31)
    xs = rng.normal(size=(96, 4)).astype(np.float32)
    ys = ((xs[:, 0] > 0).astype(np.int64) + (xs[:, 1] + xs[:, 2] > 0)).astype(np.int64)
    model = tf_keras.Sequential([tf_keras.layers.InputLayer(input_shape=(4,)), layer])
    model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=0.01),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.evaluate(xs, ys, batch_size=32, verbose=0)
    model.fit(xs, ys, epochs=6, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(xs, ys, batch_size=32, verbose=0)
    assert after < 0.95 * before, f"loss {before:.5g} -> {after:.5g}"
    assert len(layer.losses) == 3, "the kernels' L2 losses come along through the archive"


def test_two_package_runs_give_the_same_bytes_and_tarfile_lists_exactly_the_export(run, tmp_path):
    a, b = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    package(run.export_dir, a)
    # A re-export of the same checkpoint (same bytes, new mtimes) packs to the same archive.
    again = tmp_path / "again"
    run.export(again)
    package(again, b)
    assert a.read_bytes() == b.read_bytes()
    data = a.read_bytes()
    assert data[:10] == bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 255]), "gzip header: no mtime, no name"

    with tarfile.open(a, "r:gz") as archive:
        members = archive.getmembers()
        names = [m.name for m in members]
        on_disk = sorted(str(p.relative_to(run.export_dir)) for p in run.export_dir.rglob("*"))
        assert sorted(names) == on_disk
        assert all(not n.startswith(("/", "./")) for n in names)
        for m in members:
            assert (m.uid, m.gid, m.mtime, m.uname, m.gname) == (0, 0, 0, "", "")
            assert m.isdir() or m.isfile()
            assert m.mode == (0o755 if m.isdir() else 0o644)
            if m.isfile():
                assert archive.extractfile(m).read() == (run.export_dir / m.name).read_bytes()
        assert archive.getmember("assets.extra/README.md").isfile()


def test_package_errors_are_one_line_and_leave_nothing(mlp_run, tmp_path):
    out = tmp_path / "model.tar.gz"
    cases = [
        (tmp_path / "nope", f"{tmp_path / 'nope'}: no such export; expected a SavedModel directory"),
        (mlp_run.model_dir, f"{mlp_run.model_dir}: not a SavedModel directory "
                            "(expected a directory holding saved_model.pb)"),
    ]
    for export, message in cases:
        proc = garden("package", export, "--out", out, check=False)
        assert (proc.returncode, proc.stderr) == (1, f"garden: error: {message}\n")
        assert not out.exists()
    out.write_bytes(b"keep me")
    proc = garden("package", mlp_run.export_dir, "--out", out, check=False)
    assert (proc.returncode, proc.stderr) == (
        1, f"garden: error: {out}: output file exists; pass --overwrite to replace it\n")
    assert out.read_bytes() == b"keep me"
    package(mlp_run.export_dir, out, "--overwrite")
    assert tarfile.is_tarfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.tar.gz"], "no temporary file left"
