"""Causal Mamba layer: selective state-space scan with a forward over a clip and a one-frame step.

Dimension letters used in shape comments:
    B  batch             L  frames (time)         D  d_model
    E  d_inner (expand * D)   N  d_state          R  dt_rank          K  d_conv

Recurrence per inner channel e and state n (zero-order hold discretisation of A, Euler for B):
    h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t x_t,     y_t = C_t · h_t + D x_t
with Δ, B and C computed from the input (the "selective" part).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from kwapp.model.config import ModelConfig

# Per-frame log-decay Δ·A is clamped from below. exp(-10) = 4.5e-5, so a clamped channel
# already loses its state within one frame, and the clamp bounds a chunk's cumulative decay
# by CHUNK_FRAMES * 10 = 80. The chunked scan centres its exponents on half of that, so they
# stay within ±40 and exp(40) * Δ·B·x overflows float32 only for |Δ·B·x| above about 1e20.
MIN_LOG_DECAY = -10.0
CHUNK_FRAMES = 8


def selective_scan_reference(x, delta, A, Bm, Cm, Dv, h0=None):
    """Sequential scan, one frame at a time: the definition the fast scan is tested against.

    x, delta: (B, L, E); A: (E, N); Bm, Cm: (B, L, N); Dv: (E,); h0: (B, E, N) or None.
    Returns y (B, L, E) and the final state (B, E, N).
    """
    batch, length, inner = x.shape
    h = x.new_zeros(batch, inner, A.shape[1]) if h0 is None else h0
    ys = []
    for t in range(length):
        log_decay = torch.clamp(delta[:, t, :, None] * A, min=MIN_LOG_DECAY)  # (B, E, N)
        h = torch.exp(log_decay) * h + (delta[:, t] * x[:, t])[:, :, None] * Bm[:, t, None, :]
        ys.append((h * Cm[:, t, None, :]).sum(-1) + Dv * x[:, t])  # (B, E)
    return torch.stack(ys, dim=1), h


def selective_scan_chunked(x, delta, A, Bm, Cm, Dv, h0=None):
    """The same scan, vectorised within chunks of CHUNK_FRAMES frames and sequential across chunks.

    Within a chunk, with S_t the cumulative log-decay since the chunk start and M half of the
    chunk's total decay, h_t = exp(S_t) h_start + exp(S_t - M) sum_{s<=t} exp(M - S_s) Δ_s B_s x_s.
    The clamp on Δ·A bounds |S_t - M| by 40, so the exponentials and their products with the
    drive stay finite; the products are the same terms the sequential scan adds.
    """
    batch, length, inner = x.shape
    n_state = A.shape[1]
    pad = (-length) % CHUNK_FRAMES
    log_decay = torch.clamp(delta[..., None] * A, min=MIN_LOG_DECAY)  # (B, L, E, N)
    drive = (delta * x)[..., None] * Bm[:, :, None, :]  # (B, L, E, N)
    if pad:
        log_decay = F.pad(log_decay, (0, 0, 0, 0, 0, pad))  # zero decay: state passes unchanged
        drive = F.pad(drive, (0, 0, 0, 0, 0, pad))
    n_chunks = log_decay.shape[1] // CHUNK_FRAMES
    shape = (batch, n_chunks, CHUNK_FRAMES, inner, n_state)
    cum = torch.cumsum(log_decay.view(shape), dim=2)  # S_t, (B, C, T, E, N)
    centred = cum - 0.5 * cum[:, :, -1:]  # S_t - M; exp(-S_s) alone overflows for large drives
    local = torch.exp(centred) * torch.cumsum(torch.exp(-centred) * drive.view(shape), dim=2)
    # Carry the state across chunk boundaries on the small per-chunk tensors only.
    h = x.new_zeros(batch, inner, n_state) if h0 is None else h0
    starts = []
    for chunk_decay, chunk_end in zip(torch.exp(cum[:, :, -1]).unbind(1), local[:, :, -1].unbind(1)):
        starts.append(h)
        h = chunk_decay * h + chunk_end  # (B, E, N)
    h_start = torch.stack(starts, dim=1)[:, :, None]  # (B, C, 1, E, N)
    hs = (torch.exp(cum) * h_start + local).view(batch, -1, inner, n_state)[:, :length]  # (B, L, E, N)
    y = torch.einsum("blen,bln->ble", hs, Cm) + Dv * x
    return y, hs[:, length - 1]


class MambaMixer(nn.Module):
    """One Mamba layer: in-projection, causal depthwise conv, selective scan, SiLU gate, out-projection."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d, e, n, r = cfg.d_model, cfg.d_inner, cfg.d_state, cfg.dt_rank_value
        self.cfg = cfg
        self.in_proj = nn.Linear(d, 2 * e, bias=False)
        self.conv = nn.Conv1d(e, e, kernel_size=cfg.d_conv, groups=e, bias=True)
        self.x_proj = nn.Linear(e, r + 2 * n, bias=False)
        self.dt_proj = nn.Linear(r, e, bias=True)
        self.out_proj = nn.Linear(e, d, bias=False)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, n + 1, dtype=torch.float32)).repeat(e, 1))  # (E, N)
        self.D = nn.Parameter(torch.ones(e))
        self._init_dt()

    def _init_dt(self, dt_min: float = 1e-3, dt_max: float = 0.1) -> None:
        # Start Δ log-uniform in [dt_min, dt_max]: the softplus bias is its inverse at those values.
        dt = torch.exp(torch.rand(self.cfg.d_inner) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min))
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))

    def _ssm_inputs(self, u):
        """Δ, B, C from the conv output u (..., E)."""
        r, n = self.cfg.dt_rank_value, self.cfg.d_state
        dt_low, Bm, Cm = torch.split(self.x_proj(u), [r, n, n], dim=-1)
        return F.softplus(self.dt_proj(dt_low)), Bm, Cm

    def forward(self, x, scan=selective_scan_chunked):
        """x (B, L, D) -> (B, L, D), causal, from a zero state."""
        length = x.shape[1]
        xi, z = self.in_proj(x).chunk(2, dim=-1)  # (B, L, E) each
        u = self.conv(F.pad(xi.transpose(1, 2), (self.cfg.d_conv - 1, 0)))[..., :length]  # (B, E, L)
        u = F.silu(u.transpose(1, 2))  # (B, L, E)
        delta, Bm, Cm = self._ssm_inputs(u)
        y, _ = scan(u, delta, -torch.exp(self.A_log), Bm, Cm, self.D)
        return self.out_proj(y * F.silu(z))

    def step(self, x, conv_state, ssm_state):
        """Advance one frame. x (B, D); conv_state (B, E, K-1) contains past conv inputs; ssm_state (B, E, N)."""
        xi, z = self.in_proj(x).chunk(2, dim=-1)  # (B, E)
        window = torch.cat([conv_state, xi[:, :, None]], dim=2)  # (B, E, K)
        u = F.silu(self.conv(window)[:, :, 0])  # (B, E)
        delta, Bm, Cm = self._ssm_inputs(u)
        log_decay = torch.clamp(delta[:, :, None] * -torch.exp(self.A_log), min=MIN_LOG_DECAY)
        h = torch.exp(log_decay) * ssm_state + (delta * u)[:, :, None] * Bm[:, None, :]
        y = (h * Cm[:, None, :]).sum(-1) + self.D * u
        return self.out_proj(y * F.silu(z)), window[:, :, 1:], h
