#!/usr/bin/env python3
"""Driver of bench/compare.sh: our implementation and its peers on the same data, in the same run.

1. `BioImage.Throughput measure` (ours) writes the seeded sample volume as .npy files, measures the memory
   bandwidth (STREAM copy) and every op on 1 and on all threads, and reports each op's parameters and result.
   Single-threaded runs, ours and the peers', are timed on the thread's CPU clock (waiting for a core does not
   count), the all-thread runs on the wall clock.
2. bench/peers.py (numpy / scipy / scikit-image / vigra, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) runs the peer
   of every op on the same files with the same parameters.
3. Every pair of results must agree (exact digests and integers, floats to a relative 1e-5, output arrays saved as
   .npy to the peer's tolerance relative to the peer's largest magnitude, 1e-4 by default); a disagreement is printed
   and the exit code is 1. An op may have several peers (one row each); a peer marked unchecked (another sample
   grid) is timed only, and its row says so.
4. One markdown table: Mvox/s of the peer and of ours, their ratio, and the share of the copy bandwidth (the copy
   timed alternately with each of our ops, so that both see the same minutes of the machine) each
   reaches (bytes read + written per second ÷ STREAM-copy bytes per second on as many threads).
"""
import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OURS = f"dotnet {HERE}/BioImage.Throughput/bin/Release/net10.0/BioImage.Throughput.dll"
PEER_ENVIRONMENT_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
RELATIVE_TOLERANCE = 1e-5
ARRAY_TOLERANCE = 1e-4


def parse_arguments():
    parser = argparse.ArgumentParser(description="Compare our ops with their Python peers on the same data.")
    parser.add_argument("ops", nargs="*", help="ops to run (default: all)")
    parser.add_argument("--shape", default="256,256,256", help="volume Z,Y,X (default 256,256,256)")
    parser.add_argument("--dtypes", default="", help="element types, comma-separated (default: each op's own)")
    parser.add_argument("--samples", type=int, default=7, help="timed runs per measurement; the median counts")
    parser.add_argument("--warmup-ms", type=int, default=300, help="warm-up per measurement")
    parser.add_argument("--bandwidth-mib", type=int, default=256, help="size of each memory-copy array")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "bioimage-compare"))
    parser.add_argument("--ours", default=DEFAULT_OURS, help="command that runs BioImage.Throughput")
    return parser.parse_args()


def run_ours(args):
    command = shlex.split(args.ours) + [
        "measure", "--shape", args.shape, "--samples", str(args.samples), "--warmup-ms", str(args.warmup_ms),
        "--bandwidth-mib", str(args.bandwidth_mib), "--workdir", args.workdir]
    if args.ops:
        command += ["--ops", ",".join(args.ops)]
    if args.dtypes:
        command += ["--dtypes", args.dtypes]
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)


def run_peers(ours, args):
    plan = os.path.join(args.workdir, "plan.json")
    with open(plan, "w") as f:
        json.dump(ours, f)
    environment = {k: v for k, v in os.environ.items() if k not in PEER_ENVIRONMENT_UNSET}
    command = ["/usr/bin/python3", os.path.join(HERE, "peers.py"), plan, str(args.samples), str(args.warmup_ms / 1000)]
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=environment).stdout)


def array_disagreement(ours, peer, tolerance):
    """Why two saved output arrays differ (shape, or max |ours - peer| beyond tolerance * max |peer|), or None."""
    import numpy as np
    a, b = np.load(ours["npy"]).astype(np.float64), np.load(peer["npy"]).astype(np.float64)
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    scale = max(float(np.abs(b).max(initial=0)), 1e-30)
    error = float(np.abs(a - b).max(initial=0))
    return None if error <= tolerance * scale else f"max error {error:.3g} = {error / scale:.3g} × max |peer| {scale:.4g} > {tolerance:g}"


def disagreements(ours, peer, tolerance=None):
    """Where two results differ: missing keys, unequal digests or integers, floats beyond the tolerance, output
    arrays ({"npy": path}) beyond `tolerance` (ARRAY_TOLERANCE when None) relative to the peer's largest magnitude."""
    found = []
    for key in sorted(set(ours) | set(peer)):
        a, b = ours.get(key), peer.get(key)
        if isinstance(a, dict) and isinstance(b, dict) and "npy" in a and "npy" in b:
            why = array_disagreement(a, b, ARRAY_TOLERANCE if tolerance is None else tolerance)
            if why:
                found.append(f"{key}: {why}")
            continue
        if isinstance(a, float) or isinstance(b, float):
            same = a is not None and b is not None and math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
        else:
            same = a == b
        if not same:
            found.append(f"{key}: ours {a!r}, peer {b!r}")
    return found


def figure(value):
    return "—" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def ratio(value):
    return "—" if value is None else f"{value:.2f}×"


def percent(value):
    return "—" if value is None else f"{value:.0f} %"


def table(ours, peers):
    threads = [str(t) for t in ours["threads"]]
    all_threads = threads[-1]
    bandwidth = {str(b["threads"]): b["gigabytes_per_second"] * 1e9 for b in ours["bandwidth"]}
    shape = "×".join(str(e) for e in ours["shape"])
    rows = [
        f"| op | shape | dtype | peer | peer Mvox/s | ours Mvox/s, 1 thread | ours Mvox/s, {all_threads} threads "
        f"| ours ÷ peer, 1 thread | ours ÷ peer, {all_threads} threads "
        f"| % of copy bandwidth: peer, ours 1 thread, ours {all_threads} threads |",
        "|---|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    failures, notes = [], []
    mine_by_case = {(mine["op"], mine["dtype"]): mine for mine in ours["results"]}
    for theirs in peers["results"]:
        mine = mine_by_case[(theirs["op"], theirs["dtype"])]
        speeds = mine["megavoxels_per_second"]
        one, many = speeds.get("1"), speeds.get(all_threads) if all_threads != "1" else None
        peer_speed = theirs["megavoxels_per_second"]

        # The copy timed alternately with this op (the run's start figure for results without it).
        copy = {t: g * 1e9 for t, g in mine.get("copy_gigabytes_per_second", {}).items()}

        def share(mvox, thread_count):
            reference = copy.get(thread_count, bandwidth[thread_count])
            return None if mvox is None else mvox * 1e6 * mine["bytes_per_voxel"] / reference * 100

        label = theirs["peer"] + (" (timed only †)" if theirs.get("unchecked") else "")
        rows.append(
            f"| {mine['op']} | {shape} | {mine['dtype']} | {label} | {figure(peer_speed)} | {figure(one)} "
            f"| {figure(many)} | {ratio(one / peer_speed)} | {ratio(None if many is None else many / peer_speed)} "
            f"| {percent(share(peer_speed, '1'))}, {percent(share(one, '1'))}, {percent(share(many, all_threads))} |")
        if theirs.get("unchecked"):
            notes.append(f"† {mine['op']}, {theirs['peer']}: not compared element-wise — {theirs['unchecked']}")
        else:
            failures += [f"{mine['op']} {mine['dtype']} vs {theirs['peer']}: {d}"
                         for d in disagreements(mine["result"], theirs["result"], theirs.get("tolerance"))]
    return rows, failures, notes


def main():
    args = parse_arguments()
    os.makedirs(args.workdir, exist_ok=True)
    ours = run_ours(args)
    peers = run_peers(ours, args)
    rows, failures, notes = table(ours, peers)
    machine, versions = ours["machine"], peers["versions"]
    bandwidth = ", ".join(f"{b['gigabytes_per_second']:.1f} GB/s on {b['threads']} thread(s)" for b in ours["bandwidth"])
    print()
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores; {machine['date']}; {machine['runtime']} "
          f"(Vector<T> {machine['vector_bits']} bits), commit {machine['commit']}; "
          + ", ".join(f"{name} {version}" for name, version in versions.items()))
    print(f"Memory bandwidth (STREAM copy, 2 × {args.bandwidth_mib} MiB reused arrays, read + write bytes) at the start: {bandwidth}; "
          f"each row's % of copy bandwidth divides by the same copy timed alternately with that op's samples")
    print(f"Median of {args.samples} runs after ≥ {args.warmup_ms} ms warm-up; 1-thread figures (all peers, ours, "
          f"bandwidth) on the thread's CPU clock (zarr-python peers, whose blosc runs its own threads: the process's), "
          f"so a busy machine does not skew them; {ours['threads'][-1]}-thread "
          f"figures on the wall clock. Outputs reused on both sides where the API allows (np.load allocates); "
          f"Mvox/s = million input voxels per second (region voxels for copy-region).")
    print()
    print("\n".join(rows))
    if notes:
        print()
        print("\n".join(notes))
    if failures:
        print("\nOUTPUTS DISAGREE — ours and the peer computed different results:", file=sys.stderr)
        print("\n".join("  " + f for f in failures), file=sys.stderr)
        return 1
    print(f"\nAll {len(ours['results'])} outputs agree with the peers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
