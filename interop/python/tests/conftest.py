"""Shared helpers of the binding tests: random inputs of every dtype and the array layouts a caller may pass."""

import numpy as np
import pytest

DTYPES = [np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64, np.bool_]
LAYOUTS = ["C", "F", "strided", "reversed"]


def random_image(shape, dtype, seed=0):
    """Random values that every dtype holds exactly (so float32 conversion loses nothing)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "f":
        return rng.normal(10.0, 5.0, shape).astype(dtype)
    low = -100 if dtype.kind == "i" else 0
    return rng.integers(low, 100, shape).astype(dtype)


def with_layout(image, layout):
    """The same values in C order, Fortran order, a strided view (every other element of a larger array) or a view
    with negative strides on every axis."""
    if layout == "C":
        return np.ascontiguousarray(image)
    if layout == "F":
        return np.asfortranarray(image)
    if layout == "strided":
        big = np.zeros(tuple(2 * n + 1 for n in image.shape), image.dtype)
        view = big[tuple(slice(1, None, 2) for _ in image.shape)]
        view[...] = image
        return view
    if layout == "reversed":
        flipped = np.ascontiguousarray(image[tuple(slice(None, None, -1) for _ in image.shape)])
        return flipped[tuple(slice(None, None, -1) for _ in image.shape)]
    raise ValueError(layout)


def assert_close(ours, reference, dtype):
    """float64 within 1e-12 of the reference's magnitude, float32 within 2e-6 (one float32 rounding per pass)."""
    tolerance = 1e-12 if np.dtype(dtype) == np.float64 else 2e-6
    scale = max(1.0, float(np.abs(reference).max()))
    error = float(np.abs(ours.astype(np.float64) - reference).max()) if reference.size else 0.0
    assert error <= tolerance * scale, f"max error {error} exceeds {tolerance} x {scale}"


def assert_raises(call, error, message):
    """``call()`` raises ``error`` whose text contains ``message``."""
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


@pytest.fixture(params=LAYOUTS)
def layout(request):
    return request.param
