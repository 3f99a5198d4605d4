"""Oracles of the block-wise label operations (tests/BioImage.Core.Tests/Operations/LabelOracle.cs runs it).

label_oracle.py FOLDER NAMES: for every name (a numpy integer dtype, optionally with -zeros for an all-zero volume
or -nozero for a volume without background) writes FOLDER/NAME.npy, a seeded 13x17x19 label volume (blocks of ids
drawn over the dtype's range, uint64 ids above 2**63, negative int ids, 8 % noise voxels), FOLDER/mask.npy, and
the outputs of numpy.unique(return_counts=True), of bioimage-py's relabel_consecutive (start_label, keep_zeros) and
size_filter (min_size / max_size at two of the occurring sizes, so that the inclusive bounds are exercised; relabel
on and off) written as bioimage-py computes them, each without and with the mask (suffix _masked; output voxels
outside the mask stay 0), and skimage.segmentation.relabel_sequential where it applies.
"""
import json
import os
import sys

import numpy as np
from skimage.segmentation import relabel_sequential

folder = sys.argv[1]
shape = (13, 17, 19)
rng = np.random.default_rng(7)
z, y, x = np.indices(shape)
cells = (z // 3) * 100 + (y // 4) * 10 + x // 5
noise = rng.random(shape) < 0.08
cells = np.where(noise, rng.integers(0, 1000, shape), cells)


def volume(name):
    dtype = np.dtype(name.split("-")[0])
    if name.endswith("-zeros"):
        return np.zeros(shape, dtype)
    info = np.iinfo(dtype)
    low, high = (1, info.max) if info.min == 0 else (max(info.min, -10**12), min(info.max, 10**12))
    table = rng.integers(low, high, 1000, dtype=dtype, endpoint=True)
    if not name.endswith("-nozero"):
        table[rng.random(1000) < 0.3] = 0
    return table[cells]


def relabel(a, keys, values, mask):
    out = np.zeros_like(a, dtype=values.dtype)
    sel = a if mask is None else a[mask]
    mapped = values[np.searchsorted(keys, sel)]
    if mask is None:
        out[...] = mapped
    else:
        out[mask] = mapped
    return out


mask = (z + 2 * y + x) % 5 != 0
np.save(os.path.join(folder, "mask.npy"), mask.astype(np.uint8))
for name in sys.argv[2].split(","):
    a = volume(name)
    base = os.path.join(folder, name)
    np.save(base + ".npy", a)
    for masked in (False, True):
        m = mask if masked else None
        sel = a[m] if masked else a
        suffix = "_masked" if masked else ""
        u, counts = np.unique(sel, return_counts=True)
        np.save(f"{base}__unique_values{suffix}.npy", u)
        np.save(f"{base}__unique_counts{suffix}.npy", counts.astype(np.int64))
        # bioimage-py relabel_consecutive: {v: i} from start_label over the sorted uniques, then 0 -> 0 if kept.
        for start, keep in ((0, True), (1, True), (5, False)):
            new = np.arange(start, start + len(u), dtype=np.int64)
            if keep:
                new[u == 0] = 0
            np.save(f"{base}__consecutive_{start}_{keep}{suffix}.npy", relabel(a, u, new.astype(a.dtype), m))
        # bioimage-py size_filter: bounds are two of the nonzero counts, so that a size equal to a bound occurs.
        sizes = np.unique(counts[u != 0]) if (u != 0).any() else np.array([1])
        bounds = {"min": int(sizes[len(sizes) // 3]), "max": int(sizes[(2 * len(sizes)) // 3])}
        with open(f"{base}__bounds{suffix}.json", "w") as f:
            json.dump(bounds, f)
        for label, lo, hi, rel in (("min", bounds["min"], None, True), ("max", None, bounds["max"], True), ("both", bounds["min"], bounds["max"], False)):
            discard = np.zeros(u.shape, bool)
            if lo is not None:
                discard |= counts < lo
            if hi is not None:
                discard |= counts > hi
            new = np.where(discard, 0, u).astype(a.dtype)
            if rel:
                keep = (~discard) & (u != 0)
                new[keep] = np.arange(1, keep.sum() + 1)
                new[~keep] = 0
            np.save(f"{base}__size_{label}{suffix}.npy", relabel(a, u, new, m))
    if (a >= 0).all() and (a == 0).any():
        np.save(f"{base}__skimage.npy", relabel_sequential(a)[0])
