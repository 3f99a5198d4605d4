#!/usr/bin/python3
"""Writes the source-format fixtures with the reference Python packages (Debian python3-mrcfile, python3-nibabel,
python3-tifffile, python3-h5py; libtiff-tools' tiffcp for LZW, predictor and byte-order variants) and, next to each,
`<name>.expected.npy`: what bioimage-py's open_source presents for it, i.e. what the package reads, with
bioimage-py's axis conventions applied (MRC: axis 1 of 3D data / axis 0 of 2D data flipped; NIfTI: axes reversed;
MRC float16 (mode 12) as float32, exact, because our dtypes have no float16).
Also writes the broken inputs the error tests use. Run: /usr/bin/python3 tests/data/sources/make_fixtures.py
"""
import os
import subprocess

import h5py
import mrcfile
import nibabel as nib
import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261124)


def path(*parts):
    full = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def values(shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return (rng.standard_normal(shape) * 100).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -30000), min(info.max, 60000), size=shape, endpoint=True).astype(dtype)


def expect(name, array):
    np.save(path(name + ".expected.npy"), np.ascontiguousarray(array).astype(array.dtype.newbyteorder("=")))


# ---- MRC (mrcfile): modes 0, 1, 2, 6, 12; big-endian; a 2D image; an extended header; truncated ----
def mrc(name, data, extended=None):
    file = path("mrc", name)
    with mrcfile.new(file, overwrite=True) as m:
        m.set_data(data)
        if extended is not None:
            m.set_extended_header(extended)
    with mrcfile.open(file) as m:
        read = np.asarray(m.data)
    read = read.astype(np.float32) if read.dtype == np.float16 else read
    expect(os.path.join("mrc", name), np.flip(read, axis=1 if read.ndim == 3 else 0))


mrc("int8_mode0.mrc", values((5, 6, 7), np.int8))
mrc("int16_mode1.mrc", values((4, 9, 3), np.int16))
mrc("float32_mode2.mrc", values((3, 5, 11), np.float32), extended=np.arange(40, dtype=np.uint8).view("V1"))
mrc("uint16_mode6_image.mrc", values((7, 13), np.uint16))
mrc("float16_mode12.mrc", values((2, 6, 5), np.float16))
mrc("float32_big_endian.mrc", values((4, 3, 6), np.float32).astype(">f4"))
mrc("int16_big_endian.mrc", values((3, 7, 5), np.int16).astype(">i2"))
with open(path("mrc", "int16_mode1.mrc"), "rb") as source, open(path("broken", "truncated_header.mrc"), "wb") as target:
    target.write(source.read(600))
with open(path("mrc", "int16_mode1.mrc"), "rb") as source, open(path("broken", "truncated_data.mrc"), "wb") as target:
    target.write(source.read(1024 + 100))


# ---- NIfTI (nibabel): NIfTI-1 and -2, gzipped, big-endian, scaled, 2D ----
def nifti(name, data, image_class=nib.Nifti1Image, slope=None, endianness=None):
    header = image_class.header_class(endianness=endianness) if endianness else None
    image = image_class(data, np.eye(4), header=header)
    if slope is not None:
        image.header.set_slope_inter(*slope)
    file = path("nifti", name)
    nib.save(image, file)
    read = np.asanyarray(nib.load(file).dataobj)
    expect(os.path.join("nifti", name), read.transpose())


nifti("int16.nii", values((6, 5, 4), np.int16))
nifti("float32.nii.gz", values((7, 3, 5), np.float32))
nifti("uint8_nifti2.nii", values((5, 4, 3), np.uint8), image_class=nib.Nifti2Image)
nifti("float64_nifti2.nii.gz", values((3, 4, 2), np.float64), image_class=nib.Nifti2Image)
nifti("int32_big_endian.nii", values((4, 3, 5), np.int32), endianness=">")
nifti("int16_scaled.nii", values((5, 3, 4), np.int16), slope=(0.3, 1.7))
nifti("uint16_2d.nii", values((9, 7), np.uint16))
with open(path("nifti", "int16.nii"), "rb") as source, open(path("broken", "truncated_header.nii"), "wb") as target:
    target.write(source.read(200))


# ---- TIFF (tifffile; tiffcp for LZW / predictors / byte order) ----
def tiff(name, data, **kw):
    file = path("tiff", name)
    tifffile.imwrite(file, data, photometric="minisblack", **kw)
    return file


def tiffcp(source, name, *options):
    file = path("tiff", name)
    subprocess.run(["tiffcp", *options, source, file], check=True)
    return file


def expect_tiff(file):
    """tifffile's read; LZW, which tifffile cannot decode without imagecodecs, is decoded by C libtiff (tiffcp -c none)."""
    try:
        read = tifffile.imread(file)
    except ValueError:
        decoded = file + ".decoded.tif"
        subprocess.run(["tiffcp", "-c", "none", file, decoded], check=True)
        read = tifffile.imread(decoded)
        os.remove(decoded)
    expect(os.path.relpath(file, HERE), read)


stack = values((5, 33, 47), np.uint16)
plain = tiff("uint16_stack.tif", stack)
expect_tiff(plain)
expect_tiff(tiff("uint8_tiled.tif", values((3, 37, 41), np.uint8), tile=(16, 16)))
expect_tiff(tiff("float32_deflate.tif", values((4, 19, 23), np.float32), compression="zlib", rowsperstrip=5))
expect_tiff(tiff("int16_big_endian.tif", values((3, 21, 17), np.int16), byteorder=">"))
expect_tiff(tiff("float64_page.tif", values((13, 11), np.float64)))
expect_tiff(tiff("int32_bigtiff.tif", values((3, 10, 12), np.int32), bigtiff=True))
expect_tiff(tiff("int8_tiled_deflate.tif", values((2, 40, 35), np.int8), tile=(16, 32), compression="zlib"))
expect_tiff(tiffcp(plain, "uint16_lzw.tif", "-c", "lzw"))
expect_tiff(tiffcp(plain, "uint16_lzw_predictor.tif", "-c", "lzw:2", "-r", "7"))
expect_tiff(tiffcp(plain, "uint16_deflate_predictor_big_endian.tif", "-c", "zip:2", "-B"))
expect_tiff(tiffcp(plain, "uint16_lzw_tiled_big_endian.tif", "-c", "lzw:2", "-t", "-w", "16", "-l", "16", "-B"))
# big-endian BigTIFF: LibTiff.NET cannot open it, our own segment decoder reads it
expect_tiff(tiffcp(plain, "uint16_big_endian_bigtiff.tif", "-8", "-B"))
expect_tiff(tiffcp(plain, "uint16_big_endian_bigtiff_lzw_predictor.tif", "-8", "-B", "-c", "lzw:2", "-r", "6"))
expect_tiff(tiffcp(path("tiff", "float32_deflate.tif"), "float32_big_endian_bigtiff_tiled_deflate.tif", "-8", "-B", "-c", "zip", "-t", "-w", "16", "-l", "16"))
tiffcp(plain, os.path.join("..", "broken", "big_endian_bigtiff_packbits.tif"), "-8", "-B", "-c", "packbits")
tifffile.imwrite(path("broken", "rgb.tif"), values((9, 8, 3), np.uint8), photometric="rgb")
with tifffile.TiffWriter(path("broken", "mixed_pages.tif")) as writer:
    writer.write(values((10, 12), np.uint8), photometric="minisblack")
    writer.write(values((11, 12), np.uint8), photometric="minisblack")

# ---- A folder of 2D slices (natural order: z2 before z10) and a folder whose slices differ ----
slices = values((3, 14, 9), np.float32)
for index, number in enumerate([1, 2, 10]):
    tifffile.imwrite(path("slices", f"z{number}.tif"), slices[index])
with open(path("slices", "notes.txt"), "w") as notes:
    notes.write("not a slice; the pattern *.tif skips it\n")
np.save(path("slices.expected.npy"), np.stack([tifffile.imread(path("slices", f"z{n}.tif")) for n in [1, 2, 10]]))
tifffile.imwrite(path("mixed_slices", "a1.tif"), values((6, 5), np.uint8))
tifffile.imwrite(path("mixed_slices", "a2.tif"), values((6, 4), np.uint8))

# ---- HDF5 (h5py): chunked gzip, shuffle, contiguous, nested groups, odd edge chunks, big-endian ----
with h5py.File(path("hdf5", "volumes.h5"), "w") as f:
    f.create_dataset("raw", data=values((5, 17, 23), np.uint16), chunks=(2, 8, 8), compression="gzip")
    f.create_dataset("group/labels", data=values((4, 6, 9), np.int64))
    f.create_dataset("group/inner/float", data=values((3, 10, 7), np.float32), chunks=(3, 4, 4), shuffle=True, compression="gzip")
    f.create_dataset("image", data=values((19, 13), np.float64), chunks=(8, 8))
    f.create_dataset("int8", data=values((31,), np.int8))
    f.create_dataset("big_endian", data=values((2, 3, 4), np.float32).astype(">f4"))
with h5py.File(path("hdf5", "volumes.h5"), "r") as f:
    for key in ["raw", "group/labels", "group/inner/float", "image", "int8"]:
        np.save(path("hdf5", key.replace("/", "_") + ".expected.npy"), f[key][...])
