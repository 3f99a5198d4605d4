#!/usr/bin/python3
"""Writes the segmentation fixtures: inputs and the outputs of the reference implementations
(scipy.ndimage.label, scipy.ndimage.distance_transform_edt, skimage.segmentation.watershed,
skimage.feature.peak_local_max) from Debian's python3-scipy 1.10 / python3-skimage 0.19.

Run from anywhere: /usr/bin/python3 tests/data/segmentation/make_fixtures.py
The files are committed; re-run only when adding fixtures, never to make a test pass.
Every array is a .npy file; cases.json lists each case with its parameters and file names.
"""
import json
import pathlib

import numpy as np
from scipy import ndimage as ndi

HERE = pathlib.Path(__file__).resolve().parent
rng = np.random.default_rng(20261125)
cases = {"label": [], "edt": [], "peaks": [], "watershed": []}


def save(name, array):
    np.save(HERE / f"{name}.npy", np.ascontiguousarray(array))
    return f"{name}.npy"


def label_case(name, image, threshold=None):
    """scipy.ndimage.label of `image` (bool) or of `image > threshold`, for every connectivity."""
    binary = image if threshold is None else image > threshold
    entry = {"name": name, "input": save(f"label_{name}_input", image), "threshold": threshold, "outputs": {}}
    for connectivity in range(1, image.ndim + 1):
        structure = ndi.generate_binary_structure(image.ndim, connectivity)
        labels, count = ndi.label(binary, structure=structure)
        entry["outputs"][str(connectivity)] = {"labels": save(f"label_{name}_c{connectivity}", labels.astype(np.int32)),
                                               "count": int(count)}
    cases["label"].append(entry)


def checkerboard(shape):
    return (np.indices(shape).sum(axis=0) % 2).astype(bool)


def spiral_2d(size):
    """A one-pixel-wide square spiral: connected under 4-connectivity, touching itself only diagonally nowhere."""
    image = np.zeros((size, size), bool)
    y, x, dy, dx = 0, 0, 0, 1
    lo_y, hi_y, lo_x, hi_x = 2, size - 1, 0, size - 1
    for _ in range(size * size):
        image[y, x] = True
        ny, nx = y + dy, x + dx
        if dx == 1 and nx > hi_x:
            dy, dx, hi_x = 1, 0, hi_x - 2
        elif dy == 1 and ny > hi_y:
            dy, dx, hi_y = 0, -1, hi_y - 2
        elif dx == -1 and nx < lo_x:
            dy, dx, lo_x = -1, 0, lo_x + 2
        elif dy == -1 and ny < lo_y:
            dy, dx, lo_y = 0, 1, lo_y + 2
        ny, nx = y + dy, x + dx
        if not (0 <= ny < size and 0 <= nx < size) or (lo_x > hi_x + 1 or lo_y > hi_y + 1):
            break
        y, x = ny, nx
    return image


def zigzag_3d(shape):
    """A one-voxel path that steps in z, y and x at once (triangle waves in y and x), so consecutive voxels touch
    only at corners: one component at connectivity 3, one per voxel below."""
    image = np.zeros(shape, bool)
    depth, height, width = shape

    def triangle(t, size):
        t %= 2 * (size - 1)
        return t if t < size else 2 * (size - 1) - t

    for z in range(depth):
        image[z, triangle(z, height), triangle(z + 2, width)] = True
    return image


def diagonals_3d(shape):
    """One-voxel-wide lines along the space diagonals and face diagonals, crossing one another."""
    image = np.zeros(shape, bool)
    n = min(shape)
    for i in range(n):
        image[i, i, i] = True
        image[i, n - 1 - i, i] = True
        image[i, i, shape[2] - 1 - i] = True
        image[shape[0] // 2, i, (i + 3) % shape[2]] = True
    return image


def blobs(shape, sigma, foreground):
    smooth = ndi.gaussian_filter(rng.standard_normal(shape), sigma)
    return smooth > np.quantile(smooth, 1 - foreground)


# Connected components: worst cases, then random blobs and noise of several densities, odd shapes.
label_case("checkerboard_3d", checkerboard((7, 9, 11)))
label_case("checkerboard_2d", checkerboard((13, 17)))
label_case("spiral_2d", spiral_2d(21))
label_case("zigzag_3d", zigzag_3d((40, 12, 13)))
label_case("diagonals_3d", diagonals_3d((17, 19, 23)))
label_case("blobs_3d_30", blobs((24, 33, 40), 2.0, 0.3))
label_case("blobs_3d_70", blobs((13, 25, 70), 1.5, 0.7))
label_case("noise_3d_50", rng.random((11, 13, 67)) < 0.5)
label_case("noise_3d_10", rng.random((9, 31, 70)) < 0.1)
label_case("noise_2d_40", rng.random((37, 129)) < 0.4)
label_case("thin_1x1x300", rng.random((1, 1, 300)) < 0.6)
label_case("column_300x1x1", rng.random((300, 1, 1)) < 0.6)
label_case("empty_3d", np.zeros((4, 5, 6), bool))
label_case("full_3d", np.ones((4, 5, 6), bool))
label_case("float32_threshold_3d", ndi.gaussian_filter(rng.standard_normal((15, 22, 35)), 1.5).astype(np.float32), threshold=0.1)
label_case("uint16_threshold_2d", rng.integers(0, 1000, (45, 77)).astype(np.uint16), threshold=600)



def edt_case(name, image, sampling=None):
    """scipy.ndimage.distance_transform_edt of `image` (nonzero = foreground) with distances and indices."""
    distances, indices = ndi.distance_transform_edt(image, sampling=sampling, return_indices=True)
    cases["edt"].append({"name": name, "input": save(f"edt_{name}_input", image), "sampling": sampling,
                         "distances": save(f"edt_{name}_distances", distances),
                         "indices": save(f"edt_{name}_indices", indices.astype(np.int32))})


# Euclidean distance transform: blobs, noise, lines, corner cases, anisotropic sampling, several dtypes.
edt_case("blobs_3d", blobs((21, 26, 37), 2.0, 0.7))
edt_case("blobs_3d_anisotropic", blobs((12, 30, 33), 2.0, 0.8), sampling=[3.0, 1.0, 0.5])
edt_case("noise_3d_uint8", (rng.random((9, 17, 35)) < 0.9).astype(np.uint8) * rng.integers(1, 255, (9, 17, 35)).astype(np.uint8))
edt_case("sparse_background_3d", rng.random((16, 18, 20)) > 0.002)
edt_case("single_background_3d", np.pad(np.zeros((1, 1, 1), bool), ((3, 9), (0, 12), (5, 2)), constant_values=True))
edt_case("plane_background_3d", np.pad(np.zeros((1, 14, 15), bool), ((0, 12), (0, 0), (0, 0)), constant_values=True))
edt_case("all_foreground_3d", np.ones((5, 6, 7), bool))
edt_case("all_foreground_3d_sampled", np.ones((4, 3, 5), bool), sampling=[2.0, 0.5, 1.5])
edt_case("all_background_3d", np.zeros((3, 4, 5), bool))
edt_case("blobs_2d", blobs((64, 75), 3.0, 0.75))
edt_case("blobs_2d_sampled_float32", (ndi.gaussian_filter(rng.standard_normal((41, 53)), 2.0) > -0.2).astype(np.float32), sampling=[1.7, 0.6])
edt_case("all_foreground_2d", np.ones((6, 9), bool))
edt_case("row_1x1x200", rng.random((1, 1, 200)) > 0.05)
edt_case("column_200x1x1", rng.random((200, 1, 1)) > 0.05)


def peaks_case(name, image, **arguments):
    """skimage.feature.peak_local_max(image, **arguments): (k, ndim) coordinates, highest first."""
    from skimage.feature import peak_local_max
    coordinates = peak_local_max(image, **arguments)
    cases["peaks"].append({"name": name, "input": save(f"peaks_{name}_input", image), "arguments": arguments,
                           "peaks": save(f"peaks_{name}_coordinates", coordinates.astype(np.int32).reshape(-1, image.ndim))})


# Local maxima: distinct values (skimage's order among equal values is unspecified), every parameter.
smooth_3d = ndi.gaussian_filter(rng.standard_normal((23, 30, 34)), 1.5).astype(np.float32)
peaks_case("smooth_3d", smooth_3d)
peaks_case("smooth_3d_min3_no_border", smooth_3d, min_distance=3, exclude_border=False)
peaks_case("smooth_3d_rel", smooth_3d, min_distance=2, threshold_rel=0.4)
peaks_case("smooth_3d_abs_border5", smooth_3d, min_distance=1, threshold_abs=0.05, exclude_border=5)
smooth_2d = ndi.gaussian_filter(rng.standard_normal((70, 81)), 2.0)
peaks_case("smooth_2d", smooth_2d, min_distance=2)
peaks_case("smooth_2d_min6", smooth_2d, min_distance=6, exclude_border=0)
peaks_case("negative_2d", smooth_2d - 10.0, min_distance=2, exclude_border=False)
peaks_case("permutation_uint16_3d", rng.permutation(12 * 15 * 17).reshape(12, 15, 17).astype(np.uint16), min_distance=2)
peaks_case("permutation_int32_2d", (rng.permutation(40 * 45) - 900).reshape(40, 45).astype(np.int32), min_distance=1, threshold_abs=-100)
peaks_case("min_distance_0_2d", smooth_2d[:20, :25], min_distance=0, threshold_abs=0.1)


def watershed_case(name, image, markers, mask=None, compactness=0.0, connectivities=None):
    """skimage.segmentation.watershed(image, markers, connectivity, mask, compactness) for each connectivity."""
    from skimage.segmentation import watershed
    entry = {"name": name, "input": save(f"ws_{name}_input", image), "seeds": save(f"ws_{name}_seeds", markers.astype(np.int32)),
             "mask": None if mask is None else save(f"ws_{name}_mask", mask), "compactness": compactness, "outputs": {}}
    for connectivity in connectivities or range(1, image.ndim + 1):
        labels = watershed(image, markers, connectivity=connectivity, mask=mask, compactness=compactness)
        entry["outputs"][str(connectivity)] = save(f"ws_{name}_c{connectivity}", labels.astype(np.int32))
    cases["watershed"].append(entry)


def scattered_seeds(shape, count):
    markers = np.zeros(shape, np.int32)
    flat = rng.choice(markers.size, count, replace=False)
    markers.flat[flat] = rng.permutation(count) + 1
    return markers


# Watershed: plateaus (ties decided by queue age and neighbour order), equal-height seeds, quantised and smooth
# heights, masks with seeds outside, compactness.
watershed_case("flat_2d", np.zeros((17, 23)), scattered_seeds((17, 23), 5))
watershed_case("flat_3d", np.zeros((9, 11, 13), np.float32), scattered_seeds((9, 11, 13), 6))
steps = np.floor(ndi.gaussian_filter(rng.standard_normal((14, 19, 21)), 2.0) * 4).astype(np.float32)
watershed_case("terraces_3d", steps, scattered_seeds(steps.shape, 12))
quantised = (ndi.gaussian_filter(rng.random((12, 16, 25)), 1.0) * 20).astype(np.uint8)
watershed_case("uint8_levels_3d_masked", quantised, scattered_seeds(quantised.shape, 15), mask=rng.random(quantised.shape) > 0.15)
smooth = ndi.gaussian_filter(rng.standard_normal((16, 20, 24)), 1.5)
minima = (smooth == ndi.minimum_filter(smooth, size=3))
watershed_case("smooth_minima_3d", smooth, ndi.label(minima)[0])
smooth_2d = ndi.gaussian_filter(rng.standard_normal((60, 70)), 2.0).astype(np.float32)
watershed_case("smooth_2d_blob_seeds", smooth_2d, ndi.label(smooth_2d < -0.25)[0])
watershed_case("uint16_2d_compact", (ndi.gaussian_filter(rng.random((40, 45)), 2) * 60000).astype(np.uint16), scattered_seeds((40, 45), 9), compactness=0.01)
watershed_case("flat_3d_compact", np.zeros((8, 9, 10)), scattered_seeds((8, 9, 10), 5), compactness=1.0, connectivities=[1, 3])


def seed_blocks(heights, count, size):
    """`count` cubic seeds of `size` voxels per side; all voxels of seed k get height -10 + 0.37 k (equal within a seed,
    distinct between seeds), so plateaus stay everywhere else."""
    heights = heights.copy()
    markers = np.zeros(heights.shape, np.int32)
    for k in range(1, count + 1):
        corner = [rng.integers(0, extent - size + 1) for extent in heights.shape]
        box = tuple(slice(c, c + size) for c in corner)
        markers[box] = k
    for k in range(1, count + 1):
        heights[markers == k] = -10 + 0.37 * k
    return heights, markers


watershed_case("terraces_seed_blocks_3d", *seed_blocks(steps, 10, 2))
watershed_case("flat_seed_blocks_2d", *seed_blocks(np.zeros((31, 37)), 7, 3))


# skimage's neighbour visiting order (it decides plateau ties) and relabel_sequential.
from skimage.morphology._util import _offsets_to_raveled_neighbors, _validate_connectivity
from skimage.segmentation import relabel_sequential

cases["neighbour_order"] = {}
for rank in (2, 3):
    for connectivity in range(1, rank + 1):
        footprint, centre = _validate_connectivity(rank, connectivity, None)
        shape = (7,) * rank
        origin = np.ravel_multi_index((3,) * rank, shape)
        deltas = [np.array(np.unravel_index(origin + o, shape)) - 3 for o in _offsets_to_raveled_neighbors(shape, footprint, centre)]
        cases["neighbour_order"][f"{rank}/{connectivity}"] = [[0] * (3 - rank) + [int(v) for v in d] for d in deltas]

sparse_labels = (rng.integers(0, 40, (4, 11, 29)) * 977).astype(np.uint64)
sparse_labels.flat[0] = 0
cases["relabel_sequential"] = {"input": save("relabel_sequential_input", sparse_labels),
                               "output": save("relabel_sequential_output", relabel_sequential(sparse_labels)[0].astype(np.uint32))}

(HERE / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
print("wrote", sum(len(v) for v in cases.values() if isinstance(v, list)), "cases to", HERE)
