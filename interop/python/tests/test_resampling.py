"""resize against scipy.ndimage.affine_transform (+ gaussian_filter for anti-aliasing) and downscale against a
brute-force numpy reduction and skimage.measure.block_reduce: every dtype, 1D-3D, every layout, bad inputs."""

import itertools

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.measure

import bioimage_kernels as bk
from conftest import assert_raises, DTYPES, assert_close, random_image, with_layout

SHAPES = {1: (29,), 2: (17, 22), 3: (9, 11, 14)}
TARGETS = {1: (12,), 2: (11, 35), 3: (5, 16, 7)}
# our mode → (scipy's interpolation mode, scipy's filter mode for the anti-aliasing smoothing)
MODES = {"mirror": ("mirror", "mirror"), "reflect": ("reflect", "reflect"), "nearest": ("nearest", "nearest"),
         "wrap": ("grid-wrap", "wrap"), "constant": ("grid-constant", "constant")}


def resize_reference(x, shape, order, anti_aliasing, mode="mirror", cval=0.0):
    scale = [i / o for i, o in zip(x.shape, shape)]
    interpolation, smoothing = MODES[mode]
    if anti_aliasing:
        sigma = [max(0.0, (s - 1) / 2) for s in scale]
        x = ndi.gaussian_filter(x, sigma, mode=smoothing, cval=cval, truncate=4.0)
    return ndi.affine_transform(x, np.diag(scale), output_shape=shape, order=order, mode=interpolation, cval=cval,
                                prefilter=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_order_0_copies_voxels_exactly_in_every_dtype(dtype, ndim, layout):
    image = random_image(SHAPES[ndim], dtype, seed=ndim)
    ours = bk.resize(with_layout(image, layout), TARGETS[ndim], order=0)
    assert ours.dtype == image.dtype
    reference = ndi.affine_transform(image.astype(np.float64), np.diag([i / o for i, o in zip(image.shape, TARGETS[ndim])]),
                                     output_shape=TARGETS[ndim], order=0, mode="mirror")
    assert np.array_equal(ours, reference.astype(image.dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [2, 3])
def test_linear_with_anti_aliasing_in_every_dtype(dtype, ndim, layout):
    image = random_image(SHAPES[ndim], dtype, seed=ndim)
    working = np.float64 if image.dtype == np.float64 else np.float32
    ours = bk.resize(with_layout(image, layout), TARGETS[ndim], order=1, anti_aliasing=True)
    assert ours.dtype == working
    assert_close(ours, resize_reference(image.astype(working).astype(np.float64), TARGETS[ndim], 1, True), working)


@pytest.mark.parametrize("order", range(6))
@pytest.mark.parametrize("anti_aliasing", [False, True])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_every_order_in_float64(order, anti_aliasing, ndim):
    image = random_image(SHAPES[ndim], np.float64, seed=order)
    ours = bk.resize(image, TARGETS[ndim], order=order, anti_aliasing=anti_aliasing, dtype=np.float64)
    assert_close(ours, resize_reference(image, TARGETS[ndim], order, anti_aliasing), np.float64)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3])
def test_border_modes(mode, order):
    image = random_image((13, 10), np.float64, seed=9)
    ours = bk.resize(image, (20, 4), order=order, mode=mode, cval=2.5, anti_aliasing=True)
    reference = resize_reference(image, (20, 4), order, True, mode=mode, cval=2.5)
    if order >= 2 and mode != "mirror":
        # The spline prefilters differ at the edges by ~1e-12 relative (1.7e-11 absolute on values up to 16 measured
        # for reflect): both initialise the recursive filter of these modes by a truncated sum. Not 1e-12 but far
        # below float32 resolution; which side is closer to the exact coefficients is not established.
        np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-10 * np.abs(reference).max())
    else:
        assert_close(ours, reference, np.float64)


def test_skimage_defaults_for_order_and_anti_aliasing():
    image = random_image((16, 16), np.float32)
    assert_close(bk.resize(image, (8, 8)), resize_reference(image.astype(np.float64), (8, 8), 1, True), np.float32)
    assert_close(bk.resize(image, (32, 24)), resize_reference(image.astype(np.float64), (32, 24), 1, False), np.float32)
    labels = random_image((16, 16), np.bool_)
    assert bk.resize(labels, (8, 8)).dtype == np.bool_  # order 0 for bool


def test_resize_output_views_threads_and_empty():
    image = random_image((10, 12, 14), np.float32, seed=2)
    reference = resize_reference(image.astype(np.float64), (6, 7, 20), 3, False)
    out = np.zeros((20, 7, 6), np.float32).T
    bk.resize(image, (6, 7, 20), order=3, anti_aliasing=False, out=out, threads=2)
    assert_close(out, reference, np.float32)
    assert np.array_equal(out, bk.resize(image, (6, 7, 20), order=3, anti_aliasing=False, threads=1))
    assert bk.resize(image, (0, 7, 20), order=1).shape == (0, 7, 20)


def pool_reference(image, factors, method):
    """Brute force: each output voxel reduces the block of input voxels that exist."""
    shape = tuple(-(-n // f) for n, f in zip(image.shape, factors))
    out = np.empty(shape, image.dtype)
    for index in itertools.product(*(range(n) for n in shape)):
        block = image[tuple(slice(i * f, (i + 1) * f) for i, f in zip(index, factors))].ravel()
        if method == "max":
            out[index] = block.max()
        elif method == "min":
            out[index] = block.min()
        elif method == "mode":
            values, counts = np.unique(block, return_counts=True)
            out[index] = values[np.argmax(counts)]  # np.unique sorts: the first maximum is the smallest value
        elif image.dtype.kind in "iub":
            out[index] = sum(int(v) for v in block) // len(block)
        else:
            out[index] = block.astype(np.float64).mean()
    return out


@pytest.mark.parametrize("method", ["mean", "max", "min", "mode"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_downscale_matches_brute_force(method, dtype, ndim, layout):
    image = random_image(SHAPES[ndim], dtype, seed=ndim)
    if method == "mode" and image.dtype.kind in "iu":
        image = (image % 4).astype(dtype)  # repeated values, so the mode is not always a tie
    factors = (3, 2, 4)[-ndim:]
    ours = bk.downscale(with_layout(image, layout), factors, method=method)
    reference = pool_reference(image, factors, method)
    assert ours.dtype == image.dtype and ours.shape == reference.shape
    if image.dtype.kind == "f" and method == "mean":
        assert_close(ours, reference, image.dtype)
    else:
        assert np.array_equal(ours, reference)


def test_downscale_equals_skimage_block_reduce_on_whole_blocks():
    image = random_image((12, 18, 20), np.float64, seed=4)
    for method, func in [("mean", np.mean), ("max", np.max), ("min", np.min)]:
        assert_close(bk.downscale(image, (3, 2, 4), method=method), skimage.measure.block_reduce(image, (3, 2, 4), func),
                     np.float64)


def test_downscale_large_integer_means_are_exact():
    image = np.full((4, 4), np.iinfo(np.uint64).max - 1, np.uint64)
    image[0, 0] = np.iinfo(np.uint64).max
    assert bk.downscale(image, 2, method="mean")[0, 0] == np.iinfo(np.uint64).max - 1  # floor((16·max − 15) / 16)


@pytest.mark.parametrize("call, error, message", [
    (lambda: bk.resize(np.zeros((4, 4)), (2, 2), order=6), ValueError, "order must be an int from 0 to 5"),
    (lambda: bk.resize(np.zeros((4, 4)), (2,)), ValueError, "output_shape needs 2 values"),
    (lambda: bk.resize(np.zeros((4, 4)), (2, -1)), ValueError, "negative extent"),
    (lambda: bk.resize(np.zeros((4, 4)), (2.5, 2)), TypeError, "output_shape[0] must be an int"),
    (lambda: bk.resize(np.zeros((4, 4, 4, 4)), (2, 2, 2, 2)), ValueError, "1 or 2 or 3 dimensions"),
    (lambda: bk.resize(np.zeros((4, 4), np.uint8), (2, 2), order=0, out=np.zeros((2, 2), np.int8)), TypeError, "out has dtype int8"),
    (lambda: bk.resize(np.zeros((4, 4)), (2, 2), order=1, dtype=np.int32), TypeError, "float32 or float64"),
    (lambda: bk.resize(np.zeros((0, 4)), (2, 2)), ValueError, "nothing to resize"),
    (lambda: bk.resize(np.zeros((4, 4)), (2, 2), mode="grid-mirror-x"), ValueError, "mode must be one of"),
    (lambda: bk.downscale(np.zeros((4, 4)), 0), ValueError, "at least 1"),
    (lambda: bk.downscale(np.zeros((4, 4)), 2, method="median"), ValueError, "method must be one of"),
    (lambda: bk.downscale(np.zeros((4, 4)), 2, out=np.zeros((3, 2))), ValueError, "expected (2, 2)"),
    (lambda: bk.downscale(np.zeros((4, 4)), 2, out=np.zeros((2, 2), np.float32)), TypeError, "out has dtype float32"),
])
def test_bad_input_raises_clear_errors(call, error, message):
    assert_raises(call, error, message)


def test_read_only_output_is_refused():
    out = np.zeros((2, 2))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        bk.downscale(np.zeros((4, 4)), 2, out=out)
