#!/usr/bin/python3
"""Writes the .npy fixtures and numpy's statistics of each (the oracle for NpyFile and Stats tests).

Run from anywhere with Debian's numpy: /usr/bin/python3 tests/data/npy/make_fixtures.py
The files are committed; re-run only when adding fixtures, never to make a test pass.
"""
import json
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
rng = np.random.default_rng(20261124)
cases = {}


def save(name, array):
    np.save(HERE / f"{name}.npy", array)
    values = array.astype(np.float64)
    cases[name] = {
        "dtype": array.dtype.name,
        "big_endian": array.dtype.byteorder == ">",
        "shape": list(array.shape),
        "min": float(values.min()),
        "max": float(values.max()),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "sum": float(values.sum()),
        "first": float(values.flat[0]),
        "last": float(values.flat[-1]),
    }


shape = (5, 7, 11)
for dtype in ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"]:
    info = np.iinfo(dtype)
    save(dtype, rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True))
save("float32", (rng.standard_normal(shape) * 100 + 5).astype(np.float32))
save("float64", rng.standard_normal(shape) * 1e6)
save("bool", rng.random(shape) > 0.3)
save("big_endian_uint16", rng.integers(0, 65535, size=(3, 4, 5), dtype=np.uint16).astype(">u2"))
save("big_endian_float64", rng.standard_normal((2, 3, 9)).astype(">f8"))
save("odd_1x7x300_float32", rng.random((1, 7, 300), dtype=np.float32))
save("vector_int16", rng.integers(-300, 300, size=(13,), dtype=np.int16))

np.save(HERE / "fortran_order.npy", np.asfortranarray(np.zeros((3, 4), dtype=np.uint8)))
np.save(HERE / "complex64.npy", np.zeros((2, 2), dtype=np.complex64))
(HERE / "expected.json").write_text(json.dumps(cases, indent=1, sort_keys=True) + "\n")
print(f"wrote {len(cases)} fixtures to {HERE}")
