"""numpy 1.24 oracle of the element-wise operations (apply, isin): writes inputs, expected outputs and cases.json.

Usage: elementwise_oracle.py FOLDER. Every case is np.OP(x, y) with y a Python scalar (value-based casting), a
same-shape array (np.promote_types) or an array that broadcasts to x, or np.isin(x, values); with a mask the expected
output is 0 outside it (a fresh output keeps its zeros there). Inputs are odd-shaped (7, 9, 11) with full-range
integers (so add/subtract/multiply wrap around) and floats with NaN, ±inf and ±0.
"""
import json
import os
import sys

import numpy as np

folder = sys.argv[1]
rng = np.random.default_rng(17)
shape = (7, 9, 11)
dtypes = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]
operators = ["add", "subtract", "multiply", "divide", "greater", "greater_equal", "less", "less_equal", "minimum", "maximum"]
scalars = ["5", "200", "-1", "300", "100000", "1099511627776", "9223372036854775808", "1.5", "1e300", "nan", "0"]


def volume(dtype, salt):
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        data = rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
        small = rng.integers(max(info.min, -300), min(info.max, 300), size=shape, dtype=dt, endpoint=True)
        data = np.where(rng.random(shape) < 0.5, small, data)
        data.flat[salt % 5] = 0
        return data
    data = (rng.standard_normal(shape) * 1000).astype(dt)
    data.flat[salt % 7::97] = np.round(data.flat[salt % 7::97])
    for i, special in enumerate([np.nan, np.inf, -np.inf, -0.0, 0.0]):
        data.flat[(salt * 13 + i * 41) % data.size] = special
    return data


def save(name, array):
    np.save(os.path.join(folder, name + ".npy"), array)
    return name + ".npy"


inputs = {dtype: save("x_" + dtype, volume(dtype, i)) for i, dtype in enumerate(dtypes)}
others = {dtype: save("y_" + dtype, volume(dtype, i + 3)) for i, dtype in enumerate(dtypes)}
broadcast_shapes = [(9, 1), (1, 1, 11), (7, 1, 1), (11,), (1, 9, 11)]
mask = rng.random(shape) < 0.6
save("mask", mask.astype(np.uint8))
x_bool = save("x_bool", rng.random(shape) < 0.5)
y_bool = save("y_bool", rng.random(shape) < 0.5)
cases = []


def add(operation, x, expected, y=None, scalar=None, masked=False, values=None):
    if masked:
        expected = np.where(mask, expected, np.zeros((), expected.dtype))
    name = "expected_%d" % len(cases)
    cases.append({"operation": operation, "x": x, "y": y, "scalar": scalar, "values": values, "masked": masked,
                  "dtype": expected.dtype.name, "expected": save(name, np.ascontiguousarray(expected))})


def load(name):
    return np.load(os.path.join(folder, name))


with np.errstate(all="ignore"):
    for i, dtype in enumerate(dtypes):
        x = load(inputs[dtype])
        for operation in operators:
            ufunc = getattr(np, operation)
            for text in scalars:
                value = int(text) if text.lstrip("-").isdigit() else float(text)
                add(operation, inputs[dtype], ufunc(x, value), scalar=text)
            pairs = dtypes if operation in ("add", "divide", "less") else [dtype, dtypes[(i + 1) % len(dtypes)]]
            for other in pairs:
                add(operation, inputs[dtype], ufunc(x, load(others[other])), y=others[other])
            bshape = broadcast_shapes[(i + operators.index(operation)) % len(broadcast_shapes)]
            bdtype = dtypes[(i + 3 * operators.index(operation)) % len(dtypes)]
            b = volume(bdtype, i)[tuple(slice(0, e) for e in (1,) * (3 - len(bshape)) + bshape)].reshape(bshape)
            bname = save("b_%s_%s" % (dtype, operation), b)
            add(operation, inputs[dtype], ufunc(x, b), y=bname)
            add(operation, inputs[dtype], ufunc(x, b), y=bname, masked=True)
            add(operation, inputs[dtype], ufunc(x, load(others[dtype])), y=others[dtype], masked=True)
        numbers = [int(v) for v in np.unique(x.flat[::37])[:5]] if x.dtype.kind in "iu" else [float(v) for v in x.flat[::53][:5] if v == v]
        texts = [str(v) for v in numbers] + ["2.5", "-1", "300", "nan"]
        add("isin", inputs[dtype], np.isin(x, [int(t) if t.lstrip("-").isdigit() else float(t) for t in texts]), values=texts)
        add("isin", inputs[dtype], np.isin(x, numbers[:2]), values=[str(v) for v in numbers[:2]], masked=True)
        many = [str(v) for v in (np.unique(x.flat[::7])[:20].tolist())]
        add("isin", inputs[dtype], np.isin(x, [int(t) if x.dtype.kind in "iu" else float(t) for t in many]), values=many)

    xb, yb = load(x_bool), load(y_bool)
    for operation in operators:
        if operation != "subtract":
            add(operation, x_bool, getattr(np, operation)(xb, yb), y=y_bool)
        add(operation, x_bool, getattr(np, operation)(xb, 3), scalar="3")
        add(operation, x_bool, getattr(np, operation)(xb, load(inputs["uint8"])), y=inputs["uint8"])

with open(os.path.join(folder, "cases.json"), "w") as stream:
    json.dump(cases, stream)
