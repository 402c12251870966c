"""The one conversion from any input sample format to float32 in [-1, 1], saturating."""

from __future__ import annotations

import numpy as np

from kwapp.messages import msg

_INT_SCALE = {np.dtype(np.int16): 32768.0, np.dtype(np.int32): 2147483648.0, np.dtype(np.int8): 128.0}


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int8/int16/int32 scale by full scale; floats pass through. Values beyond full scale are clipped
    to [-1, 1] instead of wrapping, so an over-driven input saturates like a real converter."""
    data = np.asarray(samples)
    if data.dtype in _INT_SCALE:
        out = data.astype(np.float32) * np.float32(1.0 / _INT_SCALE[data.dtype])
    elif data.dtype.kind == "f":
        out = data.astype(np.float32)
    else:
        raise ValueError(msg("sample format {dtype} is not supported; use int16, int32, float32 or float64", dtype=data.dtype))
    return np.clip(out, -1.0, 1.0)
