"""Resizing (spline orders 0-5, anti-aliasing) and integer-factor pooling, 1D to 3D."""

import ctypes

import numpy as np

from . import _library
from ._arrays import FLOATS, NUMERIC, as_input, describe, mode_code, output_array, threads_argument
from ._library import ARRAY_P, function

_i32 = ctypes.c_int32
_resize = function("bk_resize", [ARRAY_P, ARRAY_P, _i32, _i32, _i32, ctypes.c_double, _i32])
_downscale = function("bk_downscale", [ARRAY_P, ARRAY_P, ctypes.POINTER(ctypes.c_int64), _i32, _i32])

POOLING = {"mean": 0, "max": 1, "min": 2, "mode": 3}


def _shape(value, ndim, name):
    values = list(value) if np.ndim(value) else [value] * ndim
    if len(values) != ndim:
        raise ValueError(f"{name} needs {ndim} values (one per axis); got {len(values)}")
    for axis, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name}[{axis}] must be an int, not {type(v).__name__}")
    return tuple(int(v) for v in values)


def resize(image, output_shape, *, order=None, mode="mirror", cval=0.0, anti_aliasing=None, out=None, dtype=None,
           threads=None):
    """Resizes ``image`` (1D-3D, any dtype and strides) to ``output_shape``.

    Output voxel o samples input coordinate o * (in / out) per axis with a spline of ``order`` 0-5 (bioimage-py's
    downsample grid, i.e. scipy.ndimage.affine_transform(image, diag(in / out), output_shape, order, mode, cval) —
    not skimage.transform.resize's half-pixel grid). ``order`` defaults to 0 for bool images, else 1 (skimage).
    ``anti_aliasing`` smooths first with skimage's sigma = max(0, (in / out - 1) / 2); by default it is on when an
    axis shrinks, order > 0 and the image is not bool (skimage's rule). ``mode``: scipy's "mirror" (default, =
    skimage's "reflect"), "reflect", "nearest", "wrap"/"grid-wrap", "constant"/"grid-constant".

    Order 0 without anti-aliasing copies input voxels exactly into the image's dtype; otherwise the output is float32
    or float64 (``dtype``; default float64 for float64 images, else float32). ``out``: a preallocated output.
    """
    image = as_input(image, "image", ndim=(1, 2, 3))
    output_shape = _shape(output_shape, image.ndim, "output_shape")
    if any(n < 0 for n in output_shape):
        raise ValueError(f"output_shape {output_shape} has a negative extent")
    if order is None:
        order = 0 if image.dtype == np.bool_ else 1
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 0 <= order <= 5:
        raise ValueError(f"order must be an int from 0 to 5; got {order!r}")
    if anti_aliasing is None:
        anti_aliasing = order > 0 and image.dtype != np.bool_ and any(o < i for o, i in zip(output_shape, image.shape))
    if order == 0 and not anti_aliasing:
        if dtype is not None and np.dtype(dtype) != image.dtype:
            raise TypeError(f"order 0 without anti-aliasing keeps the image's dtype {image.dtype}; got dtype {np.dtype(dtype)}")
        result = output_array(out, "out", output_shape, image.dtype, dtypes=(image.dtype,))
    else:
        if dtype is None:
            dtype = np.float64 if image.dtype == np.float64 else np.float32
        elif np.dtype(dtype) not in FLOATS:
            raise TypeError(f"dtype must be float32 or float64 for order {order} or anti-aliasing; got {np.dtype(dtype)}")
        result = output_array(out, "out", output_shape, dtype, dtypes=FLOATS)
    _library.check(_resize(describe(image), describe(result), int(order), int(bool(anti_aliasing)), mode_code(mode),
                           float(cval), threads_argument(threads)))
    return result


def downscale(image, factors, *, method="mean", out=None, threads=None):
    """Integer-factor pooling of ``image`` (1D-3D, any dtype and strides): output voxel i reduces the input box
    [i*f, (i+1)*f) per axis with ``method`` ("mean", "max", "min" or "mode", the most frequent value with ties to the
    smallest: label-safe). The output keeps the image's dtype and has shape ceil(shape / factors) (bioimage-py's
    downscale_shape); edge boxes reduce only the voxels that exist. Integer means are floor(sum / count).
    ``factors``: an int or one per axis, each >= 1."""
    image = as_input(image, "image", ndim=(1, 2, 3))
    factors = _shape(factors, image.ndim, "factors")
    if any(f < 1 for f in factors):
        raise ValueError(f"factors must be at least 1 on every axis; got {factors}")
    if method not in POOLING:
        raise ValueError(f"method must be one of {', '.join(POOLING)}; got {method!r}")
    shape = tuple(-(-n // f) for n, f in zip(image.shape, factors))
    result = output_array(out, "out", shape, image.dtype, dtypes=(image.dtype,))
    _library.check(_downscale(describe(image), describe(result), (ctypes.c_int64 * image.ndim)(*factors), POOLING[method],
                              threads_argument(threads)))
    return result
