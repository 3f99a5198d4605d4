"""Block-wise verbs from Python (bioimage_kernels.blockwise) against the bioimage CLI running the same verb.

The CLI (src/BioImage.Cli/bin/Release/net10.0/bioimage, built by `dotnet build`) writes the reference outputs on local
threads; every Python run (copy, gaussian_smoothing and label), on local threads and on Slurm (the cluster of
scripts/slurm-up.sh), must write the same files byte for byte: the same chunk files (same codec, same compressed
bytes) and the same metadata. A Slurm run whose pending array task is cancelled with scancel raises RunnerError with
the failed blocks and the kept folder, and resume_from finishes it to the reference.
"""

import _thread
import filecmp
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import bioimage_kernels as bk
from bioimage_kernels import blockwise

CLI = Path(__file__).resolve().parents[3] / "src" / "BioImage.Cli" / "bin" / "Release" / "net10.0" / "bioimage"
SHAPE = (40, 37, 33)
BLOCKS = (16, 16, 16)
BLOCK_COUNT = 3 * 3 * 3
# Each verb as the CLI's arguments and the Python call's, with the same parameters.
VERBS = {
    "copy": (["copy", "--dtype", "int32", "--codec", "gzip:4"],
             lambda i, o, **run: bk.copy(i, o, dtype="int32", codec="gzip:4", **run)),
    "gaussian_smoothing": (["filter", "gaussian-smoothing", "--sigma", "1.5,1,2"],
                           lambda i, o, **run: blockwise.gaussian_smoothing(i, o, (1.5, 1, 2), **run)),
    "label": (["label", "--threshold", "500", "--connectivity", "2"],
              lambda i, o, **run: blockwise.label(i, o, threshold=500, connectivity=2, **run)),
}
SLURM = {"poll_interval": 0.3, "latency_wait": 2}


def cli(*args):
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: build it with `dotnet build src/BioImage.Cli -c Release`")
    done = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def same_files(ours, reference):
    """Both trees hold the same files with the same bytes (chunks and metadata)."""
    ours_files = sorted(p.relative_to(ours) for p in Path(ours).rglob("*") if p.is_file())
    reference_files = sorted(p.relative_to(reference) for p in Path(reference).rglob("*") if p.is_file())
    assert ours_files == reference_files
    different = [str(f) for f in ours_files if not filecmp.cmp(Path(ours) / f, Path(reference) / f, shallow=False)]
    assert not different, f"files differ: {different}"


def hosts_of_this_process():
    """The pids of the block-wise hosts this process started."""
    hosts = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        name = fields.get("Name", "").strip()  # at most 15 characters
        if fields.get("PPid", "").strip() == str(os.getpid()) and name.startswith("BioImage.Block"):
            hosts.append(int(status.parent.name))
    return hosts


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A uint16 Zarr volume with 16³ chunks (made by the CLI from a .npy) and the CLI's output of every verb."""
    root = tmp_path_factory.mktemp("blockwise")
    volume = np.random.default_rng(7).integers(0, 1000, SHAPE).astype(np.uint16)
    np.save(root / "raw.npy", volume)
    cli("copy", root / "raw.npy", root / "raw.zarr", "--chunks", "16,16,16")
    for name, (arguments, _) in VERBS.items():
        cli(*arguments, root / "raw.zarr", root / f"{name}.cli.zarr", "--block-shape", "16,16,16", "--workers", "2",
            "--quiet")
    (root / "tmp").mkdir()
    return root


@pytest.mark.parametrize("verb", VERBS)
def test_local_threads_equal_the_cli(data, verb):
    output = data / f"{verb}.local.zarr"
    report = VERBS[verb][1](data / "raw.zarr", output, block_shape=BLOCKS, num_workers=2)
    assert report["outputs"][0]["path"] == str(output)
    same_files(output, data / f"{verb}.cli.zarr")
    (output / "stale-file").write_bytes(b"replaced by overwrite")
    VERBS[verb][1](data / "raw.zarr", output, block_shape=BLOCKS, num_workers=2, overwrite=True)
    same_files(output, data / f"{verb}.cli.zarr")


@pytest.mark.parametrize("verb", VERBS)
def test_slurm_equals_the_cli(data, verb):
    output = data / f"{verb}.slurm.zarr"
    report = VERBS[verb][1](data / "raw.zarr", output, block_shape=BLOCKS, num_workers=2, job_type="slurm",
                            tmp_root=data / "tmp", slurm=SLURM)
    if verb == "label":
        assert report["passes"] == ["blocks", "seams", "relabel"] and report["components"] > 0
    same_files(output, data / f"{verb}.cli.zarr")


def test_refusals_touch_nothing(data, monkeypatch):
    existing = data / "gaussian_smoothing.cli.zarr"
    before = {p: p.read_bytes() for p in existing.rglob("*") if p.is_file()}
    with pytest.raises(ValueError, match="exists; pass overwrite=True"):
        blockwise.gaussian_smoothing(data / "raw.zarr", existing, 1.5, block_shape=BLOCKS)
    with pytest.raises(ValueError, match="block_shape has 2 values but the data has 3 axes"):
        bk.copy(data / "raw.zarr", data / "never.zarr", block_shape=(16, 16))
    with pytest.raises(ValueError, match="label runs three passes"):
        blockwise.label(data / "raw.zarr", data / "never.zarr", block_ids=[0])
    with pytest.raises(ValueError, match="job_type must be one of"):
        bk.copy(data / "raw.zarr", data / "never.zarr", job_type="cloud")
    with pytest.raises(ValueError, match="not a filter"):
        blockwise.apply_filter(data / "raw.zarr", data / "never.zarr", "median", 1.0)
    with pytest.raises(ValueError, match="could not be mapped"):
        blockwise._submit("copy", data / "raw.zarr", data / "never.zarr", None, None, sigmas=[1.0])
    monkeypatch.setattr(blockwise, "HOST", data / "no-host")
    with pytest.raises(ValueError, match="no-host does not exist; build it with interop/build.sh"):
        bk.copy(data / "raw.zarr", data / "never.zarr")
    assert {p: p.read_bytes() for p in existing.rglob("*") if p.is_file()} == before
    assert not (data / "never.zarr").exists()


def test_cancelled_slurm_run_raises_with_the_failed_blocks_and_resume_from_finishes_it(data):
    """Two array tasks, one running at a time (throttle 1): the pending second task is cancelled with scancel, so the
    run fails with the blocks of that task; resume_from runs just those and the output equals the CLI's."""
    output = data / "gaussian_smoothing.cancelled.zarr"
    job_name = f"bk-py-cancel-{time.monotonic_ns()}"
    cancelled = []

    def cancel_pending_task():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not cancelled:
            pending = subprocess.run(["squeue", "-h", "-r", "-n", job_name, "-t", "PD", "-o", "%i"],
                                     capture_output=True, text=True).stdout.split()
            if pending:
                subprocess.run(["scancel", pending[-1]], check=True)
                cancelled.append(pending[-1])
            time.sleep(0.05)

    canceller = threading.Thread(target=cancel_pending_task)
    canceller.start()
    try:
        with pytest.raises(bk.RunnerError) as failure:
            blockwise.gaussian_smoothing(data / "raw.zarr", output, (1.5, 1, 2), block_shape=BLOCKS, num_workers=2,
                                         job_type="slurm", tmp_root=data / "tmp",
                                         slurm={**SLURM, "throttle": 1, "job_name": job_name})
    finally:
        cancelled.append("stop")
        canceller.join()
    error = failure.value
    assert cancelled[0] != "stop", "no pending task was seen to cancel"
    assert error.failed_block_ids == list(range(14, BLOCK_COUNT))  # task 1 of 2 holds the last 13 of the 27 blocks
    assert error.tmp_folder is not None and Path(error.tmp_folder).is_dir()
    assert Path(error.tmp_folder).parent == data / "tmp"
    assert "resume_from" in str(error)
    with pytest.raises(AssertionError):
        same_files(output, data / "gaussian_smoothing.cli.zarr")  # the cancelled blocks are missing

    report = blockwise.gaussian_smoothing(data / "raw.zarr", output, (1.5, 1, 2), resume_from=error.tmp_folder,
                                          slurm=SLURM)
    assert report["resumedFrom"] == error.tmp_folder
    assert not Path(error.tmp_folder).exists()
    same_files(output, data / "gaussian_smoothing.cli.zarr")
    shutil.rmtree(output)


def test_ctrl_c_cancels_a_run_and_resume_from_finishes_it(data, tmp_path, monkeypatch):
    """Ctrl-C (SIGINT to the host, KeyboardInterrupt here) while worker processes run (stalled workers:
    BIOIMAGE_WORKER names a script that sleeps) stops them and keeps the temp folder, named by the RunnerError behind the KeyboardInterrupt; resume_from with the
    real workers finishes the run to the CLI's output."""
    started = tmp_path / "started"
    stalled = tmp_path / "stalled-worker"
    stalled.write_text(f"#!/bin/sh\ntouch {started}\nexec sleep 60\n")
    stalled.chmod(0o755)
    monkeypatch.setenv("BIOIMAGE_WORKER", str(stalled))

    def interrupt_once_a_worker_runs():
        """Ctrl-C in a terminal: SIGINT to the host (the whole process group gets it) and KeyboardInterrupt here."""
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        for host in hosts_of_this_process():
            os.kill(host, signal.SIGINT)
        _thread.interrupt_main()

    threading.Thread(target=interrupt_once_a_worker_runs, daemon=True).start()
    output = data / "copy.interrupted.zarr"
    with pytest.raises(KeyboardInterrupt) as interrupt:
        bk.copy(data / "raw.zarr", output, dtype="int32", codec="gzip:4", block_shape=BLOCKS, num_workers=2,
                job_type="subprocess", tmp_root=data / "tmp")
    error = interrupt.value.__cause__
    assert isinstance(error, bk.RunnerError), interrupt.value
    assert error.tmp_folder is not None and Path(error.tmp_folder).is_dir() and "cancelled" in str(error)
    assert not hosts_of_this_process()

    monkeypatch.delenv("BIOIMAGE_WORKER")
    assert blockwise.resume(error.tmp_folder)["resumedFrom"] == error.tmp_folder
    same_files(output, data / "copy.cli.zarr")
