#!/usr/bin/python3
"""Times `bioimage label` against scipy.ndimage.label of the whole volume in the same run (not a test).

Volumes: thresholded smoothed noise with many small components ("noise") and ~30 % foreground blobs ("blobs"), as
uint8 0/1, stored as .npy and as Zarr v3 (zstd:3, 64³ chunks). Each configuration (input format, block shape,
workers) runs `bioimage label --json` (output Zarr, uint32, chunks = 64³) REPEAT times; the median in-process seconds
(the verb's own clock, no process start-up) and wall seconds are printed beside scipy's median (threshold + label on
the array in memory, one thread), and the ratio scipy / ours (> 1 means we are faster).

    bench/label-timing.py [--sizes 256,512] [--blocks 64,128] [--workers 1,2] [--formats npy,zarr] [--repeat 3]
                          [--bioimage PATH,PATH]   (several builds, e.g. before/after a change, interleaved in one run)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import ndimage as ndi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIOIMAGE = os.path.join(ROOT, "src/BioImage.Cli/bin/Release/net10.0/bioimage")


def volumes(size, rng):
    noise = ndi.gaussian_filter(rng.random((size,) * 3, dtype=np.float32), 1.0)
    yield "noise", (noise > np.quantile(noise, 0.8)).astype(np.uint8)
    blobs = ndi.gaussian_filter(rng.random((size,) * 3, dtype=np.float32), 2.0)
    yield "blobs", (blobs > np.quantile(blobs, 0.7)).astype(np.uint8)


def median_seconds(run, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="256,512")
    parser.add_argument("--blocks", default="64,128")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--formats", default="npy,zarr")
    parser.add_argument("--connectivity", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bioimage", default=BIOIMAGE)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    binaries = args.bioimage.split(",")
    print(f"{'bin':<4}{'volume':<12}{'input':<6}{'block':>6}{'wrk':>4}{'comps':>10}{'ours s':>9}{'wall s':>9}{'scipy s':>9}{'ratio':>7}  passes")
    with tempfile.TemporaryDirectory() as work:
        for size in map(int, args.sizes.split(",")):
            for name, volume in volumes(size, rng):
                npy = os.path.join(work, f"{name}{size}.npy")
                np.save(npy, volume)
                inputs = {"npy": npy}
                if "zarr" in args.formats:
                    inputs["zarr"] = os.path.join(work, f"{name}{size}.zarr")
                    subprocess.run([binaries[0], "copy", npy, inputs["zarr"], "--chunks", "64,64,64", "--codec", "zstd:3", "--json"], check=True, capture_output=True)
                structure = ndi.generate_binary_structure(3, args.connectivity)
                expected = []
                scipy_s = median_seconds(lambda: expected.append(ndi.label(volume > 0, structure)[1]), args.repeat)
                for form in args.formats.split(","):
                    for block in map(int, args.blocks.split(",")):
                        for workers, (b, binary) in ((w, b) for w in map(int, args.workers.split(",")) for b in enumerate(binaries)):
                            ours, wall, passes = [], [], []
                            for _ in range(args.repeat):
                                out = os.path.join(work, "out.zarr")
                                start = time.perf_counter()
                                done = subprocess.run([binary, "label", inputs[form], out, "--dtype", "uint32", "--chunks", "64,64,64", "--block-shape", f"{block},{block},{block}",
                                                       "--connectivity", str(args.connectivity), "--workers", str(workers), "--json"], check=True, capture_output=True, text=True)
                                wall.append(time.perf_counter() - start)
                                summary = json.loads(done.stdout)
                                assert summary["components"] == expected[0], (summary["components"], expected[0])
                                ours.append(summary["seconds"])
                                passes.append(" ".join(line for line in done.stderr.splitlines() if "blocks (" not in line))
                            median = statistics.median(ours)
                            print(f"{b:<4}{name + str(size):<12}{form:<6}{block:>6}{workers:>4}{expected[0]:>10}{median:>9.3f}{statistics.median(wall):>9.3f}{scipy_s:>9.3f}{scipy_s / median:>7.2f}  {passes[ours.index(median)]}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
