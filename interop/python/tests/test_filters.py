"""The Gaussian filter family against scipy.ndimage (and skimage for DoG): every dtype, 2D and 3D, every layout."""

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.filters

import bioimage_kernels as bk
from conftest import assert_raises, DTYPES, assert_close, random_image, with_layout

SHAPES = {2: (21, 26), 3: (9, 12, 15)}


def orders(ndim, *axes):
    """The derivative order per axis for a derivative along each of ``axes``."""
    order = [0] * ndim
    for axis in axes:
        order[axis] += 1
    return order


def eigenvalues_largest_first(matrix_entries, ndim):
    """Eigenvalues of the symmetric matrices given as {(a, b): array} for a <= b, largest first, channel-first."""
    shape = next(iter(matrix_entries.values())).shape
    matrix = np.empty(shape + (ndim, ndim))
    for (a, b), values in matrix_entries.items():
        matrix[..., a, b] = matrix[..., b, a] = values
    return np.moveaxis(np.linalg.eigvalsh(matrix)[..., ::-1], -1, 0)


def hessian_reference(x, sigma, **kw):
    entries = {(a, b): ndi.gaussian_filter(x, sigma, order=orders(x.ndim, a, b), **kw)
               for a in range(x.ndim) for b in range(a, x.ndim)}
    return eigenvalues_largest_first(entries, x.ndim)


def structure_tensor_reference(x, inner, outer, **kw):
    gradient = [ndi.gaussian_filter(x, inner, order=orders(x.ndim, a), **kw) for a in range(x.ndim)]
    entries = {(a, b): ndi.gaussian_filter(gradient[a] * gradient[b], outer, **kw)
               for a in range(x.ndim) for b in range(a, x.ndim)}
    return eigenvalues_largest_first(entries, x.ndim)


# (our function, its call with (image, **kw), the scipy oracle on float64 data with the same **kw)
FILTERS = {
    "gaussian_gradient_magnitude": (lambda im, **kw: bk.gaussian_gradient_magnitude(im, 1.3, **kw),
                                    lambda x, **kw: ndi.gaussian_gradient_magnitude(x, 1.3, **kw)),
    "laplacian_of_gaussian": (lambda im, **kw: bk.laplacian_of_gaussian(im, 1.3, **kw),
                              lambda x, **kw: ndi.gaussian_laplace(x, 1.3, **kw)),
    "hessian_of_gaussian_eigenvalues": (lambda im, **kw: bk.hessian_of_gaussian_eigenvalues(im, 1.3, **kw),
                                        lambda x, **kw: hessian_reference(x, 1.3, **kw)),
    "structure_tensor_eigenvalues": (lambda im, **kw: bk.structure_tensor_eigenvalues(im, 1.0, 2.0, **kw),
                                     lambda x, **kw: structure_tensor_reference(x, 1.0, 2.0, **kw)),
    "difference_of_gaussians": (lambda im, **kw: bk.difference_of_gaussians(im, 1.0, 2.5, **kw),
                                lambda x, **kw: ndi.gaussian_filter(x, 1.0, **kw) - ndi.gaussian_filter(x, 2.5, **kw)),
}


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [2, 3])
def test_matches_scipy_for_every_dtype(name, dtype, ndim, layout):
    ours, oracle = FILTERS[name]
    image = random_image(SHAPES[ndim], dtype, seed=ndim)
    working = np.float64 if image.dtype == np.float64 else np.float32
    result = ours(with_layout(image, layout), mode="reflect")
    reference = oracle(image.astype(working).astype(np.float64), mode="reflect")
    assert result.dtype == working and result.shape == reference.shape
    assert_close(result, reference, working)


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("mode", ["mirror", "nearest", "constant", "wrap"])
def test_border_modes_in_float64(name, mode):
    ours, oracle = FILTERS[name]
    image = random_image((8, 13, 11), np.float64, seed=5)
    assert_close(ours(image, mode=mode, cval=1.5, truncate=3.0), oracle(image, mode=mode, cval=1.5, truncate=3.0), np.float64)


def test_anisotropic_sigmas():
    image = random_image((10, 14, 12), np.float64, seed=6)
    sigma = (2.0, 1.0, 0.6)
    assert_close(bk.gaussian_gradient_magnitude(image, sigma), ndi.gaussian_gradient_magnitude(image, sigma), np.float64)
    assert_close(bk.laplacian_of_gaussian(image, sigma), ndi.gaussian_laplace(image, sigma), np.float64)
    assert_close(bk.hessian_of_gaussian_eigenvalues(image, sigma), hessian_reference(image, sigma), np.float64)
    assert_close(bk.structure_tensor_eigenvalues(image, sigma, (1.0, 2.0, 3.0)),
                 structure_tensor_reference(image, sigma, (1.0, 2.0, 3.0)), np.float64)


def test_difference_of_gaussians_equals_skimage_on_float_images():
    image = random_image((20, 24), np.float64, seed=7)
    assert_close(bk.difference_of_gaussians(image, 1.5), skimage.filters.difference_of_gaussians(image, 1.5), np.float64)
    assert_close(bk.difference_of_gaussians(image, (1.0, 2.0), (3.0, 2.5), mode="reflect"),
                 skimage.filters.difference_of_gaussians(image, (1.0, 2.0), (3.0, 2.5), mode="reflect"), np.float64)


def test_in_place_and_channel_first_outputs():
    image = random_image((12, 16, 10), np.float32, seed=8)
    reference = ndi.gaussian_laplace(image.astype(np.float64), 1.2)
    work = image.copy()
    bk.laplacian_of_gaussian(work, 1.2, out=work)
    assert_close(work, reference, np.float32)
    out = np.zeros((12, 16, 10, 3), np.float64).transpose(3, 0, 1, 2)  # channel axis last in memory
    bk.hessian_of_gaussian_eigenvalues(image, 1.2, out=out)
    assert_close(out, hessian_reference(image.astype(np.float64), 1.2), np.float64)


@pytest.mark.parametrize("call, error, message", [
    (lambda: bk.gaussian_gradient_magnitude(np.zeros((5, 5)), 0.0), ValueError, "sigma[0] must be finite and >= 1e-15"),
    (lambda: bk.laplacian_of_gaussian(np.zeros((5, 5)), -1.0), ValueError, "sigma[0]"),
    (lambda: bk.hessian_of_gaussian_eigenvalues(np.zeros((5, 5)), 1.0, out=np.zeros((5, 5))), ValueError, "expected (2, 5, 5)"),
    (lambda: bk.structure_tensor_eigenvalues(np.zeros((5, 5)), 1.0, -2.0), ValueError, "outer_sigma[0]"),
    (lambda: bk.difference_of_gaussians(np.zeros((5, 5)), 2.0, 1.0), ValueError, "at least lowSigma"),
    (lambda: bk.difference_of_gaussians(np.zeros((5, 5), np.complex128), 1.0), TypeError, "dtype complex128"),
    (lambda: bk.laplacian_of_gaussian(np.zeros((5, 5)), 1.0, out=np.zeros((5, 5), np.float16)), TypeError, "float16"),
])
def test_bad_input_raises_clear_errors(call, error, message):
    assert_raises(call, error, message)
