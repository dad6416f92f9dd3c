"""HDF5 helpers for the conformance suite: `garden predict` inputs/outputs and checkpoints.

Also a small command line tool to make an input file by hand:
    python Tests/Conformance/h5io.py make-inputs in.h5 --shape 8,4 [--seed 0]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import h5py
import numpy as np

OPTIMIZER_GROUP = "optimizer"


def write_inputs(path: Path | str, inputs: np.ndarray) -> None:
    """Writes `inputs` as the float32 dataset `inputs` that `garden predict --input` reads."""
    with h5py.File(path, "w") as f:
        f.create_dataset("inputs", data=np.asarray(inputs, dtype=np.float32))


def read_outputs(path: Path | str) -> np.ndarray:
    """Reads the dataset `outputs` that `garden predict --output` writes; it must be float32."""
    with h5py.File(path, "r") as f:
        assert "outputs" in f, f"{path}: no dataset 'outputs' (found {sorted(f.keys())})"
        out = f["outputs"][()]
    assert out.dtype == np.float32, f"{path}: outputs dtype {out.dtype}, expected float32"
    return out


def read_checkpoint(path: Path | str) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Returns (variables, root attributes) of a garden checkpoint.

    Variables are every dataset not under `optimizer/`, keyed by their path without the
    leading slash (`v`, `dense_0/kernel`, ...), so no parameter name is hard-coded here.
    """
    variables: dict[str, np.ndarray] = {}

    def visit(name: str, obj: object) -> None:
        if isinstance(obj, h5py.Dataset) and not (
            name == OPTIMIZER_GROUP or name.startswith(OPTIMIZER_GROUP + "/")
        ):
            variables[name] = obj[()]

    with h5py.File(path, "r") as f:
        f.visititems(visit)
        attrs = {k: f.attrs[k] for k in f.attrs.keys()}
    return variables, attrs


def attr_text(value: object) -> str:
    """An HDF5 string attribute as str, whether h5py returns str, bytes or a 0-d array."""
    if isinstance(value, np.ndarray):
        value = value.item() if value.shape == () else value.tolist()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def attr_int(value: object) -> int:
    return int(np.asarray(value).reshape(-1)[0])


def random_inputs(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make-inputs", help="write a random float32 `inputs` dataset")
    make.add_argument("out", type=Path)
    make.add_argument("--shape", default="8,4", help="comma-separated, e.g. 8,4")
    make.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    shape = tuple(int(s) for s in args.shape.split(",") if s)
    write_inputs(args.out, random_inputs(shape, args.seed))
    print(f"wrote {args.out}: inputs float32 {list(shape)}")


if __name__ == "__main__":
    main()
