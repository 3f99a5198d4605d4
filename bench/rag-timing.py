#!/usr/bin/python3
"""Times `bioimage rag` against the numpy oracle and vigra's region adjacency graph in the same run (not a test).

Volume: 256³ uint32 supervoxel-like labels (cells of a 12-voxel grid with wavy boundaries, ~10⁴ labels, ~8·10⁴
edges, ~7·10⁶ face pairs) and a float32 boundary map. Each side computes the edges, their sizes and the mean
boundary value per edge, on one thread:
- ours: `bioimage rag L --boundaries B --block-shape 256,256,256 --workers 1 --json` (one block, one thread); the
  verb's own seconds and the child's CPU seconds (process start, JIT and .npy reads included);
- numpy: face pairs per axis (`a[:-1] != a[1:]`), `np.unique(pairs, axis=0, return_inverse=True)`, np.bincount means;
- vigra: `vigra.graphs.regionAdjacencyGraph(gridGraph(shape), labels)` (6-neighbourhood) +
  `rag.accumulateEdgeFeatures(implicitMeanEdgeMap(gridGraph, boundaries))` (vigra's edge means).
Peers run on the process CPU clock (`time.process_time`), medians of --repeat runs; the graphs are checked equal.

    bench/rag-timing.py [--size 256] [--repeat 3]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIOIMAGE = os.path.join(ROOT, "src/BioImage.Cli/bin/Release/net10.0/bioimage")


def volume(n, cell=12):
    """The labelling of RegionAdjacencyBenchmarks: grid cells displaced by 2.5·sin waves, and a random map."""
    z, y, x = np.indices((n, n, n), dtype=np.float64)
    cells = n // cell + 2
    cz = ((z + 2 + 2.5 * np.sin(0.31 * y + 0.17 * x)) / cell).astype(np.int64)  # truncated toward 0, as C#'s (int)
    cy = ((y + 2 + 2.5 * np.sin(0.23 * z + 0.29 * x)) / cell).astype(np.int64)
    cx = ((x + 2 + 2.5 * np.sin(0.19 * z + 0.37 * y)) / cell).astype(np.int64)
    labels = ((cz * cells + cy) * cells + cx).astype(np.uint32)
    return labels, np.random.default_rng(42).random((n, n, n), dtype=np.float32)


def numpy_rag(labels, bmap):
    pairs, values = [], []
    for axis in range(3):
        first = [slice(None)] * 3
        second = [slice(None)] * 3
        first[axis], second[axis] = slice(0, -1), slice(1, None)
        p, q = labels[tuple(first)], labels[tuple(second)]
        differ = p != q
        p, q = p[differ], q[differ]
        pairs.append(np.stack([np.minimum(p, q), np.maximum(p, q)], axis=1))
        values.append(0.5 * (bmap[tuple(first)][differ] + bmap[tuple(second)][differ]).astype(np.float64))
    edges, inverse, sizes = np.unique(np.concatenate(pairs), axis=0, return_inverse=True, return_counts=True)
    means = np.bincount(inverse.ravel(), weights=np.concatenate(values)) / sizes
    return edges, sizes, means


def vigra_rag(labels, bmap):
    import vigra
    graph = vigra.graphs.gridGraph(labels.shape)
    rag = vigra.graphs.regionAdjacencyGraph(graph, labels)
    means = rag.accumulateEdgeFeatures(vigra.graphs.implicitMeanEdgeMap(graph, bmap))
    return rag.uvIds(), means


def cpu_median(run, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labels, bmap = volume(args.size)
    voxels = labels.size
    with tempfile.TemporaryDirectory() as folder:
        np.save(f"{folder}/labels.npy", labels)
        np.save(f"{folder}/boundaries.npy", bmap)
        ours, cpu = [], []
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run([BIOIMAGE, "rag", f"{folder}/labels.npy", "--boundaries", f"{folder}/boundaries.npy", "--block-shape",
                                  ",".join([str(args.size)] * 3), "--workers", "1", "--json", "--quiet"], check=True, capture_output=True, text=True).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            report = json.loads(out)
            ours.append(report["seconds"])
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        numpy_seconds, (edges, sizes, means) = cpu_median(lambda: numpy_rag(labels, bmap), args.repeat)
        assert (np.stack([report["u"], report["v"]], axis=1) == edges).all() and (np.array(report["sizes"]) == sizes).all()
        assert np.allclose(report["features"]["mean"], means, rtol=1e-12)
        rows = [("bioimage rag (verb seconds, wall)", statistics.median(ours)), ("bioimage rag (child CPU, with start-up)", statistics.median(cpu)),
                ("numpy oracle (CPU)", numpy_seconds)]
        try:
            vigra_seconds, (uv, vigra_means) = cpu_median(lambda: vigra_rag(labels, bmap), args.repeat)
            rows.append(("vigra regionAdjacencyGraph + accumulateEdgeFeatures (CPU)", vigra_seconds))
            print(f"vigra: {len(uv)} edges (ours {len(edges)})")
        except ImportError:
            pass
    print(f"{args.size}³ uint32, {len(edges)} edges, {int(sizes.sum())} face pairs, one thread")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} s | {voxels / seconds / 1e6:.1f} Mvox/s |")


if __name__ == "__main__":
    main()
