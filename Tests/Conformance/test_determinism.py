"""Exports are deterministic: the same checkpoint and recipe give byte-identical files."""

from __future__ import annotations

from pathlib import Path

from conftest import garden


def tree_bytes(root: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert "saved_model.pb" in files, f"{root}: no saved_model.pb"
    return files


def assert_same_tree(a: Path, b: Path) -> None:
    ta, tb = tree_bytes(a), tree_bytes(b)
    assert sorted(ta) == sorted(tb), f"file lists differ: {sorted(ta)} vs {sorted(tb)}"
    different = [name for name in ta if ta[name] != tb[name]]
    assert not different, f"files differ between {a} and {b}: {different}"


def test_export_twice_is_byte_identical(run, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    run.export(first)
    run.export(second)
    assert_same_tree(first, second)


def test_overwrite_reexports_identically(run, tmp_path):
    out = tmp_path / "out"
    run.export(out)
    reference = tree_bytes(out)
    run.export(out, "--overwrite")
    assert tree_bytes(out) == reference


def test_export_from_checkpoints_dir_uses_latest(run, tmp_path):
    from_file, from_dir = tmp_path / "from-file", tmp_path / "from-dir"
    run.export(from_file)
    garden("export", run.recipe, "--checkpoint", run.model_dir / "checkpoints", "--out", from_dir, *run.set_args)
    assert_same_tree(from_file, from_dir)


def test_resolved_recipe_exports_the_same(run, tmp_path):
    """DIR/recipe.yaml is the fully resolved recipe: it needs no --set to reproduce the export."""
    with_sets, resolved = tmp_path / "with-sets", tmp_path / "resolved"
    run.export(with_sets)
    garden("export", run.resolved_recipe, "--checkpoint", run.checkpoint, "--out", resolved)
    assert_same_tree(with_sets, resolved)


def test_run_export_equals_export_of_final_checkpoint(run, tmp_path):
    out = tmp_path / "reexport"
    run.export(out)
    assert_same_tree(run.export_dir, out)
