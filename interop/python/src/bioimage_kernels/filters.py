"""Gaussian filters with scipy.ndimage semantics (2D and 3D, any input dtype, float32/float64 output)."""

import ctypes
import math
import numbers

import numpy as np

from . import _library
from ._arrays import FLOATS, as_input, describe, mode_code, output_array, per_axis, threads_argument
from ._library import ARRAY_P, DOUBLE_P, function

_i32, _f64 = ctypes.c_int32, ctypes.c_double
_ONE_SIGMA = [ARRAY_P, ARRAY_P, DOUBLE_P, _i32, _f64, _f64, _i32]
_TWO_SIGMAS = [ARRAY_P, ARRAY_P, DOUBLE_P, DOUBLE_P, _i32, _f64, _f64, _i32]
_gaussian_smoothing = function("bk_gaussian_smoothing", _ONE_SIGMA)
_gaussian_gradient_magnitude = function("bk_gaussian_gradient_magnitude", _ONE_SIGMA)
_laplacian_of_gaussian = function("bk_laplacian_of_gaussian", _ONE_SIGMA)
_hessian_of_gaussian_eigenvalues = function("bk_hessian_of_gaussian_eigenvalues", _ONE_SIGMA)
_structure_tensor_eigenvalues = function("bk_structure_tensor_eigenvalues", _TWO_SIGMAS)
_difference_of_gaussians = function("bk_difference_of_gaussians", _TWO_SIGMAS)


def _float_output(image, out, shape, dtype):
    """The output: ``out`` (float32/float64, checked) or a new array of ``dtype`` (default: float64 for float64
    input, else float32)."""
    if dtype is None:
        dtype = np.float64 if image.dtype == np.float64 else np.float32
    elif np.dtype(dtype) not in FLOATS:
        raise TypeError(f"dtype must be float32 or float64; got {np.dtype(dtype)}")
    return output_array(out, "out", shape, dtype, dtypes=FLOATS)


def _filter(export, image, sigmas, *, channels, mode, cval, truncate, out, dtype, threads, minimum=0.0):
    """Checks the common arguments, allocates or checks the output and calls ``export``."""
    image = as_input(image, "image", ndim=(2, 3))
    sigmas = [per_axis(sigma, image.ndim, name, minimum=minimum) for name, sigma in sigmas]
    if isinstance(truncate, bool) or not (isinstance(truncate, numbers.Real) and 0 < truncate < math.inf):
        raise ValueError(f"truncate must be positive and finite; got {truncate!r}")
    shape = (image.ndim, *image.shape) if channels else image.shape
    result = _float_output(image, out, shape, dtype)
    _library.check(export(describe(image), describe(result), *sigmas, mode_code(mode), float(cval), float(truncate),
                          threads_argument(threads)))
    return result


_COMMON = """``image``: 2D or 3D, any numeric dtype, any strides (converted to the output's precision). ``out``: a float32 or
    float64 array of the output shape (it may be ``image`` itself); when None, one of ``dtype`` is allocated (default
    float64 for float64 images, else float32). ``mode``/``cval``/``truncate`` as scipy.ndimage. ``threads``: None or
    0 = all cores. Returns the output array."""


def gaussian_smoothing(image, sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None, dtype=None, threads=None):
    """scipy.ndimage.gaussian_filter(image, sigma, mode=mode, cval=cval, truncate=truncate); ``sigma`` >= 0, a scalar
    or one per axis."""
    return _filter(_gaussian_smoothing, image, [("sigma", sigma)], channels=False, mode=mode, cval=cval,
                   truncate=truncate, out=out, dtype=dtype, threads=threads)


def gaussian_gradient_magnitude(image, sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None, dtype=None,
                                threads=None):
    """scipy.ndimage.gaussian_gradient_magnitude(image, sigma, ...); ``sigma`` > 0 on every axis."""
    return _filter(_gaussian_gradient_magnitude, image, [("sigma", sigma)], channels=False, mode=mode, cval=cval,
                   truncate=truncate, out=out, dtype=dtype, threads=threads, minimum=1e-15)


def laplacian_of_gaussian(image, sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None, dtype=None, threads=None):
    """scipy.ndimage.gaussian_laplace(image, sigma, ...); ``sigma`` > 0 on every axis."""
    return _filter(_laplacian_of_gaussian, image, [("sigma", sigma)], channels=False, mode=mode, cval=cval,
                   truncate=truncate, out=out, dtype=dtype, threads=threads, minimum=1e-15)


def hessian_of_gaussian_eigenvalues(image, sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None, dtype=None,
                                    threads=None):
    """Eigenvalues of the Hessian of Gaussian at ``sigma`` (> 0), largest first, channel-first: shape
    ``(image.ndim, *image.shape)`` as bioimage-py's apply_filter returns them."""
    return _filter(_hessian_of_gaussian_eigenvalues, image, [("sigma", sigma)], channels=True, mode=mode, cval=cval,
                   truncate=truncate, out=out, dtype=dtype, threads=threads, minimum=1e-15)


def structure_tensor_eigenvalues(image, inner_sigma, outer_sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None,
                                 dtype=None, threads=None):
    """Eigenvalues of the structure tensor (gradient at ``inner_sigma`` > 0, products smoothed at ``outer_sigma``),
    largest first, channel-first: shape ``(image.ndim, *image.shape)``."""
    return _filter(_structure_tensor_eigenvalues, image, [("inner_sigma", inner_sigma), ("outer_sigma", outer_sigma)],
                   channels=True, mode=mode, cval=cval, truncate=truncate, out=out, dtype=dtype, threads=threads,
                   minimum=1e-15)


def difference_of_gaussians(image, low_sigma, high_sigma=None, *, mode="nearest", cval=0.0, truncate=4.0, out=None,
                            dtype=None, threads=None):
    """skimage.filters.difference_of_gaussians: smoothing at ``low_sigma`` minus smoothing at ``high_sigma``
    (default 1.6 x ``low_sigma``; >= ``low_sigma`` per axis), skimage's default mode "nearest". Unlike skimage,
    integer images are not rescaled to [0, 1]."""
    if high_sigma is None:
        high_sigma = np.multiply(low_sigma, 1.6).tolist()
    return _filter(_difference_of_gaussians, image, [("low_sigma", low_sigma), ("high_sigma", high_sigma)],
                   channels=False, mode=mode, cval=cval, truncate=truncate, out=out, dtype=dtype, threads=threads)


for _function in (gaussian_smoothing, gaussian_gradient_magnitude, laplacian_of_gaussian,
                  hessian_of_gaussian_eigenvalues, structure_tensor_eigenvalues, difference_of_gaussians):
    _function.__doc__ += "\n\n    " + _COMMON
