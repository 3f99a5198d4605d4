#!/usr/bin/python3
"""Writes the committed chunked-storage fixtures and what each must read as.

Run with Debian's python3 (python3-zarr 2.13, python3-numcodecs, python3-lz4, python3-xxhash):
    /usr/bin/python3 tests/data/zarr/make_fixtures.py
The files are committed; re-run only to add fixtures, never to make a test pass.

valid/  arrays written by zarr-python, plus hand-built ones that follow the specs byte by byte where zarr-python
        cannot write them (N5 as Java writes it: truncated edge blocks, varlength mode 1, LZ4Block lz4; a Zarr v3
        shard with its index at the start). <name>.npy next to each is the expected content (little-endian, C order).
bad/    broken containers; expected.json maps each to a phrase its error message must contain.
"""
import gzip
import json
import os
import pathlib
import shutil
import struct
import warnings

import lz4.block
import numcodecs
import numpy as np
import xxhash
import zarr

warnings.simplefilter("ignore")
HERE = pathlib.Path(__file__).resolve().parent
VALID = HERE / "valid"
BAD = HERE / "bad"
rng = np.random.default_rng(20261124)


def fresh(path):
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def expect(name, array):
    np.save(VALID / f"{name}.npy", np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")))


def write_json(path, document):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=4))


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def lz4_block_stream(payload, block_size=65536):
    """lz4-java's LZ4BlockOutputStream format, as N5's lz4 compression writes it."""
    level = max(0, (block_size - 1).bit_length() - 10)
    out = bytearray()
    for start in range(0, len(payload), block_size):
        block = payload[start:start + block_size]
        compressed = lz4.block.compress(block, store_size=False)
        method = 0x20
        if len(compressed) >= len(block):
            compressed, method = block, 0x10
        checksum = xxhash.xxh32(block, seed=0x9747B28C).intdigest() & 0x0FFFFFFF
        out += b"LZ4Block" + bytes([method | level]) + struct.pack("<iii", len(compressed), len(block), checksum) + compressed
    out += b"LZ4Block" + bytes([0x10 | level]) + struct.pack("<iii", 0, 0, 0)
    return bytes(out)


def zarr_python_fixtures():
    # zarr-python's default compressor (blosc lz4, byte shuffle), missing chunks, partial edge chunks.
    z = zarr.open(str(VALID / "v2_blosc_default.zarr"), mode="w", shape=(20, 30, 17), chunks=(8, 16, 8), dtype="<u2")
    z[3:20, 0:14, :] = rng.integers(0, 4000, size=(17, 14, 17), dtype="<u2")
    expect("v2_blosc_default", z[...])
    # Big-endian float64 in Fortran order, gzip, '/' separator, NaN fill, missing chunks.
    store = zarr.DirectoryStore(str(VALID / "v2_fortran_be.zarr"), dimension_separator="/")
    z = zarr.open(store, mode="w", shape=(9, 11, 7), chunks=(4, 5, 3), dtype=">f8", order="F", fill_value=np.nan, compressor=numcodecs.GZip(1))
    z[0:5, 2:11, 1:7] = rng.standard_normal(size=(5, 9, 6))
    expect("v2_fortran_be", z[...])
    # N5 through zarr-python (padded edge blocks), gzip, int16.
    z = zarr.open(zarr.N5FSStore(str(VALID / "n5_zarr_python.n5")), mode="w", shape=(10, 13, 6), chunks=(4, 5, 4), dtype="i2", compressor=numcodecs.GZip(5))
    z[...] = rng.integers(-3000, 3000, size=(10, 13, 6), dtype="i2")
    expect("n5_zarr_python", z[...])


def n5_java_style():
    """uint16 (z, y, x) = (5, 7, 9) in blocks of (3, 4, 4) as Java N5 writes them: truncated edge blocks, lz4."""
    root = fresh(VALID / "n5_java_style.n5")
    write_json(root / "attributes.json", {"n5": "4.0.0"})
    data = rng.integers(0, 60000, size=(5, 7, 9), dtype="<u2")
    block = (3, 4, 4)
    write_json(root / "volume" / "attributes.json", {
        "dimensions": [9, 7, 5], "blockSize": [4, 4, 3], "dataType": "uint16",
        "compression": {"type": "lz4", "blockSize": 65536}, "resolution": [4.0, 4.0, 40.0]})
    for bz in range(2):
        for by in range(2):
            for bx in range(3):
                if (bz, by, bx) == (1, 1, 0):
                    continue  # a missing block reads as 0
                part = data[bz * 3:(bz + 1) * 3, by * 4:(by + 1) * 4, bx * 4:(bx + 1) * 4]
                mode = 1 if (bz, by, bx) == (0, 1, 2) else 0
                header = struct.pack(">HH", mode, 3) + b"".join(struct.pack(">I", d) for d in part.shape[::-1])
                if mode == 1:
                    header += struct.pack(">I", part.size)
                payload = lz4_block_stream(part.astype(">u2").tobytes())
                path = root / "volume" / str(bx) / str(by) / str(bz)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(header + payload)
    expected = data.copy()
    expected[3:5, 4:7, 0:4] = 0
    expect("n5_java_style", expected)


def v3_shard_index_at_start():
    """uint8 (8, 12) in one shard of inner chunks (4, 4), index first (bytes only), one inner chunk missing, fill 5."""
    root = fresh(VALID / "v3_shard_start.zarr")
    data = rng.integers(0, 250, size=(8, 12), dtype="u1")
    inner_count = (2, 3)
    chunks, index = [], []
    offset = 16 * 6
    for i in range(2):
        for j in range(3):
            if (i, j) == (1, 1):
                index.append((2 ** 64 - 1, 2 ** 64 - 1))
                continue
            raw = data[i * 4:(i + 1) * 4, j * 4:(j + 1) * 4].tobytes()
            index.append((offset, len(raw)))
            chunks.append(raw)
            offset += len(raw)
    shard = b"".join(struct.pack("<QQ", o, n) for o, n in index) + b"".join(chunks)
    (root / "c" / "0").mkdir(parents=True)
    (root / "c" / "0" / "0").write_bytes(shard)
    write_json(root / "zarr.json", {
        "zarr_format": 3, "node_type": "array", "shape": [8, 12], "data_type": "uint8",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [8, 12]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 5,
        "codecs": [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [4, 4], "codecs": [{"name": "bytes"}],
            "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}], "index_location": "start"}}],
        "attributes": {"description": "hand-built shard"}, "dimension_names": ["y", "x"]})
    expected = data.copy()
    expected[4:8, 4:8] = 5
    expect("v3_shard_start", expected)
    assert len(inner_count) == 2


def v2_array(name, dtype="<u2", compressor=None, shape=(4, 4), chunks=(4, 4), extra=None):
    root = fresh(BAD / name)
    meta = {"zarr_format": 2, "shape": list(shape), "chunks": list(chunks), "dtype": dtype, "compressor": compressor,
            "fill_value": 0, "order": "C", "filters": None}
    meta.update(extra or {})
    write_json(root / ".zarray", meta)
    return root


def v3_array(name, codecs, shape=(4, 4), chunks=(4, 4), data_type="uint16"):
    root = fresh(BAD / name)
    write_json(root / "zarr.json", {
        "zarr_format": 3, "node_type": "array", "shape": list(shape), "data_type": data_type,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0, "codecs": codecs})
    return root


def bad_fixtures():
    BAD.mkdir(exist_ok=True)
    expected = {}
    chunk = np.arange(16, dtype="<u2").reshape(4, 4)

    root = v2_array("truncated_chunk.zarr", compressor={"id": "zstd", "level": 1})
    (root / "0.0").write_bytes(numcodecs.Zstd(1).encode(chunk)[:-5])
    expected["truncated_chunk.zarr"] = "0.0"

    root = v2_array("wrong_blosc_header.zarr", compressor={"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
    frame = bytearray(numcodecs.Blosc("lz4", 5, 1).encode(chunk))
    frame[0] = 9
    (root / "0.0").write_bytes(bytes(frame))
    expected["wrong_blosc_header.zarr"] = "wrong blosc header"

    root = v3_array("crc_mismatch.zarr", [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}])
    body = bytearray(chunk.tobytes())
    stored = body + struct.pack("<I", crc32c(bytes(body)))
    stored[3] ^= 0xFF
    (root / "c" / "0").mkdir(parents=True)
    (root / "c" / "0" / "0").write_bytes(bytes(stored))
    expected["crc_mismatch.zarr"] = "checksum mismatch"

    root = v2_array("zstd_bomb.zarr", compressor={"id": "zstd", "level": 1})
    (root / "0.0").write_bytes(numcodecs.Zstd(1).encode(np.zeros(1 << 20, dtype="u1")))
    expected["zstd_bomb.zarr"] = "more than the expected 32 bytes"

    root = v2_array("gzip_bomb.zarr", compressor={"id": "gzip", "level": 1})
    (root / "0.0").write_bytes(gzip.compress(bytes(1 << 20), 1))
    expected["gzip_bomb.zarr"] = "more than the expected 32 bytes"

    root = v2_array("lz4_bomb.zarr", compressor={"id": "lz4", "acceleration": 1})
    (root / "0.0").write_bytes(struct.pack("<I", 1 << 30) + lz4.block.compress(bytes(64), store_size=False))
    expected["lz4_bomb.zarr"] = "more than the expected 32 bytes"

    root = v2_array("blosc_bomb.zarr", compressor={"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
    (root / "0.0").write_bytes(numcodecs.Blosc("lz4", 5, 1).encode(np.zeros(4096, dtype="<u2")))
    expected["blosc_bomb.zarr"] = "more than the expected 32 bytes"

    v3_array("unknown_codec.zarr", [{"name": "bytes"}, {"name": "frobnicate", "configuration": {}}])
    expected["unknown_codec.zarr"] = "unknown codec 'frobnicate'"

    v2_array("unknown_dtype.zarr", dtype="<c8")
    expected["unknown_dtype.zarr"] = "dtype '<c8' is not supported"

    v2_array("shape_chunks_disagree.zarr", shape=(4, 4, 4), chunks=(4, 4))
    expected["shape_chunks_disagree.zarr"] = "has 3 axes but the chunk shape [4, 4] has 2"

    v2_array("negative_dimension.zarr", shape=(-5, 4))
    expected["negative_dimension.zarr"] = "negative extent"

    v2_array("absurd_chunks.zarr", shape=(10 ** 6, 10 ** 6, 10 ** 6), chunks=(10 ** 5, 10 ** 5, 10 ** 5))
    expected["absurd_chunks.zarr"] = "chunks must stay below 2 GiB"

    v3_array("absurd_shape.zarr", [{"name": "bytes"}], shape=(2 ** 62, 2 ** 62, 2 ** 62), chunks=(1, 1, 1))
    expected["absurd_shape.zarr"] = "more chunks than can be counted"

    v3_array("unknown_data_type.zarr", [{"name": "bytes"}], data_type="complex64")
    expected["unknown_data_type.zarr"] = "data type 'complex64' is not supported"

    root = fresh(BAD / "n5_bad_header.n5")
    write_json(root / "attributes.json", {"dimensions": [4, 4], "blockSize": [4, 4], "dataType": "uint16", "compression": {"type": "raw"}})
    (root / "0").mkdir()
    (root / "0" / "0").write_bytes(struct.pack(">HHII", 0, 2, 8, 4) + bytes(64))
    expected["n5_bad_header.n5"] = "exceeds the blockSize"

    write_json(BAD / "expected.json", expected)


if __name__ == "__main__":
    fresh(VALID)
    zarr_python_fixtures()
    n5_java_style()
    v3_shard_index_at_start()
    if BAD.exists():
        shutil.rmtree(BAD)
    bad_fixtures()
    print("ok")
