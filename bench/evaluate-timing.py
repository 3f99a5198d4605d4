#!/usr/bin/python3
"""Times `bioimage evaluate` against skimage.metrics in the same run (not a test).

Volumes: 256³ uint32 labelings with ~10³ and ~10⁵ objects — a ground truth of box cells with shuffled ids and a
segmentation of the same cells shifted by a third of a cell on every axis and split in two along x (so each object
overlaps ~12 others) — stored as .npy. Ours: `bioimage evaluate SEG GT --workers W --json`
with the metrics of each row; the median in-process seconds (the verb's own clock: reading both .npy files, the
contingency table and the metrics; no process start-up) of REPEAT runs. Peer: skimage.metrics.contingency_table,
variation_of_information and adapted_rand_error on the arrays in memory (one thread; numpy/scipy do not thread them),
median of REPEAT runs. Also the CPU seconds of each (the peer's process time; ours: user + system time of the whole
`bioimage` process, start-up and JIT included), which a loaded machine distorts less than the wall clock. Prints a
markdown table with the ratios peer / ours (> 1 means we are faster) and checks that VI agrees to 1e-9 relative.

    bench/evaluate-timing.py [--size 256] [--objects 1000,100000] [--workers 2] [--repeat 3] [--bioimage PATH]
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
from skimage.metrics import adapted_rand_error, contingency_table, variation_of_information

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIOIMAGE = os.path.join(ROOT, "src/BioImage.Cli/bin/Release/net10.0/bioimage")


def labelings(size, objects, rng):
    cell = max(2, round(size / objects ** (1 / 3)))
    z, y, x = np.indices((size,) * 3, dtype=np.int32)
    per_axis = -(-size // cell) + 1
    ids = rng.permutation(per_axis ** 3).astype(np.uint32) + 1
    gt = ids[((z // cell) * per_axis + (y // cell)) * per_axis + x // cell]
    shift = cell // 3
    seg = ids[(((z + shift) // cell) * per_axis + ((y + shift) // cell)) * per_axis + (x + shift) // cell]
    seg = seg * np.uint32(2) + ((x + shift) % cell >= cell // 2).astype(np.uint32)
    return seg, gt


def median_seconds(run, repeat):
    """Median wall and CPU seconds of `run()` and its last result."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), result


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours(bioimage, seg_path, gt_path, metrics, workers, repeat):
    """Median in-process seconds (the verb's clock) and CPU seconds of the whole process, and the last report."""
    times, cpu, last = [], [], None
    for _ in range(repeat):
        before = children_cpu()
        out = subprocess.run([bioimage, "evaluate", seg_path, gt_path, "--metrics", metrics, "--workers", str(workers), "--json", "--quiet"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        cpu.append(children_cpu() - before)
        last = json.loads(out)
        times.append(last["seconds"])
    return statistics.median(times), statistics.median(cpu), last


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--objects", default="1000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bioimage", default=BIOIMAGE)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    folder = tempfile.mkdtemp(prefix="bioimage-evaluate-timing-")
    print(f"| volume | objects (gt) | pairs | what | skimage s | ours s ({args.workers} threads) | skimage / ours | skimage CPU s | ours CPU s | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for objects in (int(o) for o in args.objects.split(",")):
        seg, gt = labelings(args.size, objects, rng)
        seg_path, gt_path = os.path.join(folder, "seg.npy"), os.path.join(folder, "gt.npy")
        np.save(seg_path, seg)
        np.save(gt_path, gt)
        n_gt = len(np.unique(gt))
        rows = [
            ("contingency table", "dice", lambda: contingency_table(gt, seg)),
            ("VI", "vi", lambda: variation_of_information(gt, seg)),
            ("ARE", "rand", lambda: adapted_rand_error(gt, seg)),
        ]
        for what, metrics, peer in rows:
            peer_seconds, peer_cpu, peer_result = median_seconds(peer, args.repeat)
            our_seconds, our_cpu, report = ours(args.bioimage, seg_path, gt_path, metrics, args.workers, args.repeat)
            if what == "VI":
                split, merge = peer_result
                for a, b in ((report["viSplit"], split), (report["viMerge"], merge)):
                    assert abs(a - b) <= 1e-9 * abs(b), (a, b)
            print(f"| {args.size}³ uint32 | {n_gt} | {report['pairs']} | {what} | {peer_seconds:.3f} | {our_seconds:.3f} | {peer_seconds / our_seconds:.1f}× | {peer_cpu:.3f} | {our_cpu:.3f} | {peer_cpu / our_cpu:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
