"""`kwapp train`, `kwapp eval` and `kwapp export` as a user runs them, on a tiny copy of real clips."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kwapp.model.bundle import load_model_info
from kwapp.model.runtime import StepRunner

DATA = Path(__file__).parent / "data" / "kws"
# One torch thread per command: the tiny model gains nothing from more, and on a machine whose
# cores are busy (a training run, other tests) extra threads make each command many times slower.
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
TIMEOUT_S = 300  # a hang fails the test instead of blocking the run


def kwapp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kwapp", *map(str, args)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=TIMEOUT_S,
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """tmp/data: 14 real clips of yes, no, _unknown_, _silence_ and a _background_noise_ recording."""
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(DATA, root / "data")
    return root


@pytest.fixture(scope="module")
def trained(workspace) -> tuple[Path, subprocess.CompletedProcess]:
    out = workspace / "model"
    result = kwapp(
        "train",
        "--data", workspace / "data",
        "--no-dev",
        "--held-out-percent", "50",
        "--noise", workspace / "data" / "_background_noise_",
        "--max-clips", "60",
        "--epochs", "1",
        "--batch-size", "8",
        "--d-model", "16",
        "--n-layers", "1",
        "--out", out,
    )  # fmt: skip
    return out, result


def test_train_exits_zero(trained):
    _, result = trained
    assert result.returncode == 0, result.stderr[-3000:]


def test_train_writes_model_folder(trained):
    out, _ = trained
    for name in ("model.onnx", "model.pt", "config.json"):
        assert (out / name).is_file(), name


def test_train_config_records_sizes(trained):
    out, _ = trained
    info = load_model_info(out)
    assert (info.model.d_model, info.model.n_layers) == (16, 1)
    assert info.training["train_clips"] == 8  # 2 of 4 speakers, plus the _silence_ and noise clips
    assert info.metrics["held_out"]["n"] == 6


def test_train_prints_json(trained):
    out, result = trained
    printed = json.loads(result.stdout)
    assert printed["model"] == str(out)
    assert "held_out" in printed["metrics"]


def test_exported_step_gives_probabilities(trained):
    out, _ = trained
    probs = StepRunner.from_folder(out).run(np.zeros((5, 40), np.float32))
    assert probs.shape == (5, 12)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_eval_json(trained, workspace):
    out, _ = trained
    result = kwapp("eval", "--model", out, "--data", workspace / "data", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout)
    assert printed["n"] == 14
    assert 0.0 <= printed["accuracy"] <= 1.0
    assert set(printed["per_class"]) == {"yes", "no", "_unknown_", "_silence_"}


def test_eval_folder_without_clips(trained, workspace):
    out, _ = trained
    empty = workspace / "empty"
    (empty / "yes").mkdir(parents=True)
    result = kwapp("eval", "--model", out, "--data", empty, "--json")
    assert result.returncode == 2
    assert "no audio clips found in" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_missing_model(workspace):
    result = kwapp("eval", "--model", workspace / "no-model", "--data", workspace / "data")
    assert result.returncode == 2
    assert "has no config.json" in result.stderr


def test_export_int8(trained, workspace):
    out, _ = trained
    target = workspace / "x.onnx"
    result = kwapp("export", "--model", out, "--out", target, "--int8")
    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout)
    assert printed == {"out": str(target), "bytes": target.stat().st_size, "int8": True}
    runner = StepRunner(load_model_info(out), target)
    assert runner.step(np.zeros(40, np.float32)).shape == (12,)


@pytest.mark.parametrize("arch", ["kwt", "mamba_t"])
def test_train_other_arch(workspace, arch):
    result = kwapp(
        "train",
        "--data", workspace / "data",
        "--no-dev",
        "--held-out-percent", "50",
        "--noise", workspace / "data" / "_background_noise_",
        "--max-clips", "40",
        "--epochs", "1",
        "--batch-size", "8",
        "--d-model", "16",
        "--n-layers", "1",
        "--arch", arch,
        "--out", workspace / f"model-{arch}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
