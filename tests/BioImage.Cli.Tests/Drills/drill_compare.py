"""Compares outputs of the fault drills with the clean run's output, bit for bit.

    /usr/bin/python3 drill_compare.py CLEAN OTHER [OTHER ...]

Prints one JSON object {OTHER: {"differences": [...], "notes": [...]}}. A difference is a metadata document that
differs (parsed JSON: .zarray/.zattrs/.zgroup, zarr.json; .npy headers), or an array whose decoded values differ
(dtype, shape, or any element's bytes, so NaN payloads and -0.0 count). Zarr v2 arrays are decoded by zarr-python,
Zarr v3 arrays (bytes + zstd/gzip/blosc codecs, regular grid; what bioimage writes unsharded) by numpy and
numcodecs here. Chunk files present on one side only are notes when the decoded arrays agree (an all-fill chunk may be
absent), and so are stray *.bioimage-tmp files (a killed writer's leftovers, which readers skip).
"""
import json
import os
import sys

import numpy as np

TMP_SUFFIX = ".bioimage-tmp"
METADATA = (".zarray", ".zattrs", ".zgroup", "zarr.json", "attributes.json")
V3_DTYPES = {
    "bool": "?", "int8": "i1", "int16": "i2", "int32": "i4", "int64": "i8",
    "uint8": "u1", "uint16": "u2", "uint32": "u4", "uint64": "u8", "float32": "f4", "float64": "f8",
}


def files(root):
    found = set()
    for folder, _, names in os.walk(root):
        for name in names:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


def load_json(path):
    with open(path, "rb") as f:
        return json.load(f)


def fill(value, dtype):
    if isinstance(value, str):
        return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}.get(value, value)
    return value


def v3_codec(spec):
    import numcodecs

    name, config = spec["name"], spec.get("configuration", {})
    if name == "zstd":
        return numcodecs.Zstd(level=config.get("level", 0))
    if name == "gzip":
        return numcodecs.GZip(level=config.get("level", 1))
    if name == "blosc":
        return numcodecs.Blosc()
    if name == "crc32c":
        return None  # checksum trailer: cut off below
    raise ValueError(f"codec {name} is not supported by the drill comparer")


def read_v3(path, meta):
    endian = "<"
    codecs = []
    crc = False
    for spec in meta["codecs"]:
        if spec["name"] == "bytes":
            endian = "<" if spec.get("configuration", {}).get("endian", "little") == "little" else ">"
        elif spec["name"] == "crc32c":
            crc = True
        else:
            codecs.append(v3_codec(spec))
    dtype = np.dtype(endian + V3_DTYPES[meta["data_type"]]) if meta["data_type"] != "bool" else np.dtype("?")
    shape = tuple(meta["shape"])
    chunks = tuple(meta["chunk_grid"]["configuration"]["chunk_shape"])
    encoding = meta.get("chunk_key_encoding", {"name": "default"})
    separator = encoding.get("configuration", {}).get("separator", "/" if encoding["name"] == "default" else ".")
    result = np.full(shape, fill(meta.get("fill_value", 0), dtype), dtype=dtype)
    grid = [(-(-s // c)) for s, c in zip(shape, chunks)]
    for index in np.ndindex(*grid):
        parts = [str(i) for i in index]
        key = ("c" + separator + separator.join(parts)) if encoding["name"] == "default" else separator.join(parts or ["0"])
        chunk_path = os.path.join(path, *key.split("/"))
        if not os.path.isfile(chunk_path):
            continue
        with open(chunk_path, "rb") as f:
            data = f.read()
        if crc:
            data = data[:-4]
        for codec in reversed(codecs):
            data = codec.decode(data)
        block = np.frombuffer(bytes(data), dtype=dtype).reshape(chunks)
        region = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(index, chunks, shape))
        result[region] = block[tuple(slice(0, r.stop - r.start) for r in region)]
    return result


def read_array(path):
    """The decoded array at path (a Zarr v2/v3 array folder or a .npy file), or None when it is not an array."""
    if os.path.isfile(path) and path.endswith(".npy"):
        return np.load(path, allow_pickle=False)
    if os.path.isfile(os.path.join(path, ".zarray")):
        import zarr

        return zarr.open_array(path, mode="r")[...]
    meta_path = os.path.join(path, "zarr.json")
    if os.path.isfile(meta_path):
        meta = load_json(meta_path)
        if meta.get("node_type") == "array":
            return read_v3(path, meta)
    return None


def arrays(root):
    """Relative paths of the arrays under root ('.' for root itself)."""
    if os.path.isfile(root):
        return ["."]
    found = []
    for folder, _, names in os.walk(root):
        if ".zarray" in names or ("zarr.json" in names and load_json(os.path.join(folder, "zarr.json")).get("node_type") == "array"):
            found.append(os.path.relpath(folder, root))
    return sorted(found)


def describe(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return f"dtype/shape {a.dtype}{a.shape} in the clean run, {b.dtype}{b.shape} here"
    if a.tobytes() == b.tobytes():
        return None
    width = a.dtype.itemsize
    differ = (np.frombuffer(a.tobytes(), np.uint8).reshape(-1, width) != np.frombuffer(b.tobytes(), np.uint8).reshape(-1, width)).any(axis=1)
    count = int(differ.sum())
    first = np.unravel_index(int(np.argmax(differ)), a.shape) if a.shape else ()
    zero_here = int((differ & (b.reshape(-1) == 0)).sum()) if a.size else 0
    return (f"{count} of {a.size} elements differ (first at {tuple(int(i) for i in first)}: clean {a[first]!r}, here {b[first]!r}); "
            f"{zero_here} of them are 0 here (lost or never written)")


def first_difference(a, b, path="$"):
    """Where two parsed JSON documents first differ, as 'path: clean X, here Y'."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in b:
                return f"{path}.{key}: only in the clean run ({json.dumps(a[key])[:120]})"
            if key not in a:
                return f"{path}.{key}: only here ({json.dumps(b[key])[:120]})"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{path}: {len(a)} items in the clean run, {len(b)} here"
    return None if a == b and type(a) is type(b) else f"{path}: clean {json.dumps(a)[:120]}, here {json.dumps(b)[:120]}"


def compare(clean, other):
    differences, notes = [], []
    if not os.path.exists(other):
        return {"differences": [f"{other} does not exist"], "notes": notes}
    if os.path.isfile(clean):
        message = describe(np.load(clean), np.load(other))
        return {"differences": [message] if message else [], "notes": notes}
    clean_files, other_files = files(clean), files(other)
    stray = sorted(f for f in other_files if f.endswith(TMP_SUFFIX))
    if stray:
        notes.append(f"{len(stray)} stray {TMP_SUFFIX} file(s), e.g. {stray[0]}")
    clean_files = {f for f in clean_files if not f.endswith(TMP_SUFFIX)}
    other_files = {f for f in other_files if not f.endswith(TMP_SUFFIX)}
    for name in sorted(f for f in clean_files | other_files if os.path.basename(f) in METADATA):
        if name not in other_files:
            differences.append(f"metadata {name} is missing")
        elif name not in clean_files:
            differences.append(f"metadata {name} exists only here")
        else:
            found = first_difference(load_json(os.path.join(clean, name)), load_json(os.path.join(other, name)))
            if found:
                differences.append(f"metadata {name} differs at {found}")
    clean_arrays, other_arrays = arrays(clean), arrays(other)
    for name in sorted(set(clean_arrays) | set(other_arrays)):
        if name not in other_arrays:
            differences.append(f"array {name} is missing")
            continue
        if name not in clean_arrays:
            differences.append(f"array {name} exists only here")
            continue
        try:
            message = describe(read_array(os.path.join(clean, name)), read_array(os.path.join(other, name)))
        except Exception as error:  # a chunk that does not decode is a difference, not a crash of the comparer
            message = f"cannot be read: {type(error).__name__}: {error}"
        if message:
            differences.append(f"array {name}: {message}")
    missing = sorted(clean_files - other_files)
    extra = sorted(other_files - clean_files)
    if missing:
        notes.append(f"{len(missing)} file(s) of the clean run are absent here, e.g. {missing[:3]}")
    if extra:
        notes.append(f"{len(extra)} file(s) exist only here, e.g. {extra[:3]}")
    return {"differences": differences, "notes": notes}


def main():
    clean, others = sys.argv[1], sys.argv[2:]
    print(json.dumps({other: compare(clean, other) for other in others}))


if __name__ == "__main__":
    main()
