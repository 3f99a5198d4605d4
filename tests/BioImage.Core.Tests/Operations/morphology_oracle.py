"""Oracles of the morphology and regionprops tests (tests/BioImage.Core.Tests/Operations/MorphologyOracle.cs runs it).

morphology_oracle.py FOLDER: writes label volumes FOLDER/CASE.npy and, per case, the expected morphology table
(FOLDER/CASE__label.npy uint64, __size.npy int64, __com.npy float64 (n, rank), __bbmin.npy / __bbmax.npy int64
(n, rank), bb_max exclusive) from scipy.ndimage (find_objects, center_of_mass, sum_labels) on a dense relabelling
of the labels (so that ids above 2**53 work), the same under FOLDER/mask.npy (suffix _masked; out-of-mask voxels are
background), and for the regionprops cases FOLDER/CASE__rp_RES.npy (n, 6 + rank (+ 1 in 3D)): n_voxels, area, extent,
equivalent_diameter_area, axis_major_length, axis_minor_length, centroid_* (, surface_area) as bioimage-py defines them — covariance
formula with numpy, the centroid rule with scipy's EDT, skimage's marching_cubes + mesh_surface_area — cross-checked here against skimage.measure.regionprops
(0.19: unit spacing, and only where it does not raise on thin objects).

Cases: blobs3d (13x17x19 smoothed-noise blobs touching the faces, plus single voxels, a one-voxel-thick plane,
a line and a diagonal), blobs2d with a ring, one volume per integer dtype with the same geometry (ids spread over the dtype's range;
uint64 ids above 2**60 that collide as float64), bool, blobs2d (37x41), line1d (53).
"""
import json
import math
import os
import sys

import numpy as np
from scipy import ndimage
from skimage import measure
from skimage.measure import marching_cubes, mesh_surface_area

folder = sys.argv[1]
rng = np.random.default_rng(11)


def blobs(shape, sigma, seed):
    noise = ndimage.gaussian_filter(np.random.default_rng(seed).random(shape), sigma)
    return ndimage.label(noise > np.quantile(noise, 0.6))[0].astype(np.int64)


base = blobs((13, 17, 19), 1.0, 1)
extra = base.max()
for position in [(0, 0, 0), (12, 16, 18), (6, 0, 18), (3, 9, 4)]:
    extra += 1
    base[position] = extra
extra += 1
base[8, 2:15, 1:12] = extra  # a plane one voxel thick
extra += 1
base[1:12, 14, 7] = extra  # a line along z
extra += 1
for k in range(6):  # a diagonal: six voxels touching only at corners
    base[4 + k, 3 + k, 12 + k] = extra
count = int(base.max())


def spread(values, dtype):
    """Distinct ids for 1..count spread over the dtype's positive range, in shuffled order."""
    info = np.iinfo(dtype)
    high = min(int(info.max), 10**15)
    ids = np.sort(rng.choice(np.arange(1, min(high, 10**6) + 1), count, replace=False))
    if high > 10**6:
        ids = ids * (high // 10**6)
    table = np.zeros(count + 1, dtype)
    table[1:] = rng.permutation(ids).astype(dtype)
    return table[values]


volumes = {}
for name in ["uint8", "uint16", "uint32", "int8", "int16", "int32", "int64"]:
    volumes[name] = spread(base, np.dtype(name))
huge = np.zeros(count + 1, np.uint64)
huge[1:] = np.uint64(2**60) + rng.permutation(np.arange(1, count + 1)).astype(np.uint64)  # 2**60 + k: collide as float64
volumes["uint64"] = huge[base]
volumes["bool"] = base > 0
volumes["blobs3d"] = base.astype(np.uint32)
flat = blobs((37, 41), 1.2, 2)
flat[29:36, 0:7] = 0
flat[29:36, 0:7][[0, -1], :] = flat[29:36, 0:7][:, [0, -1]] = flat.max() + 1  # a ring: its centre of mass is outside it
volumes["blobs2d"] = flat.astype(np.uint16)
line = np.repeat(rng.integers(0, 9, 20), rng.integers(1, 5, 20))[:53]
volumes["line1d"] = np.pad(line, (0, 53 - line.size)).astype(np.int32)

mask = (np.indices(base.shape).sum(0) % 4 != 0) & (np.arange(19)[None, None, :] < 15)
np.save(os.path.join(folder, "mask.npy"), mask.astype(np.uint8))


def table(a):
    """label, size, com, bb_min, bb_max of the nonzero labels of a, by scipy on dense ids."""
    flat = a.astype(np.uint64) if a.dtype != bool else a.astype(np.uint64)
    labels = np.unique(flat[flat != 0])
    dense = np.searchsorted(labels, flat) + 1
    dense[flat == 0] = 0
    ids = np.arange(1, labels.size + 1)
    ones = np.ones(a.shape)
    size = ndimage.sum_labels(ones, dense, ids).astype(np.int64)
    com = np.array(ndimage.center_of_mass(ones, dense, ids), dtype=np.float64).reshape(labels.size, a.ndim)
    boxes = ndimage.find_objects(dense)
    bbmin = np.array([[s.start for s in box] for box in boxes], np.int64).reshape(labels.size, a.ndim)
    bbmax = np.array([[s.stop for s in box] for box in boxes], np.int64).reshape(labels.size, a.ndim)
    return labels, size, com, bbmin, bbmax


def regionprops(a, res):
    """bioimage-py's regionprops features per label of a (rows as in table(a))."""
    labels, size, com, bbmin, bbmax = table(a)
    ndim = a.ndim
    res = np.asarray(res, np.float64)
    rows = []
    for label, c, lo, hi in zip(labels, com, bbmin, bbmax):
        crop = a[tuple(slice(l, h) for l, h in zip(lo, hi))]
        mask = crop == label
        coords = np.argwhere(mask)
        n = coords.shape[0]
        area = n * float(np.prod(res))
        extent = n / float(np.prod(hi - lo))
        diameter = (2 * ndim * area / np.pi) ** (1.0 / ndim) if area > 0 else 0.0
        x = coords.astype(np.float64) * res
        xc = x - x.mean(axis=0)
        cov = (xc.T @ xc) / n
        inertia = np.trace(cov) * np.eye(ndim) - cov
        ev = np.sort(np.clip(np.linalg.eigvalsh(inertia), 0.0, None))[::-1]
        if ndim == 3:
            major = math.sqrt(max(0.0, 10.0 * (ev[0] + ev[1] - ev[2])))
            minor = math.sqrt(max(0.0, 10.0 * (-ev[0] + ev[1] + ev[2])))
        else:
            major, minor = 4.0 * math.sqrt(ev[0]), 4.0 * math.sqrt(ev[-1])
        rounded = np.round(c - lo).astype(int)
        if np.all(rounded >= 0) and np.all(rounded < np.asarray(mask.shape)) and mask[tuple(rounded)]:
            centroid = c * res
        else:
            dt = ndimage.distance_transform_edt(mask, sampling=res)
            centroid = (np.asarray(np.unravel_index(int(np.argmax(dt)), mask.shape), np.float64) + lo) * res
        surface = []
        if ndim == 3:  # bioimage-py's _surface_area: pad 1, float32, Lewiner marching cubes at 0.5 with spacing
            verts, faces, _, _ = marching_cubes(np.pad(mask, 1).astype(np.float32), level=0.5, spacing=tuple(res))
            surface = [float(mesh_surface_area(verts, faces))]
        rows.append([n, area, extent, diameter, major, minor, *centroid, *surface])
    return np.array(rows, np.float64).reshape(len(labels), 6 + ndim + (ndim == 3))


def check_against_skimage(a, rows):
    """skimage 0.19 agrees where it has the feature: unit spacing, objects it does not raise on."""
    if a.ndim < 2:
        return
    dense = np.searchsorted(np.unique(a[a != 0]), a) + 1
    dense[a == 0] = 0
    for region, row in zip(measure.regionprops(dense), rows):
        assert region.area == row[0]
        assert math.isclose(region.extent, row[2], rel_tol=1e-12)
        assert math.isclose(region.equivalent_diameter, row[3], rel_tol=1e-12)
        try:
            major, minor = region.major_axis_length, region.minor_axis_length
        except ValueError:  # 0.19's math domain error on thin objects (skimage issue #6630)
            continue
        assert math.isclose(major, row[4], rel_tol=1e-9, abs_tol=1e-6), (major, row[4])
        assert math.isclose(minor, row[5], rel_tol=1e-9, abs_tol=1e-6), (minor, row[5])


def save(name, suffix, values):
    labels, size, com, bbmin, bbmax = values
    base_path = os.path.join(folder, name)
    np.save(f"{base_path}__label{suffix}.npy", labels.astype(np.uint64))
    np.save(f"{base_path}__size{suffix}.npy", size)
    np.save(f"{base_path}__com{suffix}.npy", com)
    np.save(f"{base_path}__bbmin{suffix}.npy", bbmin)
    np.save(f"{base_path}__bbmax{suffix}.npy", bbmax)


resolutions = {3: {"unit": (1.0, 1.0, 1.0), "aniso": (2.0, 1.0, 1.5)}, 2: {"unit": (1.0, 1.0), "aniso": (0.5, 2.0)}}
for name, a in volumes.items():
    np.save(os.path.join(folder, name + ".npy"), a)
    save(name, "", table(a))
    if a.shape == mask.shape:
        save(name, "_masked", table(np.where(mask, a, 0)))
    if name in ("blobs3d", "blobs2d"):
        for res_name, res in resolutions[a.ndim].items():
            rows = regionprops(a, res)
            if res_name == "unit":
                check_against_skimage(a, rows)
            np.save(os.path.join(folder, f"{name}__rp_{res_name}.npy"), rows)
with open(os.path.join(folder, "cases.json"), "w") as f:
    json.dump({name: list(a.shape) for name, a in volumes.items()}, f)
