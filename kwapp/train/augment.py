"""Waveform and feature augmentation for training: shift, speed, gain, noise mixing, SpecAugment."""

from __future__ import annotations

import dataclasses

import numpy as np
import soxr
import torch

from kwapp.config import SAMPLE_RATE_HZ


@dataclasses.dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and ranges of each augmentation."""

    shift_ms: float = 100.0  # uniform time shift in [-shift_ms, +shift_ms], zero fill
    speed_prob: float = 0.5
    speed_range: tuple[float, float] = (0.9, 1.1)  # resampling factor: changes speed and pitch together
    gain_db_range: tuple[float, float] = (-18.0, 6.0)
    noise_prob: float = 0.8
    snr_db_range: tuple[float, float] = (0.0, 20.0)
    factory_share: float = 0.5  # share of noise draws taken from factory recordings when present
    silence_gain_db_range: tuple[float, float] = (-60.0, -10.0)  # noise level for _silence_ examples, dBFS RMS
    freq_masks: int = 2
    freq_mask_width: int = 5  # feature bins
    time_masks: int = 2
    time_mask_width: int = 10  # frames (10 ms each)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


class WaveAugmenter:
    """Augments 16 kHz clips of a fixed length, drawing from a private random generator."""

    def __init__(self, noises: list[np.ndarray], factory: list[bool], cfg: AugmentConfig, seed: int):
        self.cfg = cfg
        self.rng = np.random.default_rng(seed)
        self.noises = [n for n in noises if len(n) > 0]
        self.factory = [f for n, f in zip(noises, factory) if len(n) > 0]

    def noise_crop(self, n_samples: int) -> np.ndarray:
        """Cut a random stretch of a random noise recording, looped when shorter than needed."""
        if not self.noises:
            return np.zeros(n_samples, dtype=np.float32)
        pool = [i for i, f in enumerate(self.factory) if f]
        if pool and self.rng.random() < self.cfg.factory_share:
            noise = self.noises[self.rng.choice(pool)]
        else:
            noise = self.noises[self.rng.integers(len(self.noises))]
        if len(noise) < n_samples:
            noise = np.tile(noise, n_samples // len(noise) + 1)
        start = self.rng.integers(0, len(noise) - n_samples + 1)
        return noise[start : start + n_samples]

    def silence(self, n_samples: int) -> np.ndarray:
        """Make a _silence_ example: background noise at a random low level, sometimes digital zero."""
        if self.rng.random() < 0.05:
            return np.zeros(n_samples, dtype=np.float32)
        noise = self.noise_crop(n_samples)
        level_db = self.rng.uniform(*self.cfg.silence_gain_db_range)
        return (noise * (10 ** (level_db / 20) / rms(noise))).astype(np.float32)

    def speech(self, clip: np.ndarray) -> np.ndarray:
        """Augment a speech clip: speed, shift and gain, then noise at a random SNR."""
        n = len(clip)
        x = clip
        if self.rng.random() < self.cfg.speed_prob:
            factor = self.rng.uniform(*self.cfg.speed_range)
            x = soxr.resample(x, SAMPLE_RATE_HZ, SAMPLE_RATE_HZ / factor, quality="MQ")
        shift = int(self.rng.uniform(-1, 1) * self.cfg.shift_ms * SAMPLE_RATE_HZ / 1000)
        x = np.roll(np.pad(x, (n, n)), shift)[n : 2 * n]  # zero fill, no wrap-around
        x = x * 10 ** (self.rng.uniform(*self.cfg.gain_db_range) / 20)
        if self.rng.random() < self.cfg.noise_prob:
            noise = self.noise_crop(n)
            snr_db = self.rng.uniform(*self.cfg.snr_db_range)
            x = x + noise * (rms(x) / rms(noise) / 10 ** (snr_db / 20))
        return np.clip(x, -1.0, 1.0).astype(np.float32)


def spec_augment(feats: torch.Tensor, fill: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Mask random feature bands and frame spans with `fill` (the feature mean). feats (B, L, F)."""
    batch, length, n_feat = feats.shape
    out = feats.clone()
    for b in range(batch):
        for _ in range(cfg.freq_masks):
            width = int(torch.randint(0, cfg.freq_mask_width + 1, (1,), generator=gen))
            start = int(torch.randint(0, n_feat - width + 1, (1,), generator=gen))
            out[b, :, start : start + width] = fill[start : start + width]
        for _ in range(cfg.time_masks):
            width = int(torch.randint(0, cfg.time_mask_width + 1, (1,), generator=gen))
            start = int(torch.randint(0, length - width + 1, (1,), generator=gen))
            out[b, start : start + width] = fill
    return out
