"""Segmentation kernels with scipy/skimage/bioimage-py semantics: connected components, the seeded watershed, the exact
Euclidean distance transform, unique values, relabelling, per-label morphology and the contingency table.

Inputs may have any strides (Fortran order, views, negative strides); the library gathers what its kernels cannot
walk. Results of unknown size (unique values, tables) come back in library-owned buffers that are copied into numpy
arrays and released with ``bk_free`` at once.
"""

import ctypes
from collections.abc import Mapping
from functools import cached_property

import numpy as np

from . import _library
from ._arrays import as_input, describe, output_array, per_axis, threads_argument
from ._library import ARRAY_P, DOUBLE_P, function

INTEGERS = tuple(np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64))
LABEL_OUTPUTS = (np.dtype(np.uint32), np.dtype(np.uint64))
WATERSHED_OUTPUTS = tuple(np.dtype(t) for t in (np.int32, np.uint32, np.int64, np.uint64))
DISTANCE_OUTPUTS = (np.dtype(np.float32), np.dtype(np.float64))
AXES = {2: "yx", 3: "zyx"}

_i32, _VOID_PP, _I64_P = ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64)
_label = function("bk_label", [ARRAY_P, ARRAY_P, _i32, _i32, _I64_P])
_watershed = function("bk_watershed", [ARRAY_P, ARRAY_P, ARRAY_P, ARRAY_P, _i32, ctypes.c_double, _i32])
_distance_transform = function("bk_distance_transform", [ARRAY_P, ARRAY_P, ARRAY_P, DOUBLE_P, _i32])
_unique = function("bk_unique", [ARRAY_P, _VOID_PP, _VOID_PP, _I64_P, _i32])
_relabel = function("bk_relabel", [ARRAY_P, ARRAY_P, ARRAY_P, ARRAY_P, _i32])
_morphology = function("bk_morphology", [ARRAY_P, _VOID_PP, _I64_P, _i32])
_region_shapes = function("bk_region_shapes", [ARRAY_P, DOUBLE_P, _i32, _VOID_PP, _VOID_PP, _I64_P, _i32])
_contingency_table = function("bk_contingency_table", [ARRAY_P, ARRAY_P, _VOID_PP, _VOID_PP, _VOID_PP, _I64_P, _i32])
_free = function("bk_free", [ctypes.c_void_p], restype=None)


def _taken(pointer, count, dtype):
    """A numpy copy of ``count`` elements of ``dtype`` at the library-owned ``pointer``, which is then released."""
    try:
        result = np.empty(count, dtype)
        if count:
            ctypes.memmove(result.ctypes.data, pointer.value, result.nbytes)
        return result
    finally:
        _free(pointer)


def _connectivity(connectivity, ndim):
    if isinstance(connectivity, bool) or not isinstance(connectivity, (int, np.integer)) or not 1 <= connectivity <= ndim:
        raise ValueError(f"connectivity must be an int from 1 to {ndim} for {ndim}D data (1 = faces only, {ndim} = faces, "
                         f"edges and corners); got {connectivity!r}")
    return int(connectivity)


def _same_shape(array, name, shape, what):
    if array.shape != tuple(shape):
        raise ValueError(f"{name} has shape {array.shape}; expected {tuple(shape)} ({what})")
    return array


def label(input, connectivity=1, *, out=None, dtype=None, threads=None):
    """Connected components as ``scipy.ndimage.label(input, generate_binary_structure(input.ndim, connectivity))``.

    ``input``: 2D or 3D, any numeric dtype (nonzero is foreground; NaN too, -0.0 not). ``connectivity``: 1..ndim.
    ``out``: a uint32 or uint64 array of the input's shape, or allocated with ``dtype`` (default uint32, uint64 for
    inputs of 2**32 elements or more). Returns ``(labels, number_of_components)``: labels 1..N in raster order of each
    component's first element, background 0.
    """
    input = as_input(input, "input", ndim=(2, 3))
    connectivity = _connectivity(connectivity, input.ndim)
    if dtype is None:
        dtype = np.uint32 if input.size < 2**32 else np.uint64
    elif np.dtype(dtype) not in LABEL_OUTPUTS:
        raise TypeError(f"dtype must be uint32 or uint64; got {np.dtype(dtype)}")
    out = output_array(out, "out", input.shape, dtype, dtypes=LABEL_OUTPUTS)
    count = ctypes.c_int64()
    _library.check(_label(describe(input), describe(out), connectivity, threads_argument(threads),
                                         ctypes.byref(count)))
    return out, count.value


def watershed(image, markers, connectivity=1, *, mask=None, compactness=0.0, out=None, threads=None):
    """Seeded watershed as ``skimage.segmentation.watershed(image, markers, connectivity, mask=mask,
    compactness=compactness)`` of scikit-image 0.19, voxel for voxel (its plateau tie-breaking included).

    ``image``: 2D or 3D heights, any numeric dtype. ``markers``: integer seeds of the same shape (0 = none).
    ``mask``: optional, same shape; only nonzero voxels are flooded, the rest (and seeds outside it) become 0.
    ``out``: int32, uint32, int64 or uint64, may be ``markers`` itself; allocated in the markers' dtype when that is one
    of these, else int32 (skimage's). Returns the labels.
    """
    image = as_input(image, "image", ndim=(2, 3))
    markers = _same_shape(as_input(markers, "markers", dtypes=INTEGERS), "markers", image.shape, "the image's shape")
    connectivity = _connectivity(connectivity, image.ndim)
    if not np.isfinite(compactness) or compactness < 0:
        raise ValueError(f"compactness must be finite and non-negative; got {compactness}")
    if mask is not None:
        mask = _same_shape(as_input(mask, "mask"), "mask", image.shape, "the image's shape")
        if mask.dtype != np.bool_:
            mask = mask != 0
    default = markers.dtype if markers.dtype in WATERSHED_OUTPUTS else np.dtype(np.int32)
    out = output_array(out, "out", image.shape, default, dtypes=WATERSHED_OUTPUTS)
    if markers.size and not np.can_cast(markers.dtype, out.dtype):
        limits = np.iinfo(out.dtype)
        if markers.min() < limits.min or markers.max() > limits.max:
            raise ValueError(f"markers hold values outside the range of out's dtype {out.dtype}")
    _library.check(_watershed(describe(image), describe(markers), None if mask is None else describe(mask),
                                             describe(out), connectivity, float(compactness), threads_argument(threads)))
    return out


def distance_transform(input, sampling=None, *, return_distances=True, return_indices=False, distances=None,
                       indices=None, threads=None):
    """Exact Euclidean distance transform as ``scipy.ndimage.distance_transform_edt(input, sampling,
    return_distances, return_indices)``: for each nonzero element the distance to the nearest zero element.

    ``input``: 2D or 3D, any numeric dtype. ``sampling``: a spacing or one per axis (positive). ``distances``: a
    float32/float64 output (default float64, scipy's); ``indices``: an int32 output of shape (ndim, *shape) holding
    the coordinates of the nearest zero element (among equidistant ones ours may pick another than scipy). Given
    outputs are filled and returned. Returns the distances, the indices, or (distances, indices).
    """
    input = as_input(input, "input", ndim=(2, 3))
    want_distances = return_distances or distances is not None
    want_indices = return_indices or indices is not None
    if not (want_distances or want_indices):
        raise ValueError("at least one of return_distances and return_indices must be True")
    spacing = None if sampling is None else per_axis(sampling, input.ndim, "sampling")
    if spacing is not None and min(spacing) <= 0:
        raise ValueError(f"sampling must be positive on every axis; got {list(spacing)}")
    if want_distances:
        distances = output_array(distances, "distances", input.shape, np.float64, dtypes=DISTANCE_OUTPUTS)
    if want_indices:
        indices = output_array(indices, "indices", (input.ndim,) + input.shape, np.int32, dtypes=(np.dtype(np.int32),))
    _library.check(_distance_transform(describe(input), describe(distances) if want_distances else None,
                                                      describe(indices) if want_indices else None, spacing,
                                                      threads_argument(threads)))
    if want_distances and want_indices:
        return distances, indices
    return distances if want_distances else indices


def _as_volume(array):
    """``array`` with 2 or 3 axes (a reshaped view or copy for other ranks), for kernels that ignore the shape."""
    return array if array.ndim in (2, 3) else array.reshape(1, -1)


def unique(input, return_counts=False, *, threads=None):
    """The sorted distinct values as ``numpy.unique(input, return_counts)``: bool and integer dtypes, any shape.
    Returns the values (in the input's dtype), or (values, int64 counts)."""
    input = _as_volume(as_input(input, "input", dtypes=INTEGERS + (np.dtype(np.bool_),)))
    values, counts, count = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_int64()
    try:
        _library.check(_unique(describe(input), ctypes.byref(values),
                                              ctypes.byref(counts) if return_counts else None, ctypes.byref(count),
                                              threads_argument(threads)))
    finally:
        found = _taken(values, count.value, input.dtype)
        frequencies = _taken(counts, count.value, np.int64) if return_counts else None
    return (found, frequencies) if return_counts else found


def _fitting(values, dtype, name):
    """``values`` as ``dtype``, raising ValueError when one does not fit."""
    values = np.asarray(values)
    converted = values.astype(dtype)
    if values.size and not np.array_equal(converted, values):
        raise ValueError(f"{name} hold values that do not fit {np.dtype(dtype)}")
    return converted


def _relabelled(input, keys, values, out, threads):
    """``out = {keys[i]: values[i]}[input]`` through bk_relabel; keys must cover every label present."""
    keys = np.ascontiguousarray(keys, dtype=input.dtype)
    values = np.ascontiguousarray(values, dtype=out.dtype)
    _library.check(_relabel(describe(input), describe(keys), describe(values), describe(out),
                                           threads_argument(threads)))
    return out


def relabel(input, labeling, *, out=None, threads=None):
    """bioimage-py's relabel: every label mapped through ``labeling``, a dict (every label present must be a key) or
    a 1D integer array (``numpy.take(labeling, input)``). ``out``: an integer array of the input's shape, may be
    ``input`` (in place); allocated in the input's dtype for a dict, the table's for an array. A label without an
    entry raises ValueError naming it."""
    input = as_input(input, "input", dtypes=INTEGERS, ndim=(2, 3))
    limits = np.iinfo(input.dtype)
    if isinstance(labeling, dict):
        keys = np.array([k for k in labeling if limits.min <= k <= limits.max], dtype=object)
        values = [labeling[k] for k in keys]
        default = input.dtype
    else:
        table = as_input(labeling, "labeling", dtypes=INTEGERS, ndim=(1,))
        keys = np.arange(min(table.size, limits.max + 1), dtype=np.uint64)
        values, default = table[:keys.size], table.dtype
    out = output_array(out, "out", input.shape, default, dtypes=INTEGERS)
    return _relabelled(input, keys.astype(input.dtype), _fitting(values, out.dtype, "labeling's values"), out, threads)


def relabel_sequential(label_field, offset=1, *, threads=None):
    """Sequential relabelling as ``skimage.segmentation.relabel_sequential(label_field, offset)``: 0 stays 0, the other
    labels become offset, offset + 1, ... in increasing order, in the input's dtype unless it cannot hold them (then
    the smallest that can, as skimage). Returns ``(relabeled, old_labels, new_labels)``: skimage's forward map is
    ``ArrayMap(old_labels, new_labels)``, its inverse the reverse."""
    label_field = as_input(label_field, "label_field", dtypes=INTEGERS, ndim=(2, 3))
    if offset <= 0:
        raise ValueError(f"offset must be strictly positive; got {offset}")
    old = unique(label_field, threads=threads)
    if old.size and old[0] < 0:
        raise ValueError("label_field holds negative values; relabel_sequential needs non-negative labels")
    start = 1 if old.size and old[0] == 0 else 0
    new = np.concatenate([np.zeros(start, np.int64), np.arange(int(offset), int(offset) + old.size - start, dtype=np.int64)])
    required = np.min_scalar_type(int(new[-1]) if new.size else 0)
    input_type = label_field.dtype
    if input_type.itemsize < required.itemsize or (new.size and int(new[-1]) >= np.iinfo(input_type).max):
        output_type = required
    else:
        output_type = input_type
    out = np.empty(label_field.shape, output_type)
    new = new.astype(output_type)
    return _relabelled(label_field, old, new, out, threads), old, new


def relabel_consecutive(input, start_label=0, keep_zeros=True, *, out=None, threads=None):
    """bioimage-py's relabel_consecutive: the sorted distinct labels (0 included) become start_label, start_label + 1,
    ...; with ``keep_zeros`` a present 0 then maps to 0 (so with start_label=1 the others start at 2, as upstream).
    ``out``: an integer array of the input's shape, may be ``input`` (in place); default a new array of the input's
    dtype. Returns ``(out, max_id, mapping)``; mapping is a read-only ``{old: new}`` Mapping (``dict(mapping)`` copies it)
    over the two sorted arrays, so a call with many labels does not pay for a Python dict it may never read."""
    input = as_input(input, "input", dtypes=INTEGERS, ndim=(2, 3))
    out = output_array(out, "out", input.shape, input.dtype, dtypes=INTEGERS)
    old = unique(input, threads=threads)
    new = np.arange(int(start_label), int(start_label) + old.size, dtype=np.int64)
    if keep_zeros and old.size and old[0] <= 0 <= old[-1]:
        zero = np.searchsorted(old, 0)
        if old[zero] == 0:
            new[zero] = 0
    _relabelled(input, old, _fitting(new, out.dtype, "the new labels"), out, threads)
    return out, int(new.max()) if new.size else 0, _LabelMapping(old, new)


class _LabelMapping(Mapping):
    """A read-only {old label: new label} mapping over the sorted old labels and their new labels."""

    def __init__(self, old, new):
        self._old, self._new = old, new

    def __getitem__(self, label):
        i = int(np.searchsorted(self._old, label)) if self._old.size else 0
        if i < self._old.size and self._old[i] == label:
            return int(self._new[i])
        raise KeyError(label)

    def __iter__(self):
        return iter(self._old.tolist())

    def __len__(self):
        return self._old.size

    def __repr__(self):
        return repr(dict(zip(self._old.tolist(), self._new.tolist())))


def _morphology_columns(rows, ndim):
    """bk_morphology's int64 rows as bioimage-py's columns, sorted by the uint64 label; also the row order."""
    ids = rows[:, 0].view(np.uint64)
    order = np.argsort(ids, kind="stable")
    rows = rows[order]
    result = {"label": ids[order], "size": rows[:, 1]}
    axes, skip = AXES[ndim], 3 - ndim
    result.update({f"com_{axis}": rows[:, 2 + skip + i] / rows[:, 1] for i, axis in enumerate(axes)})
    result.update({f"bb_min_{axis}": rows[:, 5 + skip + i] for i, axis in enumerate(axes)})
    result.update({f"bb_max_{axis}": rows[:, 8 + skip + i] for i, axis in enumerate(axes)})
    return result, order


def morphology(labels, *, threads=None):
    """bioimage-py's morphology table of a 2D or 3D integer label image: per nonzero label (sorted as uint64) its
    ``size``, centre of mass ``com_<axis>`` and bounding box ``bb_min_<axis>`` (inclusive) / ``bb_max_<axis>``
    (exclusive), axes ``y, x`` or ``z, y, x``. Returns a dict of numpy arrays (``pandas.DataFrame(result)`` makes
    bioimage-py's table)."""
    labels = as_input(labels, "labels", dtypes=INTEGERS, ndim=(2, 3))
    table, count = ctypes.c_void_p(), ctypes.c_int64()
    try:
        _library.check(_morphology(describe(labels), ctypes.byref(table), ctypes.byref(count), threads_argument(threads)))
    finally:
        rows = _taken(table, count.value * 11, np.int64).reshape(count.value, 11)
    return _morphology_columns(rows, labels.ndim)[0]


def regionprops(labels, resolution=None, *, compute_surface=False, threads=None):
    """Per-object shape features of a 2D or 3D integer label image, as bioimage-py's regionprops computes them (with
    scikit-image's definitions): the :func:`morphology` columns plus ``n_voxels``, ``area`` (voxels times the voxel
    volume), ``extent`` (voxels / bounding-box voxels), ``equivalent_diameter_area`` ((2 ndim area / pi)^(1/ndim)),
    ``axis_major_length`` and ``axis_minor_length`` (the inertia-equivalent ellipsoid's axes in units of the
    resolution) and, with ``compute_surface`` (3D), ``surface_area`` (Lewiner marching cubes of the padded object at
    level 0.5). ``resolution``: a voxel size or one per axis (positive). Returns a dict of numpy arrays."""
    labels = as_input(labels, "labels", dtypes=INTEGERS, ndim=(2, 3))
    if compute_surface and labels.ndim != 3:
        raise ValueError("compute_surface needs a 3D label image")
    spacing = per_axis(1.0 if resolution is None else resolution, labels.ndim, "resolution")
    if min(spacing) <= 0:
        raise ValueError(f"resolution must be positive on every axis; got {list(spacing)}")
    table, shapes, count = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_int64()
    try:
        _library.check(_region_shapes(describe(labels), spacing, int(bool(compute_surface)), ctypes.byref(table),
                                      ctypes.byref(shapes), ctypes.byref(count), threads_argument(threads)))
    finally:
        rows = _taken(table, count.value * 11, np.int64).reshape(count.value, 11)
        features = _taken(shapes, count.value * 3, np.float64).reshape(count.value, 3)
    result, order = _morphology_columns(rows, labels.ndim)
    features = features[order]
    axes = AXES[labels.ndim]
    voxels = result["size"]
    box = np.prod([result[f"bb_max_{a}"] - result[f"bb_min_{a}"] for a in axes], axis=0)
    area = voxels * float(np.prod(list(spacing)))
    result.update({"n_voxels": voxels, "area": area, "extent": voxels / box,
                   "equivalent_diameter_area": (2 * labels.ndim * area / np.pi) ** (1 / labels.ndim),
                   "axis_major_length": features[:, 0], "axis_minor_length": features[:, 1]})
    if compute_surface:
        result["surface_area"] = features[:, 2]
    return result


class ContingencyTable:
    """bioimage-py's ContingencyTable: ``pairs`` (N, 2) uint64 sorted by (a, b) with their int64 ``counts`` and
    ``n_points`` = the number of elements; the marginals ``labels_a``/``sizes_a`` and ``labels_b``/``sizes_b`` (sorted
    labels, exact int64 sums) are computed when first read."""

    def __init__(self, labels_a, labels_b, counts):
        self.pairs = np.stack([labels_a, labels_b], axis=1)
        self.counts = counts
        self.n_points = int(counts.sum())

    @cached_property
    def _marginal_a(self):
        return _marginal(self.pairs[:, 0], self.counts)

    @cached_property
    def _marginal_b(self):
        return _marginal(self.pairs[:, 1], self.counts)

    labels_a = property(lambda self: self._marginal_a[0])
    sizes_a = property(lambda self: self._marginal_a[1])
    labels_b = property(lambda self: self._marginal_b[0])
    sizes_b = property(lambda self: self._marginal_b[1])


def _marginal(labels, counts):
    """The distinct labels and the summed counts of each (exact int64 sums over runs of the sorted labels)."""
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if ordered.size else np.zeros(0, np.intp)
    return ordered[starts], np.add.reduceat(counts[order], starts) if starts.size else np.zeros(0, np.int64)


def contingency_table(seg, gt, *, threads=None):
    """The contingency table of two integer label images of the same shape (2D or 3D, any strides), labels as their
    uint64 bit patterns, background kept — bioimage-py's contingency_table (the transpose of
    skimage.metrics.contingency_table(gt, seg)). Returns a :class:`ContingencyTable`."""
    seg = as_input(seg, "seg", dtypes=INTEGERS, ndim=(2, 3))
    gt = _same_shape(as_input(gt, "gt", dtypes=INTEGERS), "gt", seg.shape, "the segmentation's shape")
    a, b, counts, pairs = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_int64()
    try:
        _library.check(_contingency_table(describe(seg), describe(gt), ctypes.byref(a), ctypes.byref(b),
                                                         ctypes.byref(counts), ctypes.byref(pairs),
                                                         threads_argument(threads)))
    finally:
        labels_a = _taken(a, pairs.value, np.uint64)
        labels_b = _taken(b, pairs.value, np.uint64)
        frequencies = _taken(counts, pairs.value, np.int64)
    return ContingencyTable(labels_a, labels_b, frequencies)
