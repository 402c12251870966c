"""Keyword Transformer (KWT) baseline: one feature frame per token, a class token, learned positions.

A Transformer cannot carry a state from frame to frame, so its streaming `step` keeps the last
`window_frames` feature frames and re-runs the whole window every hop. That cost per frame is the
point of the comparison with Keyword Mamba, whose step touches only its small state.
"""

from __future__ import annotations

import torch
from torch import nn

from kwapp.model.config import ModelConfig


class KeywordTransformer(nn.Module):
    """Features (B, L, F) -> logits (B, 1, classes) for the last window_frames frames."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d, w = cfg.d_model, cfg.window_frames
        self.register_buffer("feat_mean", torch.zeros(cfg.n_features))
        self.register_buffer("feat_std", torch.ones(cfg.n_features))
        self.embed = nn.Linear(cfg.n_features, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, w + 1, d) * 0.02)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(d, cfg.n_heads, cfg.ff_mult * d, cfg.dropout, activation="gelu",
                                       batch_first=True, norm_first=True)
            for _ in range(cfg.n_layers)
        )
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.n_classes)

    def _window(self, normed):
        """Take the last window_frames normalised frames, left-padding shorter input with zeros (the mean)."""
        w = self.cfg.window_frames
        normed = normed[:, -w:]
        if normed.shape[1] < w:
            normed = torch.nn.functional.pad(normed, (0, 0, w - normed.shape[1], 0))
        return normed

    def _classify(self, window):
        x = torch.cat([self.cls.expand(window.shape[0], -1, -1), self.embed(window)], dim=1) + self.pos  # (B, W+1, D)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x[:, :1]))  # (B, 1, classes)

    def forward(self, feats, scan=None):
        return self._classify(self._window((feats - self.feat_mean) / self.feat_std))

    def initial_state(self, batch: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the empty state: a window of normalised frames (B, W, F) of zeros and an unused second state."""
        return torch.zeros(batch, self.cfg.window_frames, self.cfg.n_features), torch.zeros(1)

    def step(self, frame, window, unused):
        """Append one frame and re-run the whole window."""
        window = torch.cat([window[:, 1:], ((frame - self.feat_mean) / self.feat_std)[:, None]], dim=1)
        return self._classify(window)[:, 0], window, unused
