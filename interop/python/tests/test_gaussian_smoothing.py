"""gaussian_smoothing against scipy.ndimage.gaussian_filter: every dtype, 2D and 3D, every layout, in place, errors."""

import numpy as np
import pytest
import scipy.ndimage as ndi

import bioimage_kernels as bk
from conftest import assert_raises, DTYPES, assert_close, random_image, with_layout

SHAPES = {2: (23, 31), 3: (9, 14, 17)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [2, 3])
def test_matches_scipy_for_every_dtype(dtype, ndim, layout):
    image = random_image(SHAPES[ndim], dtype)
    working = np.float64 if image.dtype == np.float64 else np.float32
    ours = bk.gaussian_smoothing(with_layout(image, layout), 1.5)
    assert ours.dtype == working and ours.shape == image.shape
    assert_close(ours, ndi.gaussian_filter(image.astype(working).astype(np.float64), 1.5), working)


@pytest.mark.parametrize("mode", ["reflect", "mirror", "nearest", "constant", "wrap"])
@pytest.mark.parametrize("ndim", [2, 3])
def test_modes_anisotropic_sigma_truncate_and_float64(mode, ndim):
    image = random_image(SHAPES[ndim], np.float64, seed=1)
    sigma = (0.0, 2.0, 0.7)[-ndim:] if ndim == 2 else (2.5, 0.0, 0.7)
    ours = bk.gaussian_smoothing(image, sigma, mode=mode, cval=3.25, truncate=3.0, threads=2)
    assert_close(ours, ndi.gaussian_filter(image, sigma, mode=mode, cval=3.25, truncate=3.0), np.float64)


def test_float64_output_for_integer_input_and_given_out():
    image = random_image((12, 40), np.int16)
    out = np.full((40, 12), np.nan).T  # a Fortran-ordered output
    result = bk.gaussian_smoothing(image, 2.0, out=out)
    assert result is out
    assert_close(out, ndi.gaussian_filter(image.astype(np.float64), 2.0), np.float64)
    assert bk.gaussian_smoothing(image, 2.0, dtype=np.float64).dtype == np.float64


def test_in_place_and_reversed_output_view():
    image = random_image((16, 20, 24), np.float32, seed=3)
    reference = ndi.gaussian_filter(image.astype(np.float64), 1.2)
    work = image.copy()
    assert bk.gaussian_smoothing(work, 1.2, out=work) is work
    assert_close(work, reference, np.float32)
    out = np.zeros_like(image)[::-1, :, ::-1]
    bk.gaussian_smoothing(image, 1.2, out=out)
    assert_close(out, reference, np.float32)


def test_threads_give_identical_results():
    image = random_image((20, 33, 47), np.float32, seed=4)
    one = bk.gaussian_smoothing(image, 2.0, threads=1)
    assert np.array_equal(one, bk.gaussian_smoothing(image, 2.0, threads=0))
    assert np.array_equal(one, bk.gaussian_smoothing(image, 2.0, threads=2))


def test_empty_and_single_voxel_axes():
    assert bk.gaussian_smoothing(np.zeros((0, 5), np.float32), 1.0).shape == (0, 5)
    image = random_image((1, 1, 9), np.float64)
    assert_close(bk.gaussian_smoothing(image, 1.0), ndi.gaussian_filter(image, 1.0), np.float64)


@pytest.mark.parametrize("call, error, message", [
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4), np.complex64), 1.0), TypeError, "dtype complex64"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, out=np.zeros((4, 4), np.int32)), TypeError, "out has dtype int32"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, dtype=np.int8), TypeError, "float32 or float64"),
    (lambda: bk.gaussian_smoothing("image", 1.0), TypeError, "image has dtype <U5"),
    (lambda: bk.gaussian_smoothing([[1, 2], [3, 4]], 1.0, out=[[0.0]]), TypeError, "out must be a numpy.ndarray"),
    (lambda: bk.gaussian_smoothing(np.zeros(4), 1.0), ValueError, "2 or 3 dimensions"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4, 4, 4)), 1.0), ValueError, "2 or 3 dimensions"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), -1.0), ValueError, "sigma[0] must be finite and >= 0"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), (1.0, 2.0, 3.0)), ValueError, "one value or 2"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), float("nan")), ValueError, "finite"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, out=np.zeros((4, 5))), ValueError, "shape (4, 5)"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, mode="bogus"), ValueError, "mode must be one of"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, truncate=0), ValueError, "truncate"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, threads=-2), ValueError, "threads"),
    (lambda: bk.gaussian_smoothing(np.zeros((4, 4)).astype(">f8"), 1.0), ValueError, "byte order"),
])
def test_bad_input_raises_clear_errors(call, error, message):
    assert_raises(call, error, message)


def test_read_only_output_is_refused():
    out = np.zeros((4, 4))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        bk.gaussian_smoothing(np.zeros((4, 4)), 1.0, out=out)
