"""Gaussian filters with scipy.ndimage semantics (2D and 3D, any input dtype, float32/float64 output)."""

import ctypes

import numpy as np

from . import _library
from ._arrays import FLOATS, as_input, describe, mode_code, output_array, per_axis, threads_argument
from ._library import ARRAY_P, DOUBLE_P, function

_i32, _f64 = ctypes.c_int32, ctypes.c_double
_gaussian_smoothing = function("bk_gaussian_smoothing", [ARRAY_P, ARRAY_P, DOUBLE_P, _i32, _f64, _f64, _i32])


def _float_output(image, out, shape, dtype):
    """The output: ``out`` (float32/float64, checked) or a new array of ``dtype`` (default: float64 for float64
    input, else float32)."""
    if dtype is None:
        dtype = np.float64 if image.dtype == np.float64 else np.float32
    elif np.dtype(dtype) not in FLOATS:
        raise TypeError(f"dtype must be float32 or float64; got {np.dtype(dtype)}")
    return output_array(out, "out", shape, dtype, dtypes=FLOATS)


def gaussian_smoothing(image, sigma, *, mode="reflect", cval=0.0, truncate=4.0, out=None, dtype=None, threads=None):
    """Gaussian smoothing as scipy.ndimage.gaussian_filter(image, sigma, mode=mode, cval=cval, truncate=truncate).

    ``image``: 2D or 3D, any numeric dtype, any strides. ``sigma``: a scalar or one value per axis, >= 0.
    ``out``: a float32/float64 array of the image's shape (may be ``image`` itself); allocated with ``dtype``
    (default float64 for float64 images, else float32) when None. ``threads``: None/0 = all cores.
    Returns the output array.
    """
    image = as_input(image, "image", ndim=(2, 3))
    sigmas = per_axis(sigma, image.ndim, "sigma")
    if not truncate > 0:
        raise ValueError(f"truncate must be positive; got {truncate}")
    result = _float_output(image, out, image.shape, dtype)
    _library.check(_gaussian_smoothing(describe(image), describe(result), sigmas, mode_code(mode),
                                                     float(cval), float(truncate), threads_argument(threads)))
    return result
