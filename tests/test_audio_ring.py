"""Ring: the capture buffer between the PortAudio callback and the engine (drop-newest when full)."""

import numpy as np

from kwapp.audio.ring import Ring


def frames(start: int, n: int, channels: int = 2) -> np.ndarray:
    """n frames whose values count up from start, so order and gaps are visible."""
    return np.arange(start, start + n, dtype=np.float32).repeat(channels).reshape(n, channels)


def test_ring_read_returns_written():
    ring = Ring(8, 2, np.float32)
    ring.write(frames(0, 5))
    assert ring.available() == 5
    assert np.array_equal(ring.read(), frames(0, 5))
    assert ring.available() == 0


def test_ring_wraps_around():
    ring = Ring(8, 2, np.float32)
    ring.write(frames(0, 6))
    assert np.array_equal(ring.read(4), frames(0, 4))
    ring.write(frames(6, 5))  # frames 8..10 of the stream land at the start of the buffer
    assert ring.available() == 7
    assert np.array_equal(ring.read(), frames(4, 7))
    assert ring.dropped_frames == 0


def test_ring_many_wraps_keep_order():
    ring = Ring(7, 1, np.int16)
    expected, received = [], []
    written = 0
    for size in [3, 5, 1, 6, 2, 7, 4] * 20:
        block = (np.arange(written, written + size) % 30000).astype(np.int16).reshape(-1, 1)
        ring.write(block)
        expected.append(block)
        written += size
        received.append(ring.read())
    assert np.array_equal(np.concatenate(received), np.concatenate(expected))


def test_ring_full_drops_newest():
    ring = Ring(8, 2, np.float32)
    ring.write(frames(0, 6))
    ring.write(frames(6, 3))  # 3 frames do not fit in the 2 free ones: the whole block is dropped
    assert ring.dropped_frames == 3
    assert ring.drop_events == 1
    assert np.array_equal(ring.read(), frames(0, 6))


def test_ring_counts_every_drop():
    ring = Ring(4, 1, np.float32)
    ring.write(frames(0, 4, 1))
    for _ in range(5):
        ring.write(frames(100, 2, 1))
    assert ring.dropped_frames == 10
    assert ring.drop_events == 5
    assert ring.available() == 4


def test_ring_accepts_after_drop():
    ring = Ring(4, 1, np.float32)
    ring.write(frames(0, 4, 1))
    ring.write(frames(4, 1, 1))
    ring.read(2)
    ring.write(frames(5, 2, 1))
    assert np.array_equal(ring.read(), np.array([[2], [3], [5], [6]], dtype=np.float32))


def test_ring_exact_fill_allowed():
    ring = Ring(4, 1, np.float32)
    ring.write(frames(0, 4, 1))
    assert ring.dropped_frames == 0
    assert ring.available() == 4


def test_ring_read_limit():
    ring = Ring(8, 1, np.float32)
    ring.write(frames(0, 5, 1))
    assert len(ring.read(2)) == 2
    assert len(ring.read(10)) == 3
    assert ring.read().shape == (0, 1)


def test_ring_clear_discards_buffered():
    ring = Ring(8, 1, np.float32)
    ring.write(frames(0, 5, 1))
    ring.clear()
    assert ring.available() == 0
    ring.write(frames(5, 2, 1))
    assert np.array_equal(ring.read(), frames(5, 2, 1))


def test_ring_read_is_a_copy():
    ring = Ring(4, 1, np.float32)
    ring.write(frames(0, 2, 1))
    out = ring.read()
    ring.write(frames(50, 4, 1))
    assert out[:, 0].tolist() == [0.0, 1.0]
