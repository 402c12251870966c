"""to_float32: the one conversion from device and file sample formats to float32."""

import numpy as np
import pytest

from kwapp.audio.convert import to_float32


def test_int16_full_scale():
    out = to_float32(np.array([-32768, 0, 16384, 32767], dtype=np.int16))
    assert out.dtype == np.float32
    assert out[0] == -1.0
    assert out[1] == 0.0
    assert out[2] == 0.5
    assert out[3] == np.float32(32767 / 32768)


def test_int32_full_scale():
    out = to_float32(np.array([-(2**31), 2**30, 2**31 - 1], dtype=np.int32))
    assert out[0] == -1.0
    assert out[1] == 0.5
    assert out[2] == 1.0  # 1 - 2**-31 rounds to 1.0 in float32


def test_int8_full_scale():
    out = to_float32(np.array([-128, 64], dtype=np.int8))
    assert out.tolist() == [-1.0, 0.5]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_over_full_scale_saturates(dtype):
    out = to_float32(np.array([1.5, -1.5, 1e10, -np.inf, 0.25], dtype=dtype))
    assert out.dtype == np.float32
    assert out[0] == 1.0
    assert out[1] == -1.0
    assert out[2] == 1.0
    assert out[3] == -1.0
    assert out[4] == 0.25


def test_float_keeps_shape():
    block = np.full((10, 2), 0.1, dtype=np.float64)
    assert to_float32(block).shape == (10, 2)


def test_same_signal_all_formats():
    pcm = np.array([-32768, -12345, -1, 0, 1, 999, 32767], dtype=np.int16)
    as_int16 = to_float32(pcm)
    as_int32 = to_float32(pcm.astype(np.int32) << 16)
    as_float32 = to_float32(pcm.astype(np.float32) / 32768)
    as_float64 = to_float32(pcm.astype(np.float64) / 32768)
    assert np.array_equal(as_int16, as_int32)
    assert np.array_equal(as_int16, as_float32)
    assert np.array_equal(as_int16, as_float64)


@pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.complex64])
def test_unsupported_format_rejected(dtype):
    with pytest.raises(ValueError, match="not supported"):
        to_float32(np.zeros(4, dtype=dtype))
