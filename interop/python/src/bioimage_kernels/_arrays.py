"""Checking numpy arrays and describing them to libbioimage (bk_array), with clear TypeError/ValueError messages."""

import ctypes
import math
import numbers

import numpy as np

from ._library import MAX_NDIM, BkArray

#: numpy dtype → bioimage.h BK_DTYPE_* code.
DTYPE_CODES = {
    np.dtype(np.uint8): 1, np.dtype(np.uint16): 2, np.dtype(np.uint32): 3, np.dtype(np.uint64): 4,
    np.dtype(np.int8): 5, np.dtype(np.int16): 6, np.dtype(np.int32): 7, np.dtype(np.int64): 8,
    np.dtype(np.float32): 9, np.dtype(np.float64): 10, np.dtype(np.bool_): 11,
}
NUMERIC = tuple(DTYPE_CODES)
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _dtype_names(dtypes):
    return ", ".join(str(d) for d in dtypes)


def check_array(array, name, *, dtypes=NUMERIC, ndim=None, writeable=False):
    """Returns ``array`` after checking it is an ndarray of one of ``dtypes`` with one of ``ndim`` axes, aligned, in
    native byte order (and writeable when asked); raises TypeError for the type/dtype, ValueError for the rest."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, not {type(array).__name__}")
    if array.dtype.newbyteorder("=") not in dtypes:
        raise TypeError(f"{name} has dtype {array.dtype}; expected one of {_dtype_names(dtypes)}")
    if ndim is not None and array.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions; got {array.ndim} (shape {array.shape})")
    if array.ndim > MAX_NDIM:
        raise ValueError(f"{name} has {array.ndim} dimensions; at most {MAX_NDIM} are supported")
    if not array.dtype.isnative:
        raise ValueError(f"{name} is not in native byte order; convert it with {name}.astype({name}.dtype.newbyteorder('='))")
    if not array.flags.aligned:
        raise ValueError(f"{name} is not aligned to its element size; pass a copy (numpy.array({name}))")
    if writeable and not array.flags.writeable:
        raise ValueError(f"{name} is read-only; pass a writeable output array")
    if any(stride % array.itemsize for stride in array.strides):
        raise ValueError(f"{name} has strides {array.strides} that are not multiples of its item size {array.itemsize}")
    return array


def as_input(array, name, *, dtypes=NUMERIC, ndim=None):
    """An input: ndarray-likes are converted with numpy.asarray (a bool or number list becomes an array), then checked."""
    if not isinstance(array, np.ndarray):
        try:
            array = np.asarray(array)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name} must be array-like: {error}") from None
        if array.dtype == object:
            raise TypeError(f"{name} must be a numeric array, not an object array")
    return check_array(array, name, dtypes=dtypes, ndim=ndim)


def output_array(out, name, shape, dtype, *, dtypes):
    """``out`` checked as a writeable output of ``shape`` (allocated with ``dtype`` when None)."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    check_array(out, name, dtypes=dtypes, writeable=True)
    if out.shape != tuple(shape):
        raise ValueError(f"{name} has shape {out.shape}; expected {tuple(shape)}")
    return out


def describe(array):
    """A BkArray for ``array`` (element strides; the caller keeps ``array`` alive during the call)."""
    descriptor = BkArray()
    descriptor.data = array.ctypes.data if array.size else None
    descriptor.dtype = DTYPE_CODES[array.dtype]
    descriptor.ndim = array.ndim
    for axis in range(array.ndim):
        descriptor.shape[axis] = array.shape[axis]
        descriptor.strides[axis] = array.strides[axis] // array.itemsize
    return ctypes.byref(descriptor)


def per_axis(value, ndim, name, *, minimum=0.0):
    """A scalar or one value per axis as a ctypes double array of ``ndim`` values, each >= ``minimum`` and finite."""
    if isinstance(value, numbers.Real):
        values = [value] * ndim
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a number or one number per axis, not {type(value).__name__}")
    else:
        values = list(value)
    if len(values) != ndim:
        raise ValueError(f"{name} needs one value or {ndim} (one per axis); got {len(values)}")
    for axis, v in enumerate(values):
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise TypeError(f"{name}[{axis}] must be a real number, not {type(v).__name__}")
        if not math.isfinite(v) or v < minimum:
            raise ValueError(f"{name}[{axis}] must be finite and >= {minimum}; got {v}")
    return (ctypes.c_double * ndim)(*values)


def threads_argument(threads):
    """``threads``: None or 0 = all cores, else a positive int."""
    if threads is None:
        return 0
    if not isinstance(threads, numbers.Integral) or isinstance(threads, bool) or threads < 0:
        raise ValueError(f"threads must be None, 0 (all cores) or a positive int; got {threads!r}")
    return int(threads)


MODES = {"reflect": 0, "grid-mirror": 0, "mirror": 1, "nearest": 2, "constant": 3, "grid-constant": 3, "wrap": 4, "grid-wrap": 4}


def mode_code(mode):
    """scipy.ndimage's border mode name as a BK_MODE_* code."""
    try:
        return MODES[mode]
    except (KeyError, TypeError):
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}") from None
