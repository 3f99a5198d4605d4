#!/usr/bin/python3
"""zarr-python 2.13 (Debian python3-zarr) as the oracle of the storage interop tests.

Usage: zarr_python_oracle.py write FOLDER   -- writes every case of FOLDER/cases.json with zarr-python and
                                               saves what zarr-python reads back as FOLDER/<name>.expected
                                               (little-endian bytes, C order)
       zarr_python_oracle.py check FOLDER   -- opens every case that we wrote and compares it with
                                               FOLDER/<name>.expected; prints "ok" or exits non-zero
Cases: {"name", "format": "zarr"|"n5", "dtype": typestr, "shape", "chunks", "compressor": numcodecs config|null,
        "fill": number|"NaN"|"Infinity"|"-Infinity"|null, "separator", "order": "C"|"F",
        "region": [[begin...], [end...]] (the part that is written; the rest stays missing)}
"""
import json
import os
import sys
import warnings

import numcodecs
import numpy as np
import zarr

warnings.simplefilter("ignore")


def fill_value(case):
    value = case["fill"]
    return float(value) if isinstance(value, str) else value


def open_store(path, case, mode):
    if case["format"] == "n5":
        return zarr.N5FSStore(path) if mode == "w" else zarr.N5FSStore(path)
    return zarr.DirectoryStore(path, dimension_separator=case.get("separator", "."))


def data_for(case, shape):
    rng = np.random.default_rng(abs(hash(case["name"])) % (2 ** 32))
    dtype = np.dtype(case["dtype"])
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    if dtype.kind == "f":
        data = (rng.standard_normal(size=shape) * 1000).astype(dtype)
        flat = data.reshape(-1)
        if flat.size > 3:
            flat[0], flat[1], flat[2] = np.nan, np.inf, -np.inf
        return data
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype.newbyteorder("=")).astype(dtype)


def write(folder):
    for case in json.load(open(os.path.join(folder, "cases.json"))):
        path = os.path.join(folder, case["name"])
        compressor = numcodecs.get_codec(case["compressor"]) if case["compressor"] else None
        z = zarr.open(open_store(path, case, "w"), mode="w", shape=case["shape"], chunks=case["chunks"],
                      dtype=case["dtype"], compressor=compressor, fill_value=fill_value(case), order=case.get("order", "C"))
        begin, end = case["region"]
        region = tuple(slice(b, e) for b, e in zip(begin, end))
        z[region] = data_for(case, [e - b for b, e in zip(begin, end)])
        expected = z[...]
        with open(os.path.join(folder, case["name"] + ".expected"), "wb") as f:
            f.write(np.ascontiguousarray(expected).astype(expected.dtype.newbyteorder("<")).tobytes())
    print("ok")


def check(folder):
    for case in json.load(open(os.path.join(folder, "cases.json"))):
        path = os.path.join(folder, case["name"])
        z = zarr.open(open_store(path, case, "r"), mode="r")
        dtype = np.dtype(case["dtype"])
        if z.dtype.kind != dtype.kind or z.dtype.itemsize != dtype.itemsize or list(z.shape) != case["shape"] or list(z.chunks) != case["chunks"]:
            raise SystemExit(f"{case['name']}: zarr-python sees {z.dtype} {z.shape} chunks {z.chunks}")
        actual = np.ascontiguousarray(z[...])
        expected = np.frombuffer(open(os.path.join(folder, case["name"] + ".expected"), "rb").read(), dtype=dtype.newbyteorder("<")).reshape(case["shape"])
        if actual.astype(actual.dtype.newbyteorder("<")).tobytes() != expected.tobytes():
            raise SystemExit(f"{case['name']}: zarr-python reads different values than we wrote")
    print("ok")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
