"""Keyword Mamba: a causal stack of pre-norm residual Mamba blocks with a per-frame classifier.

The same weights classify a whole clip (`forward`, training and evaluation) and run one 10 ms
frame at a time with a carried state (`step`, live detection). The state per layer is the conv
tail (d_inner x (d_conv - 1)) and the SSM state (d_inner x d_state).
"""

from __future__ import annotations

import torch
from torch import nn

from kwapp.model.config import ModelConfig
from kwapp.model.mamba import MambaMixer, selective_scan_chunked


class MambaBlock(nn.Module):
    """x + Mamba(LayerNorm(x)), with an optional feed-forward sublayer (the Mamba-T variant)."""

    def __init__(self, cfg: ModelConfig, feed_forward: bool = False):
        super().__init__()
        self.norm = nn.LayerNorm(cfg.d_model)
        self.mixer = MambaMixer(cfg)
        self.drop = nn.Dropout(cfg.dropout)
        self.ff = None
        if feed_forward:
            self.ff_norm = nn.LayerNorm(cfg.d_model)
            self.ff = nn.Sequential(
                nn.Linear(cfg.d_model, cfg.ff_mult * cfg.d_model),
                nn.GELU(),
                nn.Linear(cfg.ff_mult * cfg.d_model, cfg.d_model),
            )

    def forward(self, x, scan=selective_scan_chunked):
        x = x + self.drop(self.mixer(self.norm(x), scan=scan))
        if self.ff is not None:
            x = x + self.drop(self.ff(self.ff_norm(x)))
        return x

    def step(self, x, conv_state, ssm_state):
        y, conv_state, ssm_state = self.mixer.step(self.norm(x), conv_state, ssm_state)
        x = x + y
        if self.ff is not None:
            x = x + self.ff(self.ff_norm(x))
        return x, conv_state, ssm_state


class KeywordMamba(nn.Module):
    """Features (B, L, F) -> per-frame logits (B, L, classes); feature normalisation is built in."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.register_buffer("feat_mean", torch.zeros(cfg.n_features))
        self.register_buffer("feat_std", torch.ones(cfg.n_features))
        self.embed = nn.Linear(cfg.n_features, cfg.d_model)
        self.blocks = nn.ModuleList(MambaBlock(cfg, feed_forward=cfg.arch == "mamba_t") for _ in range(cfg.n_layers))
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.n_classes)

    def forward(self, feats, scan=selective_scan_chunked):
        x = self.embed((feats - self.feat_mean) / self.feat_std)  # (B, L, D)
        for block in self.blocks:
            x = block(x, scan=scan)
        return self.head(self.norm(x))

    def initial_state(self, batch: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """Zero state: conv (layers, B, E, K-1) and SSM (layers, B, E, N)."""
        c = self.cfg
        conv = torch.zeros(c.n_layers, batch, c.d_inner, c.d_conv - 1)
        ssm = torch.zeros(c.n_layers, batch, c.d_inner, c.d_state)
        return conv, ssm

    def step(self, frame, conv_state, ssm_state):
        """frame (B, F) -> logits (B, classes) and the next (conv_state, ssm_state)."""
        x = self.embed((frame - self.feat_mean) / self.feat_std)
        convs, ssms = [], []
        for i, block in enumerate(self.blocks):
            x, conv, ssm = block.step(x, conv_state[i], ssm_state[i])
            convs.append(conv)
            ssms.append(ssm)
        return self.head(self.norm(x)), torch.stack(convs), torch.stack(ssms)
