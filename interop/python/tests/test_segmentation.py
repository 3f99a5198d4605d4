"""The segmentation family of bioimage_kernels against its independent oracles: scipy.ndimage.label,
skimage.segmentation.watershed, scipy.ndimage.distance_transform_edt, numpy.unique,
skimage.segmentation.relabel_sequential, skimage.measure.regionprops_table and a numpy contingency table.

Every function is checked on 2D and 3D inputs of every dtype it accepts, in every layout of conftest.with_layout (C
and Fortran order, a strided view, negative strides: the same logical values each time), with outputs in those
layouts too, and on bad inputs, which must raise TypeError/ValueError naming the argument.
"""
import numpy as np
import pytest
import scipy.ndimage as ndi
from skimage.measure import regionprops_table
from skimage.segmentation import relabel_sequential as sk_relabel_sequential
from skimage.segmentation import watershed as sk_watershed

import bioimage_kernels as bk
from conftest import LAYOUTS, with_layout

SHAPES = {2: (37, 41), 3: (11, 13, 17)}
INT_DTYPES = ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"]
LABEL_INPUT_DTYPES = ["bool", *INT_DTYPES, "float32", "float64"]


def empty_out(shape, dtype, layout):
    """An output array of `shape` in the given layout, filled with garbage so that unwritten voxels show."""
    return with_layout(np.full(shape, 77, dtype=dtype), layout)


def random_labels(rng, shape, dtype, objects=12, background=0.3):
    """Blobs of labels: a coarse random label grid upsampled, with some background."""
    coarse = rng.integers(1, objects + 1, size=tuple(max(1, s // 3) for s in shape))
    coarse[rng.random(coarse.shape) < background] = 0
    zoom = [s / c for s, c in zip(shape, coarse.shape)]
    labels = ndi.zoom(coarse, zoom, order=0)[tuple(slice(0, s) for s in shape)]
    return labels.astype(dtype)


def foreground(rng, shape, dtype, fraction=0.45):
    """Random values of `dtype` that are zero on about 1 - fraction of the voxels (negative values too where the
    dtype has them, since scipy treats every nonzero value as foreground)."""
    mask = rng.random(shape) < fraction
    if dtype == "bool":
        return mask
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    low = -5 if (info is None or info.min < 0) else 1
    values = rng.integers(low, 6, size=shape).astype(dtype)
    values[values == 0] = 1
    return np.where(mask, values, np.zeros((), dtype)).astype(dtype)


# --- label ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", LABEL_INPUT_DTYPES)
def test_label_equals_scipy_for_every_dtype_and_connectivity(ndim, dtype):
    rng = np.random.default_rng(ndim * 100 + LABEL_INPUT_DTYPES.index(dtype))
    x = foreground(rng, SHAPES[ndim], dtype)
    for connectivity in range(1, ndim + 1):
        expected, count = ndi.label(x, ndi.generate_binary_structure(ndim, connectivity))
        labels, n = bk.label(x, connectivity=connectivity)
        assert n == count
        assert labels.dtype == np.uint32
        np.testing.assert_array_equal(labels, expected)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("out_layout", LAYOUTS)
@pytest.mark.parametrize("out_dtype", ["uint32", "uint64"])
def test_label_any_layout_into_any_output(ndim, layout, out_layout, out_dtype):
    rng = np.random.default_rng(7 + ndim)
    x = foreground(rng, SHAPES[ndim], "uint16")
    expected, count = ndi.label(x, ndi.generate_binary_structure(ndim, ndim))
    out = empty_out(x.shape, out_dtype, out_layout)
    labels, n = bk.label(with_layout(x, layout), connectivity=ndim, out=out)
    assert labels is out and n == count
    np.testing.assert_array_equal(out, expected)


def test_label_of_empty_and_full_images():
    assert bk.label(np.zeros((4, 5, 6), np.uint8))[1] == 0
    labels, n = bk.label(np.ones((4, 5, 6), bool))
    assert n == 1 and (labels == 1).all()


def test_label_rejects_bad_inputs():
    x = np.ones((5, 6, 7), np.uint8)
    with pytest.raises(ValueError, match="connectivity"):
        bk.label(x, connectivity=4)
    with pytest.raises(ValueError, match="connectivity"):
        bk.label(x, connectivity=0)
    with pytest.raises(ValueError, match="connectivity"):
        bk.label(x[0], connectivity=3)
    with pytest.raises(TypeError):
        bk.label(x.astype(np.complex64))
    with pytest.raises(TypeError):
        bk.label(x, out=np.zeros(x.shape, np.float32))
    with pytest.raises(ValueError, match="shape"):
        bk.label(x, out=np.zeros((5, 6, 8), np.uint32))
    readonly = np.zeros(x.shape, np.uint32)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="writ"):
        bk.label(x, out=readonly)
    with pytest.raises(ValueError):
        bk.label(np.ones((2, 2, 2, 2), np.uint8))


# --- watershed --------------------------------------------------------------------------------------------------

HEIGHT_DTYPES = ["uint8", "uint16", "int16", "int32", "float32", "float64"]
MARKER_DTYPES = ["uint16", "int32", "uint32", "int64", "uint64"]


def watershed_case(rng, shape, height_dtype, marker_dtype, seeds=9):
    if np.dtype(height_dtype).kind == "f":
        heights = ndi.gaussian_filter(rng.random(shape), 1.5).astype(height_dtype)
    else:
        heights = rng.integers(0, 40, size=shape).astype(height_dtype)  # many plateaus: skimage's tie order counts
    markers = np.zeros(shape, marker_dtype)
    flat = rng.choice(markers.size, size=seeds, replace=False)
    markers.flat[flat] = rng.integers(1, 6, size=seeds)  # repeated ids: several seeds per basin
    return heights, markers


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("height_dtype", HEIGHT_DTYPES)
def test_watershed_equals_skimage_for_every_height_dtype(ndim, height_dtype):
    rng = np.random.default_rng(300 + ndim * 10 + HEIGHT_DTYPES.index(height_dtype))
    heights, markers = watershed_case(rng, SHAPES[ndim], height_dtype, "int32")
    for connectivity in range(1, ndim + 1):
        expected = sk_watershed(heights, markers, connectivity=connectivity)
        np.testing.assert_array_equal(bk.watershed(heights, markers, connectivity=connectivity), expected)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("marker_dtype", MARKER_DTYPES)
def test_watershed_keeps_the_markers_label_dtype_and_honours_the_mask(ndim, marker_dtype):
    rng = np.random.default_rng(400 + ndim * 10 + MARKER_DTYPES.index(marker_dtype))
    heights, markers = watershed_case(rng, SHAPES[ndim], "float32", marker_dtype)
    mask = rng.random(heights.shape) < 0.8
    expected = sk_watershed(heights, markers, mask=mask)
    labels = bk.watershed(heights, markers, mask=mask)
    assert labels.dtype == (np.dtype(marker_dtype) if marker_dtype != "uint16" else np.int32)  # skimage's int32 else
    np.testing.assert_array_equal(labels, expected)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("out_layout", LAYOUTS)
def test_watershed_any_layout_into_any_output(ndim, layout, out_layout):
    rng = np.random.default_rng(500 + ndim)
    heights, markers = watershed_case(rng, SHAPES[ndim], "uint8", "uint32")
    mask = rng.random(heights.shape) < 0.9
    expected = sk_watershed(heights, markers, connectivity=ndim, mask=mask)
    out = empty_out(heights.shape, "uint64", out_layout)
    labels = bk.watershed(with_layout(heights, layout), with_layout(markers, layout), connectivity=ndim,
                          mask=with_layout(mask, layout), out=out)
    assert labels is out
    np.testing.assert_array_equal(out, expected)


def test_watershed_in_place_on_the_markers():
    rng = np.random.default_rng(9)
    heights, markers = watershed_case(rng, SHAPES[3], "float64", "int64")
    expected = sk_watershed(heights, markers)
    labels = bk.watershed(heights, markers, out=markers)
    assert labels is markers
    np.testing.assert_array_equal(markers, expected)


def test_watershed_compact_equals_skimage():
    rng = np.random.default_rng(10)
    heights, markers = watershed_case(rng, SHAPES[2], "float64", "int32")
    np.testing.assert_array_equal(bk.watershed(heights, markers, compactness=0.01),
                                  sk_watershed(heights, markers, compactness=0.01))


def test_watershed_rejects_bad_inputs():
    heights = np.zeros((5, 6, 7), np.float32)
    markers = np.zeros((5, 6, 7), np.int32)
    with pytest.raises(ValueError, match="shape"):
        bk.watershed(heights, markers[:, :, :6])
    with pytest.raises(ValueError, match="shape"):
        bk.watershed(heights, markers, mask=np.ones((5, 6, 6), bool))
    with pytest.raises(ValueError, match="connectivity"):
        bk.watershed(heights, markers, connectivity=4)
    with pytest.raises(TypeError):
        bk.watershed(heights, markers.astype(np.float32))
    with pytest.raises(TypeError):
        bk.watershed(heights.astype(np.complex64), markers)
    with pytest.raises(TypeError):
        bk.watershed(heights, markers, out=np.zeros(heights.shape, np.float64))
    with pytest.raises(ValueError, match="compactness"):
        bk.watershed(heights, markers, compactness=-1)
    readonly = np.zeros(heights.shape, np.int32)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="writ"):
        bk.watershed(heights, markers, out=readonly)


# --- distance_transform -----------------------------------------------------------------------------------------

def check_indices(x, indices, distances, sampling):
    """Nearest-feature indices: among equidistant background voxels ours may pick another one than scipy, so check
    that each index points at a background voxel at exactly the reported distance."""
    assert indices.dtype == np.int32 and indices.shape == (x.ndim,) + x.shape
    if not (x == 0).any():
        return
    target = x[tuple(indices)]
    assert (target == 0).all()
    grid = np.indices(x.shape)
    spacing = np.asarray(sampling, float).reshape((-1,) + (1,) * x.ndim)
    np.testing.assert_allclose(np.sqrt((((grid - indices) * spacing) ** 2).sum(axis=0)), distances, rtol=1e-12)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", LABEL_INPUT_DTYPES)
def test_distance_transform_equals_scipy_for_every_dtype(ndim, dtype):
    rng = np.random.default_rng(600 + ndim * 20 + LABEL_INPUT_DTYPES.index(dtype))
    x = foreground(rng, SHAPES[ndim], dtype, fraction=0.8)
    sampling = (1.5, 0.5, 2.0)[-ndim:]
    expected = ndi.distance_transform_edt(x, sampling=sampling)
    distances = bk.distance_transform(x, sampling=sampling)
    assert distances.dtype == np.float64
    np.testing.assert_allclose(distances, expected, rtol=1e-12)
    distances, indices = bk.distance_transform(x, sampling=sampling, return_indices=True)
    np.testing.assert_allclose(distances, expected, rtol=1e-12)
    check_indices(x, indices, expected, sampling)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("out_layout", LAYOUTS)
def test_distance_transform_any_layout_into_any_output(ndim, layout, out_layout):
    rng = np.random.default_rng(700 + ndim)
    x = foreground(rng, SHAPES[ndim], "uint8", fraction=0.9)
    expected = ndi.distance_transform_edt(x)
    distances = empty_out(x.shape, "float32", out_layout)
    indices = with_layout(np.full((ndim,) + x.shape, -7, np.int32), out_layout)
    result = bk.distance_transform(with_layout(x, layout), return_indices=True, distances=distances, indices=indices)
    assert result[0] is distances and result[1] is indices
    np.testing.assert_allclose(distances, expected, rtol=1e-6)
    check_indices(x, np.ascontiguousarray(indices), expected, (1.0,) * ndim)


def test_distance_transform_indices_only_and_without_background():
    x = np.ones((4, 5, 6), np.uint8)
    expected_d, expected_i = ndi.distance_transform_edt(x, return_indices=True)
    indices = bk.distance_transform(x, return_distances=False, return_indices=True)
    np.testing.assert_array_equal(indices, expected_i)  # the virtual feature (-1, 0, 0), as scipy
    np.testing.assert_allclose(bk.distance_transform(x), expected_d, rtol=1e-12)


def test_distance_transform_rejects_bad_inputs():
    x = np.ones((5, 6, 7), np.uint8)
    with pytest.raises(ValueError, match="sampling"):
        bk.distance_transform(x, sampling=(1.0, 1.0))
    with pytest.raises(ValueError, match="sampling"):
        bk.distance_transform(x, sampling=(1.0, -1.0, 1.0))
    with pytest.raises(TypeError):
        bk.distance_transform(x, distances=np.zeros(x.shape, np.int32))
    with pytest.raises(ValueError, match="shape"):
        bk.distance_transform(x, distances=np.zeros((5, 6, 6)))
    with pytest.raises(ValueError, match="shape"):
        bk.distance_transform(x, return_indices=True, indices=np.zeros((3, 5, 6, 6), np.int32))
    with pytest.raises(TypeError):
        bk.distance_transform(x, return_indices=True, indices=np.zeros((3, 5, 6, 7), np.int64))
    with pytest.raises(ValueError):
        bk.distance_transform(x, return_distances=False, return_indices=False)
    readonly = np.zeros(x.shape)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="writ"):
        bk.distance_transform(x, distances=readonly)


# --- unique -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", ["bool", *INT_DTYPES])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_unique_equals_numpy(ndim, dtype, layout):
    rng = np.random.default_rng(800 + ndim)
    if dtype == "bool":
        x = rng.random(SHAPES[ndim]) < 0.5
    else:
        info = np.iinfo(dtype)
        x = rng.integers(max(info.min, -1000), min(info.max, 1000), size=SHAPES[ndim], endpoint=True).astype(dtype)
        x.flat[:3] = [info.min, info.max, 0]  # the extremes (sparse path for the wide types)
    values, counts = np.unique(x, return_counts=True)
    ours_values, ours_counts = bk.unique(with_layout(x, layout), return_counts=True)
    assert ours_values.dtype == x.dtype and ours_counts.dtype == np.int64
    np.testing.assert_array_equal(ours_values, values)
    np.testing.assert_array_equal(ours_counts, counts)
    np.testing.assert_array_equal(bk.unique(x), values)


def test_unique_of_an_empty_array():
    values, counts = bk.unique(np.zeros((0, 4), np.uint16), return_counts=True)
    assert values.shape == (0,) and values.dtype == np.uint16 and counts.dtype == np.int64


def test_unique_rejects_other_dtypes():
    with pytest.raises(TypeError):
        bk.unique(np.zeros((3, 4), np.complex64))


# --- relabel_sequential / relabel_consecutive / relabel ---------------------------------------------------------

@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_relabel_sequential_equals_skimage(ndim, dtype, layout):
    rng = np.random.default_rng(900 + ndim)
    x = random_labels(rng, SHAPES[ndim], dtype) * np.array(5, dtype)
    for offset in (1, 7):
        expected, forward, inverse = sk_relabel_sequential(x, offset=offset)
        relabeled, old, new = bk.relabel_sequential(with_layout(x, layout), offset=offset)
        assert relabeled.dtype == expected.dtype
        np.testing.assert_array_equal(relabeled, expected)
        np.testing.assert_array_equal(old, forward.in_values)
        np.testing.assert_array_equal(new, forward.out_values)


def test_relabel_sequential_widens_like_skimage_and_rejects_negatives():
    x = np.arange(300, dtype=np.uint8).reshape(20, 15) % 256
    expected = sk_relabel_sequential(x, offset=10)[0]
    relabeled = bk.relabel_sequential(x, offset=10)[0]
    assert relabeled.dtype == expected.dtype
    np.testing.assert_array_equal(relabeled, expected)
    with pytest.raises(ValueError, match="negative"):
        bk.relabel_sequential(np.array([[0, -1]], np.int16))
    with pytest.raises(ValueError, match="offset"):
        bk.relabel_sequential(x, offset=0)


def consecutive_oracle(x, start_label, keep_zeros):
    """bioimage-py's relabel_consecutive: the sorted uniques (0 included) numbered from start_label; 0 kept."""
    values = np.unique(x)
    mapping = {int(v): start_label + i for i, v in enumerate(values)}
    if keep_zeros and 0 in mapping:
        mapping[0] = 0
    table_in = np.array(list(mapping.keys()))
    table_out = np.array(list(mapping.values()))
    return table_out[np.searchsorted(table_in, x)], max(mapping.values(), default=0), mapping


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_relabel_consecutive_equals_bioimage_py(ndim, dtype):
    rng = np.random.default_rng(1000 + ndim)
    x = random_labels(rng, SHAPES[ndim], dtype) * np.array(3, dtype)
    for start_label, keep_zeros in ((0, True), (1, True), (1, False), (5, False)):
        expected, max_id, mapping = consecutive_oracle(x, start_label, keep_zeros)
        out, ours_max, ours_mapping = bk.relabel_consecutive(x, start_label=start_label, keep_zeros=keep_zeros)
        np.testing.assert_array_equal(out, expected)
        assert out.dtype == x.dtype and ours_max == max_id and ours_mapping == mapping


@pytest.mark.parametrize("layout", LAYOUTS)
def test_relabel_consecutive_in_place(layout):
    rng = np.random.default_rng(11)
    x = with_layout(random_labels(rng, SHAPES[3], "uint64") * np.uint64(1 << 40), layout)
    expected = consecutive_oracle(np.array(x), 1, True)[0]
    out, _, _ = bk.relabel_consecutive(x, start_label=1, out=x)
    assert out is x
    np.testing.assert_array_equal(x, expected)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["uint8", "int32", "uint64"])
def test_relabel_with_a_table_and_a_dict_equals_numpy(layout, dtype):
    rng = np.random.default_rng(12)
    x = random_labels(rng, SHAPES[3], dtype, objects=40)
    table = rng.permutation(41).astype(np.uint32)
    np.testing.assert_array_equal(bk.relabel(with_layout(x, layout), table), np.take(table, x.astype(np.int64)))
    mapping = {int(v): (int(v) * 7 + 1) % 120 for v in np.unique(x)}
    expected = np.vectorize(mapping.get)(x).astype(x.dtype)
    out = empty_out(x.shape, dtype, layout)
    assert bk.relabel(with_layout(x, layout), mapping, out=out) is out
    np.testing.assert_array_equal(out, expected)


def test_relabel_rejects_missing_keys_and_bad_tables():
    x = np.array([[0, 1], [2, 9]], np.uint16)
    with pytest.raises(ValueError, match="9"):
        bk.relabel(x, {0: 0, 1: 1, 2: 2})
    with pytest.raises(ValueError, match="9"):
        bk.relabel(x, np.arange(5, dtype=np.uint16))
    with pytest.raises(TypeError):
        bk.relabel(x.astype(np.float32), np.arange(10))
    with pytest.raises(ValueError, match="shape"):
        bk.relabel(x, np.arange(10), out=np.zeros((2, 3), np.int64))


# --- region features (morphology) -------------------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "int32", "uint32", "int64", "uint64"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_morphology_equals_regionprops_and_scipy_sums(ndim, dtype, layout):
    rng = np.random.default_rng(1100 + ndim)
    x = random_labels(rng, SHAPES[ndim], dtype, objects=30)
    table = bk.morphology(with_layout(x, layout))
    axes = "zyx"[-ndim:]
    expected = regionprops_table(x.astype(np.int64), properties=("label", "area", "centroid", "bbox"))
    np.testing.assert_array_equal(table["label"], expected["label"])
    assert table["label"].dtype == np.uint64 and table["size"].dtype == np.int64
    np.testing.assert_array_equal(table["size"], expected["area"])
    present = table["label"].astype(np.int64)
    coordinate_sums = ndi.sum_labels(np.ones(x.shape), x, present)
    np.testing.assert_array_equal(table["size"], coordinate_sums)
    for i, axis in enumerate(axes):
        np.testing.assert_allclose(table[f"com_{axis}"], expected[f"centroid-{i}"], rtol=1e-12)
        np.testing.assert_allclose(table[f"com_{axis}"], ndi.sum_labels(np.indices(x.shape)[i], x, present) / coordinate_sums, rtol=1e-12)
        np.testing.assert_array_equal(table[f"bb_min_{axis}"], expected[f"bbox-{i}"])
        np.testing.assert_array_equal(table[f"bb_max_{axis}"], expected[f"bbox-{i + ndim}"])


def test_morphology_of_background_only_and_bad_dtype():
    table = bk.morphology(np.zeros((3, 4, 5), np.uint32))
    assert table["label"].size == 0 and set(table) >= {"size", "com_z", "bb_max_x"}
    with pytest.raises(TypeError):
        bk.morphology(np.zeros((3, 4), np.float32))


# --- contingency table ------------------------------------------------------------------------------------------

def numpy_contingency(a, b):
    pairs, counts = np.unique(np.stack([a.ravel().astype(np.uint64), b.ravel().astype(np.uint64)], axis=1),
                              axis=0, return_counts=True)
    return pairs, counts


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtypes", [("uint8", "uint64"), ("uint32", "uint32"), ("int64", "uint16"), ("int16", "int32")])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_contingency_table_equals_numpy(ndim, dtypes, layout):
    rng = np.random.default_rng(1200 + ndim)
    a = random_labels(rng, SHAPES[ndim], dtypes[0], objects=20)
    b = random_labels(rng, SHAPES[ndim], dtypes[1], objects=7)
    pairs, counts = numpy_contingency(a, b)
    table = bk.contingency_table(with_layout(a, layout), with_layout(b, "F" if layout == "C" else "C"))
    assert table.pairs.dtype == np.uint64 and table.counts.dtype == np.int64
    np.testing.assert_array_equal(table.pairs, pairs)
    np.testing.assert_array_equal(table.counts, counts)
    labels_a, sizes_a = np.unique(a.astype(np.uint64), return_counts=True)
    labels_b, sizes_b = np.unique(b.astype(np.uint64), return_counts=True)
    np.testing.assert_array_equal(table.labels_a, labels_a)
    np.testing.assert_array_equal(table.sizes_a, sizes_a)
    np.testing.assert_array_equal(table.labels_b, labels_b)
    np.testing.assert_array_equal(table.sizes_b, sizes_b)
    assert table.n_points == a.size


def test_contingency_table_rejects_bad_inputs():
    with pytest.raises(ValueError, match="shape"):
        bk.contingency_table(np.zeros((3, 4), np.uint8), np.zeros((3, 5), np.uint8))
    with pytest.raises(TypeError):
        bk.contingency_table(np.zeros((3, 4), np.float32), np.zeros((3, 4), np.uint8))


# --- threads ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("threads", [1, 2, 0])
def test_results_do_not_depend_on_threads(threads):
    rng = np.random.default_rng(1300)
    shape = (24, 32, 40)
    x = foreground(rng, shape, "uint8")
    labels, n = bk.label(x, connectivity=3, threads=threads)
    expected, count = ndi.label(x, ndi.generate_binary_structure(3, 3))
    assert n == count
    np.testing.assert_array_equal(labels, expected)
    heights, markers = watershed_case(rng, shape, "float32", "int32", seeds=30)
    np.testing.assert_array_equal(bk.watershed(heights, markers, threads=threads), sk_watershed(heights, markers))
    np.testing.assert_allclose(bk.distance_transform(x, threads=threads), ndi.distance_transform_edt(x), rtol=1e-12)
    values, counts = np.unique(expected, return_counts=True)
    ours_values, ours_counts = bk.unique(labels, return_counts=True, threads=threads)
    np.testing.assert_array_equal(ours_values, values)
    np.testing.assert_array_equal(ours_counts, counts)
    np.testing.assert_array_equal(bk.morphology(labels, threads=threads)["size"], counts[1:])
    np.testing.assert_array_equal(bk.contingency_table(labels, x, threads=threads).counts, numpy_contingency(labels, x)[1])


def test_empty_arrays():
    x = np.zeros((0, 5, 4), np.uint16)
    labels, n = bk.label(x)
    assert n == 0 and labels.shape == x.shape
    assert bk.watershed(x.astype(np.float32), x).shape == x.shape
    assert bk.distance_transform(x).shape == x.shape
    assert bk.morphology(x)["label"].size == 0
    table = bk.contingency_table(x, x)
    assert table.pairs.shape == (0, 2) and table.n_points == 0 and table.labels_a.size == 0
    assert bk.relabel_sequential(x)[0].shape == x.shape


# --- regionprops: shape features ----------------------------------------------------------------------------------

def blobs(rng, shape, dtype):
    """Labelled blobs (smoothed noise above a level): rounded objects, for which skimage 0.19's axis formulas hold."""
    smooth = ndi.gaussian_filter(rng.random(shape), 2.0)
    labels, _ = ndi.label(smooth > np.percentile(smooth, 60))
    return labels.astype(dtype)


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("dtype", ["uint16", "int32", "uint64"])
def test_regionprops_axis_lengths_equal_skimage(ndim, dtype, layout):
    rng = np.random.default_rng(1400 + ndim)
    x = blobs(rng, {2: (60, 70), 3: (24, 28, 30)}[ndim], dtype)
    ours = bk.regionprops(with_layout(x, layout))
    expected = regionprops_table(x.astype(np.int64), properties=("label", "area", "bbox", "extent", "equivalent_diameter",
                                                                 "major_axis_length", "minor_axis_length"))
    np.testing.assert_array_equal(ours["label"], expected["label"])
    np.testing.assert_array_equal(ours["n_voxels"], expected["area"])
    np.testing.assert_allclose(ours["extent"], expected["extent"], rtol=1e-12)
    np.testing.assert_allclose(ours["equivalent_diameter_area"], expected["equivalent_diameter"], rtol=1e-12)
    finite = np.isfinite(expected["minor_axis_length"])  # skimage 0.19 gives NaN for the flattest 3D objects
    assert finite.mean() > 0.8
    np.testing.assert_allclose(ours["axis_major_length"], expected["major_axis_length"], rtol=1e-6)
    np.testing.assert_allclose(ours["axis_minor_length"][finite], expected["minor_axis_length"][finite], rtol=1e-6, atol=1e-6)


def test_regionprops_resolution_and_surface_area():
    from skimage.measure import marching_cubes, mesh_surface_area
    rng = np.random.default_rng(1500)
    x = blobs(rng, (20, 22, 24), np.uint32)
    resolution = (2.0, 1.0, 0.5)
    ours = bk.regionprops(x, resolution, compute_surface=True)
    unit = bk.regionprops(x)
    np.testing.assert_allclose(ours["area"], unit["n_voxels"] * 1.0, rtol=1e-15)
    for i, label in enumerate(ours["label"][:5]):
        padded = np.pad((x == label).astype(np.float64), 1)
        vertices, faces, _, _ = marching_cubes(padded, 0.5, spacing=resolution)
        np.testing.assert_allclose(ours["surface_area"][i], mesh_surface_area(vertices, faces), rtol=1e-9)
    # Scaling every axis by 2 doubles the axis lengths (skimage 0.19's regionprops has no spacing to compare with).
    doubled = bk.regionprops(x, 2.0)
    np.testing.assert_allclose(doubled["axis_major_length"], 2 * unit["axis_major_length"], rtol=1e-12)
    np.testing.assert_allclose(doubled["area"], 8 * unit["area"], rtol=1e-15)
    with pytest.raises(ValueError, match="resolution"):
        bk.regionprops(x, (1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="3D"):
        bk.regionprops(x[0], compute_surface=True)
