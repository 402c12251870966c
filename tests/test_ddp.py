"""Distributed training: two gloo processes under torchrun train a few steps and end with equal replicas."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "kws"


@pytest.mark.slow
def test_two_cpu_processes_agree(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "-m", "kwapp", "train", "--data", str(DATA), "--no-dev", "--held-out-percent", "50",
        "--noise", str(DATA / "_background_noise_"), "--out", str(tmp_path / "model"),
        "--epochs", "1", "--batch-size", "4", "--d-model", "16", "--n-layers", "1",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DDP replicas agree across 2 processes" in result.stderr
    assert (tmp_path / "model" / "model.onnx").is_file()
