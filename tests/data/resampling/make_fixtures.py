#!/usr/bin/python3
"""Writes the oracle fixtures of the resampling kernels (tests/BioImage.Kernels.Tests/Resampling).

Resize: output o samples input o*in/out per axis (bioimage-py ResizedSource), which is
scipy.ndimage.affine_transform(x, diag(in/out), output_shape=out, order, mode, cval, prefilter=True);
anti-aliasing first applies scipy.ndimage.gaussian_filter with skimage.transform.resize's
sigma = max(0, (in/out - 1)/2). Modes are scipy's interpolation names (grid-wrap, grid-constant).
Pooling: numpy block reductions over integer factors, partial blocks at the end (ceil mode):
mean = floor(sum / count) for integers (tinybrain), max, min, and mode = most frequent value with
ties going to the smallest.
Run with Debian's packages: /usr/bin/python3 tests/data/resampling/make_fixtures.py
The files are committed; re-run only when adding cases, never to make a test pass.
"""
import json
import pathlib

import numpy as np
import scipy
import scipy.ndimage as ndi

HERE = pathlib.Path(__file__).resolve().parent
rng = np.random.default_rng(20261126)
CVAL = 0.7
GAUSS_MODE = {"mirror": "mirror", "reflect": "reflect", "nearest": "nearest", "grid-wrap": "wrap", "grid-constant": "constant"}
cases = []


def volume(shape):
    grids = np.meshgrid(*[np.linspace(0, 3, s) for s in shape], indexing="ij")
    smooth = sum(np.sin(g * (i + 1.7)) for i, g in enumerate(grids))
    return (smooth * 10 + rng.standard_normal(shape) * 2 + 5).astype(np.float32)


vol = volume((11, 14, 17))
img = volume((19, 23))
np.save(HERE / "input_vol.npy", vol)
np.save(HERE / "input_img.npy", img)


def resize(x, out_shape, order, mode, anti_aliasing):
    x = x.astype(np.float64)
    factors = np.array(x.shape) / np.array(out_shape)
    if anti_aliasing:
        sigma = np.maximum(0, (factors - 1) / 2)
        x = ndi.gaussian_filter(x, sigma, mode=GAUSS_MODE[mode], cval=CVAL)
    return ndi.affine_transform(x, np.diag(factors), output_shape=out_shape, order=order, mode=mode, cval=CVAL, prefilter=True)


def add_resize(name, input_name, x, out_shape, order, mode, anti_aliasing):
    expected = resize(x, out_shape, order, mode, anti_aliasing).astype(np.float32)
    np.save(HERE / f"{name}.npy", expected)
    cases.append({"name": name, "kind": "resize", "input": input_name, "shape": list(expected.shape),
                  "order": order, "mode": mode, "cval": CVAL, "anti_aliasing": anti_aliasing})


MODES = list(GAUSS_MODE)
for order in range(6):
    for mode in MODES:
        add_resize(f"resize_o{order}_{mode}_down", "vol", vol, (6, 7, 9), order, mode, False)
    add_resize(f"resize_o{order}_mirror_odd_aa", "vol", vol, (5, 9, 6), order, "mirror", True)
    add_resize(f"resize_o{order}_reflect_up", "vol", vol, (13, 16, 19), order, "reflect", False)
    add_resize(f"resize_o{order}_nearest_mixed_aa", "vol", vol, (11, 5, 30), order, "nearest", True)
add_resize("resize_o3_reflect_img_aa", "img", img, (10, 12), 3, "reflect", True)
add_resize("resize_o1_constant_img_aa", "img", img, (7, 31), 1, "grid-constant", True)
add_resize("resize_o5_wrap_img", "img", img, (13, 8), 5, "grid-wrap", False)


def nearest_indices(n_in, n_out):
    """scipy's order-0 rule floor(c + 0.5), with the 'nearest' border for positions past the last sample."""
    return np.minimum(np.floor(np.arange(n_out) * (n_in / n_out) + 0.5).astype(np.int64), n_in - 1)


# Order 0 of labels: exact index picking (numpy fancy indexing), including values above 2**53.
labels = rng.integers(0, 2**64 - 1, size=(9, 10, 13), dtype=np.uint64, endpoint=True)
np.save(HERE / "input_labels.npy", labels)
for out_shape in [(5, 5, 7), (4, 7, 6), (12, 21, 26)]:
    idx = [nearest_indices(i, o) for i, o in zip(labels.shape, out_shape)]
    name = "nearest_labels_" + "x".join(map(str, out_shape))
    np.save(HERE / f"{name}.npy", labels[np.ix_(*idx)])
    cases.append({"name": name, "kind": "nearest", "input": "labels", "shape": list(out_shape), "mode": "nearest"})


def pool(x, factors, reduce):
    out_shape = [-(-s // f) for s, f in zip(x.shape, factors)]
    out = np.empty(out_shape, dtype=x.dtype)
    for index in np.ndindex(*out_shape):
        block = x[tuple(slice(i * f, (i + 1) * f) for i, f in zip(index, factors))].ravel()
        out[index] = reduce(block)
    return out


def mean(block):
    if block.dtype.kind == "f":
        return block.astype(np.float64).mean()
    return sum(int(v) for v in block) // block.size


def mode(block):
    values, counts = np.unique(block, return_counts=True)  # sorted: argmax takes the smallest on ties
    return values[np.argmax(counts)]


POOL_SHAPE = (7, 9, 11)  # odd: every axis ends in a partial block for even factors
for dtype in ["uint8", "uint16", "uint32", "uint64", "float32"]:
    if dtype == "float32":
        x = (rng.standard_normal(POOL_SHAPE) * 100).astype(np.float32)
    else:
        info = np.iinfo(dtype)
        x = rng.integers(info.max - 3, info.max, size=POOL_SHAPE, dtype=dtype, endpoint=True)  # sums overflow the type
        x[0] = rng.integers(0, 4, size=POOL_SHAPE[1:], dtype=dtype)  # few labels: real majorities and ties
    np.save(HERE / f"pool_input_{dtype}.npy", x)
    for factors in [(2, 2, 2), (1, 3, 2), (3, 1, 4)]:
        for method, reduce in [("mean", mean), ("max", np.max), ("min", np.min), ("mode", mode)]:
            name = f"pool_{method}_{dtype}_" + "".join(map(str, factors))
            np.save(HERE / f"{name}.npy", pool(x, factors, reduce).astype(x.dtype))
            cases.append({"name": name, "kind": "pool", "input": f"pool_input_{dtype}", "dtype": dtype,
                          "method": method, "factors": list(factors)})

# Wide rows: the SIMD pair path of uint8/uint16 (whole vectors of outputs, then the scalar tail and the partial block).
for dtype in ["uint8", "uint16"]:
    info = np.iinfo(dtype)
    x = rng.integers(0, info.max, size=(5, 6, 301), dtype=dtype, endpoint=True)
    np.save(HERE / f"pool_wide_{dtype}.npy", x)
    for factors in [(2, 2, 2), (1, 2, 2)]:
        for method, reduce in [("mean", mean), ("max", np.max), ("min", np.min)]:
            name = f"pool_wide_{method}_{dtype}_" + "".join(map(str, factors))
            np.save(HERE / f"{name}.npy", pool(x, factors, reduce).astype(x.dtype))
            cases.append({"name": name, "kind": "pool", "input": f"pool_wide_{dtype}", "dtype": dtype,
                          "method": method, "factors": list(factors)})

x = (rng.standard_normal((5, 6, 301)) * 100).astype(np.float32)
np.save(HERE / "pool_wide_float32.npy", x)
for factors in [(2, 2, 2), (1, 2, 2)]:
    for method, reduce in [("mean", mean), ("max", np.max), ("min", np.min)]:
        name = f"pool_wide_{method}_float32_" + "".join(map(str, factors))
        np.save(HERE / f"{name}.npy", pool(x, factors, reduce).astype(x.dtype))
        cases.append({"name": name, "kind": "pool", "input": "pool_wide_float32", "dtype": "float32",
                      "method": method, "factors": list(factors)})

# Labels with few values: majorities and ties in every 2x2x2 block, across the whole-block and partial paths.
x = rng.integers(0, 4, size=(5, 6, 41), dtype=np.uint64) * np.uint64(2**61 - 1)
np.save(HERE / "pool_labels_uint64.npy", x)
np.save(HERE / "pool_labels_mode_uint64_222.npy", pool(x, (2, 2, 2), mode))
cases.append({"name": "pool_labels_mode_uint64_222", "kind": "pool", "input": "pool_labels_uint64", "dtype": "uint64",
              "method": "mode", "factors": [2, 2, 2]})

# Random labels: blocks of eight different values (the tie among all goes to the smallest), with a few blocks given
# one repeated value so that a single duplicate decides the majority.
for dtype in ["uint32", "uint64"]:
    x = rng.integers(0, np.iinfo(dtype).max, size=(4, 6, 21), dtype=dtype, endpoint=True)
    x[1, 1, ::3] = x[0, 0, ::3]
    np.save(HERE / f"pool_random_{dtype}.npy", x)
    name = f"pool_random_mode_{dtype}_222"
    np.save(HERE / f"{name}.npy", pool(x, (2, 2, 2), mode))
    cases.append({"name": name, "kind": "pool", "input": f"pool_random_{dtype}", "dtype": dtype,
                  "method": "mode", "factors": [2, 2, 2]})

(HERE / "cases.json").write_text(json.dumps({
    "generator": f"scipy {scipy.__version__}, numpy {np.__version__}", "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {HERE}")
