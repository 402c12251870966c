"""Model configuration saved with the weights, so a checkpoint rebuilds its own network."""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Sizes of a streaming keyword model; `n_classes` follows the label list."""

    arch: str = "mamba"  # "mamba" (Keyword Mamba), "kwt" (Transformer) or "mamba_t" (Transformer with Mamba)
    n_features: int = 40  # input size per 10 ms frame
    n_classes: int = 12
    d_model: int = 64  # width of the residual stream
    n_layers: int = 4
    d_state: int = 16  # SSM state size N per inner channel
    expand: int = 2  # d_inner = expand * d_model
    d_conv: int = 4  # width of the depthwise causal convolution
    dt_rank: int = 0  # rank of the Δ projection; 0 means ceil(d_model / 16)
    n_heads: int = 4  # attention heads (kwt only)
    ff_mult: int = 2  # feed-forward width multiple (kwt and mamba_t)
    window_frames: int = 100  # attention window in frames (kwt only): the clip length it re-runs each hop
    dropout: float = 0.1

    @property
    def d_inner(self) -> int:
        return self.expand * self.d_model

    @property
    def dt_rank_value(self) -> int:
        return self.dt_rank or math.ceil(self.d_model / 16)
