"""Keyword Mamba: the chunked scan equals the sequential reference, and forward over a clip equals step."""

import dataclasses
from pathlib import Path

import pytest
import torch

from kwapp.audio.wavio import read_audio
from kwapp.features.frontend import FeatureExtractor
from kwapp.model.config import ModelConfig
from kwapp.model.kws import KeywordMamba
from kwapp.model.mamba import CHUNK_FRAMES, selective_scan_chunked, selective_scan_reference

CLIP = Path(__file__).parent / "data" / "kws" / "no" / "0cb74144_nohash_0.flac"

# Tolerances for chunked vs reference scan (torch.testing.assert_close: |a - b| <= atol + rtol * |b|).
# float32: the chunked scan forms exp(S_t - M) * exp(M - S_s) from cumulative sums S up to 80 in size,
# whose rounding (about 80 * 6e-8) gives relative errors near 1e-5; 2e-5 was the largest seen here.
# float64: the same arithmetic, about 1e-14 relative seen.
SCAN_TOL = {torch.float32: dict(rtol=1e-4, atol=1e-4), torch.float64: dict(rtol=1e-10, atol=1e-10)}
LENGTHS = [1, CHUNK_FRAMES - 1, CHUNK_FRAMES, 2 * CHUNK_FRAMES + 5, 101]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Small tensors run fastest on one thread, and far slower when other processes hold the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def scan_inputs(dtype, length, large_delta=False, with_h0=False, batch=2, inner=6, n_state=16, seed=0):
    """Random scan inputs; large_delta gives Δ in [25, 75) and A from -0.01 to -16 (Δ·A down to -1200)."""
    gen = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=dtype)

    x = randn(batch, length, inner)
    if large_delta:
        delta = 25 + 50 * torch.rand(batch, length, inner, generator=gen, dtype=dtype)
        A = -torch.linspace(0.01, 16, inner * n_state, dtype=dtype).view(inner, n_state)
    else:
        delta = torch.nn.functional.softplus(randn(batch, length, inner))
        A = -torch.exp(randn(inner, n_state))
    h0 = randn(batch, inner, n_state) if with_h0 else None
    return x, delta, A, randn(batch, length, n_state), randn(batch, length, n_state), randn(inner), h0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("large_delta", [False, True])
@pytest.mark.parametrize("with_h0", [False, True])
def test_chunked_scan_equals_reference(dtype, length, large_delta, with_h0):
    args = scan_inputs(dtype, length, large_delta, with_h0)
    y_ref, h_ref = selective_scan_reference(*args)
    y, h = selective_scan_chunked(*args)
    assert y.shape == (2, length, 6)
    torch.testing.assert_close(y, y_ref, **SCAN_TOL[dtype])
    torch.testing.assert_close(h, h_ref, **SCAN_TOL[dtype])


def test_chunked_scan_large_drive_stays_finite():
    # Fully clamped decay (Δ·A = -800) with a drive Δ·B·x of 50 * 40 * 40: the terms would overflow
    # float32 if the chunk's exponents were not centred, although the state itself is about 1e5.
    length, inner, n_state = 3 * CHUNK_FRAMES, 2, 3
    x = torch.full((1, length, inner), 40.0)
    delta = torch.full((1, length, inner), 50.0)
    A = torch.full((inner, n_state), -16.0)
    Bm, Cm = torch.full((1, length, n_state), 40.0), torch.ones(1, length, n_state)
    y_ref, _ = selective_scan_reference(x, delta, A, Bm, Cm, torch.zeros(inner))
    y, _ = selective_scan_chunked(x, delta, A, Bm, Cm, torch.zeros(inner))
    assert torch.isfinite(y).all()
    torch.testing.assert_close(y, y_ref, **SCAN_TOL[torch.float32])


def scan_gradients(scan, args, weights):
    """Gradients of a fixed linear function of (y, h_final) with respect to every scan input."""
    leaves = [a.clone().requires_grad_(True) for a in args]
    y, h = scan(*leaves)
    ((y * weights[0]).sum() + (h * weights[1]).sum()).backward()
    return [leaf.grad for leaf in leaves]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("large_delta", [False, True])
def test_scan_gradients_agree(dtype, large_delta):
    args = scan_inputs(dtype, 2 * CHUNK_FRAMES + 3, large_delta, with_h0=True)
    gen = torch.Generator().manual_seed(1)
    weights = (torch.randn(2, 19, 6, generator=gen, dtype=dtype), torch.randn(2, 6, 16, generator=gen, dtype=dtype))
    expected = scan_gradients(selective_scan_reference, args, weights)
    grads = scan_gradients(selective_scan_chunked, args, weights)
    names = ["x", "delta", "A", "B", "C", "D", "h0"]
    for name, grad, ref in zip(names, grads, expected):
        scale = float(ref.abs().max()) + 1.0
        tol = SCAN_TOL[dtype]
        torch.testing.assert_close(grad, ref, rtol=tol["rtol"], atol=tol["atol"] * scale, msg=lambda m: f"d/d{name}: {m}")


def real_features() -> torch.Tensor:
    """(1, 98, 40) MFCC frames of a real Speech Commands clip."""
    feats = FeatureExtractor().clip_features(read_audio(CLIP))
    return torch.from_numpy(feats)[None]


def default_model(arch: str, feats: torch.Tensor) -> KeywordMamba:
    """A model of the default size with random weights and feature statistics from feats."""
    cfg = dataclasses.replace(ModelConfig(), arch=arch)
    torch.manual_seed(0)
    model = KeywordMamba(cfg).eval()
    model.feat_mean.copy_(feats[0].mean(0))
    model.feat_std.copy_(feats[0].std(0))
    return model


def step_all(model: KeywordMamba, feats: torch.Tensor) -> torch.Tensor:
    conv, ssm = model.initial_state(feats.shape[0])
    logits = []
    for t in range(feats.shape[1]):
        out, conv, ssm = model.step(feats[:, t], conv, ssm)
        logits.append(out)
    return torch.stack(logits, dim=1)


@pytest.mark.parametrize("arch", ["mamba", "mamba_t"])
@pytest.mark.parametrize("scan", [selective_scan_chunked, selective_scan_reference], ids=["chunked", "reference"])
def test_forward_equals_step(arch, scan):
    feats = real_features()
    model = default_model(arch, feats)
    with torch.no_grad():
        whole = model(feats, scan=scan)
        stepped = step_all(model, feats)
    assert whole.shape == (1, feats.shape[1], 12)
    assert float((whole - stepped).abs().max()) <= 1e-5


def test_step_state_shapes():
    model = KeywordMamba(ModelConfig(d_model=32, n_layers=3)).eval()
    conv, ssm = model.initial_state(2)
    with torch.no_grad():
        logits, conv, ssm = model.step(torch.zeros(2, 40), conv, ssm)
    assert logits.shape == (2, 12)
    assert conv.shape == (3, 2, 64, 3)  # (layers, B, E, K - 1)
    assert ssm.shape == (3, 2, 64, 16)  # (layers, B, E, N)


def test_forward_is_causal():
    feats = real_features()
    model = default_model("mamba", feats)
    changed = feats.clone()
    changed[:, 50:] += 5.0
    with torch.no_grad():
        before, after = model(feats), model(changed)
    torch.testing.assert_close(before[:, :50], after[:, :50], rtol=0.0, atol=1e-6)
    assert not torch.allclose(before[:, 50:], after[:, 50:])
