"""Shared fixtures of the TensorFlow conformance suite.

Each recipe (mul, mlp) is trained once per session with few steps by the real `garden` binary
(`GARDEN_BIN`, set by scripts/test), then every test judges the export with TensorFlow,
TF Hub and tf_keras, and compares it with the Swift model through `garden predict`.
"""

from __future__ import annotations

import os

# Before TensorFlow is imported anywhere: quiet logs and no oneDNN re-ordered float sums.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import h5io

REPO_ROOT = Path(__file__).resolve().parents[2]
RECIPES = {"mul": REPO_ROOT / "Recipes" / "mul.yaml", "mlp": REPO_ROOT / "Recipes" / "mlp.yaml"}
RECIPES["resnet"] = REPO_ROOT / "Recipes" / "resnet_tiny.yaml"
RECIPES["bert"] = REPO_ROOT / "Recipes" / "bert_tiny.yaml"
RECIPES["image_classifier"] = REPO_ROOT / "Recipes" / "image_classifier.yaml"
RECIPES["bert_classifier"] = REPO_ROOT / "Recipes" / "bert_classifier.yaml"
MODEL_NAMES = ("mul", "mlp")

TRAIN_STEPS = 20
SEED = 11
# The mul recipe's regularizer is 0.001 * v**2 (the seed doc's example; contract of mul.yaml).
MUL_REGULARIZATION = 0.001
MUL_INITIAL_VALUE = 1.0
# Set explicitly so the tests know them without parsing YAML (no PyYAML in the venv).
MLP_L2 = 1e-3
MLP_DROPOUT = 0.3

# resnet: few steps on small images keep the session fast; the export takes any image size.
RESNET_L2 = 1e-4
RESNET_OVERRIDES = [
    "train.steps=6", f"seed={SEED}", "model.input_size=16", "data.num_examples=96",
    "data.batch_size=16", f"model.kernel_regularizer.l2={RESNET_L2}",
]

# bert: a tiny encoder (H=32, 2 layers, vocab 256) at the recipe's max length 128.
BERT_OVERRIDES = [
    "train.steps=4", f"seed={SEED}", "train.checkpoint_every=4", "train.eval_every=4",
    "train.optimizer.learning_rate.warmup_steps=2",
    "data.num_examples=64", "data.batch_size=16", "data.seq_length=16", "data.vocab_size=256",
    "model.hidden_size=32", "model.num_layers=2", "model.intermediate_size=64",
]

# The fine-tuning recipes from scratch (image_classifier) or from the `bert` run above
# (bert_classifier: `_train` adds its init checkpoint, which supplies the vocabulary), at the
# same small sizes.
CLASSIFIER_DATA = ["data.eval_fraction=0.25", "train.eval_every=6", "train.checkpoint_every=6"]
IMAGE_CLASSIFIER_OVERRIDES = RESNET_OVERRIDES + CLASSIFIER_DATA + ["train.init_checkpoint=null"]
BERT_CLASSIFIER_OVERRIDES = [
    o for o in BERT_OVERRIDES if not o.startswith(("data.num_examples", "data.vocab_size"))
] + [f"data.path={REPO_ROOT / 'Recipes' / 'data' / 'topics_train.csv'}",
      f"data.eval_path={REPO_ROOT / 'Recipes' / 'data' / 'topics_eval.csv'}"]

OVERRIDES = {
    "bert": BERT_OVERRIDES,
    "resnet": RESNET_OVERRIDES,
    "image_classifier": IMAGE_CLASSIFIER_OVERRIDES,
    "bert_classifier": BERT_CLASSIFIER_OVERRIDES,
    "mul": [f"train.steps={TRAIN_STEPS}", f"seed={SEED}", f"model.initial_value={MUL_INITIAL_VALUE}"],
    "mlp": [
        f"train.steps={TRAIN_STEPS}",
        f"seed={SEED}",
        f"model.kernel_regularizer.l2={MLP_L2}",
        f"model.dropout_rate={MLP_DROPOUT}",
        f"export.dropout_rate={MLP_DROPOUT}",
    ],
}

# Float32 agreement between TF kernels and ours, relative to the largest output magnitude.
REL_TOL = 1e-5
CKPT_NAME = re.compile(r"^ckpt-(\d{6})\.h5$")


def garden_bin() -> str:
    path = os.environ.get("GARDEN_BIN") or str(REPO_ROOT / ".build" / "release" / "garden")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"garden binary not found at {path}: set GARDEN_BIN (scripts/test does)")
    return path


def pytest_collection_modifyitems(config, items) -> None:
    """Under an OPENBLAS_CORETYPE naming a kernel this CPU cannot run (SkylakeX without AVX-512),
    garden refuses every computing command in one line; the suite then has nothing to judge, so
    every test is skipped with that line rather than failed 295 times over."""
    if "OPENBLAS_CORETYPE" not in os.environ or not items:
        return
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        proc = subprocess.run(
            [garden_bin(), "train", str(RECIPES["mul"]), "--model-dir", f"{scratch}/mul",
             "--set", "train.steps=1"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    if proc.returncode == 1 and "OPENBLAS_CORETYPE=" in proc.stderr:
        skip = pytest.mark.skip(reason=f"this CPU cannot run the forced kernel: {proc.stderr.strip()}")
        for item in items:
            item.add_marker(skip)


def set_args(overrides: list[str]) -> list[str]:
    args: list[str] = []
    for item in overrides:
        args += ["--set", item]
    return args


def garden(*args: object, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Runs `garden ARGS...`; with check, a non-zero exit fails the test showing stderr."""
    cmd = [garden_bin(), *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        pytest.fail(
            f"garden exited {proc.returncode}: {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc


def assert_l2_losses(losses, kernels, l2: float) -> None:
    """An export's regularization losses (TF's values, one per kernel) sum to `l2 * sum(k**2)`
    over the checkpoint's kernels, computed here in float64."""
    expected = sum(l2 * float(np.sum(np.asarray(k, np.float64) ** 2)) for k in kernels)
    values = [float(loss) for loss in losses]
    assert len(values) == len(kernels)
    assert abs(sum(values) - expected) <= 1e-5 * expected


def assert_fit_lowers_loss_and_moves(model, x, y, weights) -> None:
    """Fits a compiled tf_keras `model` on (x, y) for 6 epochs of batches of 16 and checks what
    a fine-tuning consumer relies on: finite losses, the last epoch's under 0.8 x the first's,
    and every one of `weights` changed."""
    before = [w.numpy().copy() for w in weights]
    history = model.fit(x, y, epochs=6, batch_size=16, shuffle=False, verbose=0).history["loss"]
    assert all(np.isfinite(history))
    assert history[-1] < 0.8 * history[0], f"loss did not fall: {history}"
    for w, old in zip(weights, before):
        assert not np.array_equal(w.numpy(), old), f"fine-tuning left {w.name} unchanged"


def checkpoints_in(directory: Path) -> dict[int, Path]:
    found = {}
    for p in directory.iterdir():
        m = CKPT_NAME.match(p.name)
        if m:
            found[int(m.group(1))] = p
    return found


def assert_close_to_scale(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(float(np.max(np.abs(expected))), np.finfo(np.float32).tiny)
    diff = float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64))))
    assert diff <= REL_TOL * scale, f"{what}: max abs diff {diff:.3g} > {REL_TOL} * scale {scale:.3g}"


@dataclass
class Run:
    """One recipe trained by `garden run` in a temporary model dir."""

    name: str
    recipe: Path
    model_dir: Path
    overrides: list[str]
    work: Path  # scratch space for this run's tests
    checkpoint: Path = field(init=False)
    step: int = field(init=False)
    variables: dict[str, np.ndarray] = field(init=False)
    attrs: dict[str, object] = field(init=False)

    def __post_init__(self) -> None:
        ckpts = checkpoints_in(self.model_dir / "checkpoints")
        assert ckpts, f"no checkpoints/ckpt-NNNNNN.h5 in {self.model_dir}"
        self.step = max(ckpts)
        self.checkpoint = ckpts[self.step]
        self.variables, self.attrs = h5io.read_checkpoint(self.checkpoint)
        assert self.variables, f"{self.checkpoint}: no variable datasets"

    @property
    def export_dir(self) -> Path:
        return self.model_dir / "export"

    @property
    def resolved_recipe(self) -> Path:
        return self.model_dir / "recipe.yaml"

    @property
    def set_args(self) -> list[str]:
        return set_args(self.overrides)

    def kernels(self) -> dict[str, np.ndarray]:
        return {k: v for k, v in self.variables.items() if k.split("/")[-1] == "kernel"}

    def expected_regularization(self) -> tuple[int, float]:
        """(number of loss functions, their sum) computed from the checkpoint with numpy."""
        if self.name == "mul":
            v = self.variables["v"].astype(np.float64)
            return 1, float(MUL_REGULARIZATION * np.sum(v**2))
        kernels = self.kernels()
        assert kernels, f"{self.checkpoint}: no */kernel datasets"
        total = sum(MLP_L2 * float(np.sum(k.astype(np.float64) ** 2)) for k in kernels.values())
        return len(kernels), total

    def sample_inputs(self, batch: int, seed: int) -> np.ndarray:
        # mlp: [batch, input_size]; mul takes any shape, so give it a rank-2 non-square one.
        features = 4 if self.name == "mlp" else 3
        return h5io.random_inputs((batch, features), seed)

    def predict(self, inputs: np.ndarray, training: bool = False, checkpoint: Path | None = None) -> np.ndarray:
        """The Swift model's outputs for `inputs`, through `garden predict`."""
        self.work.mkdir(parents=True, exist_ok=True)
        n = len(list(self.work.glob("in-*.h5")))
        in_path, out_path = self.work / f"in-{n}.h5", self.work / f"out-{n}.h5"
        h5io.write_inputs(in_path, inputs)
        # predict takes no --set: the run's resolved recipe carries the overrides.
        args = ["predict", self.resolved_recipe, "--checkpoint", checkpoint or self.checkpoint,
                "--input", in_path, "--output", out_path]
        if training:
            args.append("--training")
        garden(*args)
        return h5io.read_outputs(out_path)

    def export(self, out: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return garden("export", self.recipe, "--checkpoint", self.checkpoint, "--out", out,
                      *self.set_args, *extra, check=check)


@pytest.fixture(scope="session")
def train_once(tmp_path_factory):
    """Trains each recipe at most once per session; returns name -> Run."""
    cache: dict[str, Run | str] = {}

    def get(name: str) -> Run:
        if name not in cache:
            # A failed training is remembered, so it fails every dependent test at once
            # instead of training again for each of them.
            cache[name] = f"training {name} did not finish"
            try:
                cache[name] = _train(name, tmp_path_factory, get)
            except BaseException as error:  # pytest.fail raises a BaseException subclass
                cache[name] = f"garden run of the {name} recipe failed:\n{error}"
                raise
        cached = cache[name]
        if isinstance(cached, str):
            pytest.fail(cached, pytrace=False)
        return cached

    return get


def _train(name: str, tmp_path_factory, get) -> Run:
    recipe = RECIPES[name]
    assert recipe.is_file(), f"missing recipe {recipe}"
    root = tmp_path_factory.mktemp(f"run-{name}")
    model_dir = root / "model"
    overrides = list(OVERRIDES[name])
    if name == "bert_classifier":
        overrides.append(f"train.init_checkpoint={get('bert').model_dir}")
    garden("run", recipe, "--model-dir", model_dir, *set_args(overrides))
    for p in ("recipe.yaml", "checkpoints", "export/saved_model.pb"):
        assert (model_dir / p).exists(), f"garden run left no {p} in {model_dir}"
    return Run(name, recipe, model_dir, overrides, root / "work")

    return get


@pytest.fixture(scope="session", params=MODEL_NAMES)
def run(request, train_once) -> Run:
    return train_once(request.param)


@pytest.fixture(scope="session")
def mul_run(train_once) -> Run:
    return train_once("mul")


@pytest.fixture(scope="session")
def mlp_run(train_once) -> Run:
    return train_once("mlp")


@pytest.fixture(scope="session")
def resnet_run(train_once) -> Run:
    return train_once("resnet")


@pytest.fixture(scope="session")
def bert_run(train_once) -> Run:
    return train_once("bert")


@pytest.fixture(scope="session")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def hub(tf):
    import tensorflow_hub

    return tensorflow_hub


_LOADED: dict[str, object] = {}


@pytest.fixture
def loaded(run, tf):
    """`tf.saved_model.load` of the run's export, shared read-only by the tests of a session."""
    key = str(run.export_dir)
    if key not in _LOADED:
        _LOADED[key] = tf.saved_model.load(key)
    return _LOADED[key]
