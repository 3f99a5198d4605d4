"""Block-wise verbs on files, as bioimage-py names them: copy, apply_filter (gaussian_smoothing, ...) and label.

Each function reads an array from a path (and key: Zarr v2/v3, N5, HDF5, .npy, TIFF, ...), writes the result to a new
array and returns the run's report (the dict ``bioimage VERB ... --json`` prints). Blocks run on local threads
(``job_type="local"``), worker processes (``"subprocess"``) or a Slurm job array (``"slurm"``), ``num_workers`` at a
time; the result equals the whole-volume result for every block shape. Everything is checked before storage is
touched: a bad argument or an existing output (without ``overwrite=True``) raises ValueError and writes nothing.
A run in which blocks fail raises :class:`RunnerError` with the failed block ids and, for distributed runs, the kept
temp folder: pass it as ``resume_from`` to finish the run (finished blocks are kept), or re-run single-pass verbs on
``block_ids``. Ctrl-C cancels a run: distributed runs stop their workers (or cancel their Slurm jobs) and keep their
temp folder, which the KeyboardInterrupt names (its ``__cause__`` is the RunnerError) for ``resume_from``.

The functions call ``bk_blockwise_run`` of libbioimage, which runs the verb in the block-wise host program shipped
in ``_native/blockwise`` (it needs the .NET runtime; the array functions of this package do not).
"""

import ctypes
import json
import os
import threading

from . import _library
from ._library import BioImageError, NATIVE_DIR, function

HOST = NATIVE_DIR / "blockwise" / "BioImage.Blockwise"
RUN_FAILED = 6

_run = function("bk_blockwise_run", [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)])
_free = function("bk_free", [ctypes.c_void_p], restype=None)
_cancel = function("bk_blockwise_cancel", [])

JOB_TYPES = ("local", "subprocess", "slurm")


class RunnerError(BioImageError):
    """A block-wise run in which some blocks failed (bioimage-py's RunnerError).

    ``failed_block_ids``: the sorted ids of the blocks that did not complete. ``tmp_folder``: the kept temp folder of
    a distributed run (pass it as ``resume_from``); None for local runs.
    """

    def __init__(self, message, failed_block_ids=(), tmp_folder=None):
        super().__init__(message)
        self.failed_block_ids = sorted(int(i) for i in failed_block_ids)
        self.tmp_folder = tmp_folder


def _path(value, name):
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike); got {type(value).__name__}")
    return os.path.abspath(os.fspath(value))


def _ints(value, name):
    if value is None:
        return None
    values = [value] if isinstance(value, int) else list(value)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must be an integer or a sequence of integers; got {value!r}")
    return values


def _floats(value, name):
    if value is None:
        return None
    values = [value] if isinstance(value, (int, float)) else list(value)
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a sequence of numbers; got {value!r}") from None


def _submit(verb, input, output, input_key, output_key, *, block_shape=None, num_workers=None, job_type="local",
            block_ids=None, resume_from=None, mask=None, mask_key=None, tmp_root=None, slurm=None, chunks=None,
            shards=None, codec=None, zarr_format=None, overwrite=False, progress=False, **parameters):
    """Builds the request, runs it and returns the report; raises RunnerError/ValueError/OSError on failure."""
    if job_type not in JOB_TYPES:
        raise ValueError(f"job_type must be one of {', '.join(JOB_TYPES)}; got {job_type!r}")
    if num_workers is not None and (not isinstance(num_workers, int) or num_workers < 1):
        raise ValueError(f"num_workers must be a positive integer; got {num_workers!r}")
    if slurm is not None and not isinstance(slurm, dict):
        raise TypeError("slurm must be a dict of Slurm settings (partition, time, mem, ...); "
                        f"got {type(slurm).__name__}")
    request = {
        "verb": verb, "input": _path(input, "input"), "input_key": input_key,
        "output": _path(output, "output"), "output_key": output_key,
        "block_shape": _ints(block_shape, "block_shape"), "num_workers": num_workers, "job_type": job_type,
        "block_ids": _ints(block_ids, "block_ids"), "resume_from": _path(resume_from, "resume_from"),
        "mask": _path(mask, "mask"), "mask_key": mask_key, "tmp_root": _path(tmp_root, "tmp_root"), "slurm": slurm,
        "chunks": _ints(chunks, "chunks"), "shards": _ints(shards, "shards"), "codec": codec,
        "zarr_format": zarr_format, "overwrite": bool(overwrite), "progress": bool(progress), **parameters,
    }
    call = _Call(json.dumps({k: v for k, v in request.items() if v is not None}))
    # The run blocks in a thread of its own so that Ctrl-C (KeyboardInterrupt, delivered to the main thread between
    # bytecodes, never during a ctypes call) can cancel it: the host stops the run and keeps its temp folder.
    # (An Event, not Thread.join: a KeyboardInterrupt inside join can leave the thread marked stopped, bpo-45274.)
    threading.Thread(target=call.run, name="bioimage_kernels.blockwise", daemon=True).start()
    try:
        while not call.done.wait(0.1):
            pass
    except KeyboardInterrupt:
        _cancel()
        call.done.wait()
        try:
            call.result()
        except RunnerError as error:
            raise KeyboardInterrupt(str(error)) from error
        raise
    return call.result()


class _Call:
    """One bk_blockwise_run call: made on the thread that runs it (bk_last_error is per thread), read afterwards."""

    def __init__(self, request):
        self.request = request.encode("utf-8")
        self.status, self.answer, self.error = None, None, None
        self.done = threading.Event()

    def run(self):
        try:
            answer = ctypes.c_void_p()
            self.status = _run(self.request, str(HOST).encode("utf-8"), ctypes.byref(answer))
            try:
                self.answer = ctypes.string_at(answer.value).decode("utf-8") if answer.value else None
            finally:
                _free(answer)
            if self.status != _library.OK:
                self.error = _library.last_error()
        finally:
            self.done.set()

    def result(self):
        """The report; raises RunnerError for failed runs, else the exception of the status code."""
        if self.status == _library.OK:
            return json.loads(self.answer)["report"]
        if self.status == RUN_FAILED and self.answer is not None:
            failure = json.loads(self.answer)
            raise RunnerError(failure["message"], failure["failed_block_ids"], failure["tmp_folder"])
        raise _library.STATUS_EXCEPTIONS.get(self.status, BioImageError)(self.error)


def copy(input, output, *, input_key=None, output_key=None, dtype=None, threshold=None, resize=None, order=None,
         anti_aliasing=False, **run):
    """bioimage-py's copy on files: writes ``input`` (or ``input > threshold``, or ``input`` resized to ``resize``
    with spline ``order`` 0-5 and optional ``anti_aliasing``) block by block into a new array ``output``, as
    ``dtype`` (numpy's astype; default the input's).

    Run options (every function): ``block_shape``, ``num_workers`` (default: all cores), ``job_type``
    (local|subprocess|slurm), ``block_ids`` (re-run these blocks into an existing output), ``resume_from`` (a kept
    temp folder), ``mask``/``mask_key`` (only blocks with mask voxels; voxels outside keep the output's value),
    ``tmp_root``, ``slurm`` (dict: partition, time, mem, cpus_per_task, throttle, ...), ``progress`` (lines on stderr).
    A new output's storage: ``chunks``, ``shards``, ``codec`` (e.g. "zstd:3", "gzip:6", "raw"), ``zarr_format`` (2|3),
    ``overwrite`` (replace an existing array; without it an existing output is refused).
    """
    return _submit("copy", input, output, input_key, output_key, dtype=dtype, threshold=threshold,
                   resize=_ints(resize, "resize"), order=order, anti_aliasing=bool(anti_aliasing) or None, **run)


def resume(tmp_folder, **run):
    """Finishes a failed or cancelled distributed run from its kept temp folder (a RunnerError's ``tmp_folder``):
    the verb, inputs, outputs, parameters, blocking and backend come from the run's record; only the missing blocks
    run. ``slurm`` may change Slurm settings (e.g. a longer ``time``), ``progress`` prints progress. Returns the
    report; the same as passing ``resume_from=tmp_folder`` to the verb's function.
    """
    return _submit("resume", None, None, None, None, resume_from=tmp_folder, **run)


def apply_filter(input, output, filter_name, sigma, *, input_key=None, output_key=None, outer_scale=None,
                 return_channel=None, **run):
    """bioimage-py's apply_filter on files: the Gaussian filter ``filter_name`` (gaussian_smoothing,
    gaussian_gradient_magnitude, laplacian_of_gaussian, hessian_of_gaussian_eigenvalues,
    structure_tensor_eigenvalues, difference_of_gaussians) at ``sigma`` (scalar or per axis), block-wise with halos
    so that the result equals the whole-volume filter. The output is float32 (float64 for float64 input); eigenvalue
    filters write a leading channel axis unless ``return_channel`` picks one. Run options as :func:`copy`.
    """
    return _submit("filter", input, output, input_key, output_key, filter=filter_name,
                   sigma=_floats(sigma, "sigma"), outer_scale=_floats(outer_scale, "outer_scale"),
                   return_channel=return_channel, **run)


def gaussian_smoothing(input, output, sigma, **kwargs):
    """Block-wise Gaussian smoothing of the array at ``input`` into ``output`` (see :func:`apply_filter`)."""
    return apply_filter(input, output, "gaussian_smoothing", sigma, **kwargs)


def gaussian_gradient_magnitude(input, output, sigma, **kwargs):
    """Block-wise Gaussian gradient magnitude of the array at ``input`` into ``output`` (see :func:`apply_filter`)."""
    return apply_filter(input, output, "gaussian_gradient_magnitude", sigma, **kwargs)


def laplacian_of_gaussian(input, output, sigma, **kwargs):
    """Block-wise Laplacian of Gaussian of the array at ``input`` into ``output`` (see :func:`apply_filter`)."""
    return apply_filter(input, output, "laplacian_of_gaussian", sigma, **kwargs)


def label(input, output, *, input_key=None, output_key=None, threshold=None, connectivity=1, dtype="uint64", **run):
    """bioimage-py's label on files: connected components of ``input`` (non-zero, or ``input > threshold``) with
    ``connectivity`` 1-3 (scipy's generate_binary_structure), numbered as scipy.ndimage.label numbers the whole
    volume for any block shape, into a new ``dtype`` (uint64 or uint32) array. Three passes over the volume, so no
    ``block_ids``; a failed distributed run finishes with ``resume_from``. Run options as :func:`copy`. The report's
    ``components`` is the number of components.
    """
    return _submit("label", input, output, input_key, output_key, threshold=threshold, connectivity=connectivity,
                   dtype=dtype, **run)
