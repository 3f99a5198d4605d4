"""Loading libbioimage: the build for the CPU's x86-64 level, the bk_array descriptor and status codes.

A NativeAOT library is compiled for one instruction-set floor and aborts the process on its first call when the CPU
lacks it, so the level is chosen *before* loading: v4 when /proc/cpuinfo lists the AVX-512 foundation flags, v3 when
it lists AVX2 and its companions, v2 otherwise. ``BIOIMAGE_KERNELS_ISA=v2|v3|v4`` overrides the choice (tests use it
to run every build). ctypes.CDLL releases the GIL during every call.
"""

import ctypes
import os
from pathlib import Path

ABI_VERSION = 1
MAX_NDIM = 8

#: /proc/cpuinfo flags each x86-64 level needs (psABI levels; "abm" is how Linux names LZCNT).
LEVEL_FLAGS = {
    "v2": frozenset({"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"}),
    "v3": frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}),
    "v4": frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}),
}
LEVELS = ("v2", "v3", "v4")
ENV_OVERRIDE = "BIOIMAGE_KERNELS_ISA"
NATIVE_DIR = Path(__file__).parent / "_native"


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The flags of the first processor listed in ``cpuinfo``."""
    with open(cpuinfo, encoding="ascii", errors="replace") as f:
        for line in f:
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def best_level(flags):
    """The highest x86-64 level (``"v2"``, ``"v3"`` or ``"v4"``) whose flags are all in ``flags``; None below v2."""
    best = None
    for level in LEVELS:
        if not LEVEL_FLAGS[level] <= flags:
            break
        best = level
    return best


def cpuid_level():
    """The level CPUID reports, asked of the v2 build (which runs on any v2 CPU) through bk_cpu_level."""
    probe = ctypes.CDLL(str(NATIVE_DIR / "libbioimage_v2.so"))
    probe.bk_cpu_level.restype = ctypes.c_int32
    probe.bk_cpu_level.argtypes = []
    return f"v{probe.bk_cpu_level()}"


def choose_level(environ=os.environ):
    """The level to load: the override ``BIOIMAGE_KERNELS_ISA`` if set, else the best one /proc/cpuinfo (or the file
    ``BIOIMAGE_KERNELS_CPUINFO`` names, for tests) lists. A v4 choice is confirmed with CPUID first, since a v4 build
    aborts the process where CPUID hides AVX-512 (valgrind) even though /proc/cpuinfo shows it."""
    forced = environ.get(ENV_OVERRIDE, "").strip()
    if forced:
        if forced not in LEVELS:
            raise ImportError(f"{ENV_OVERRIDE}={forced!r} is not one of {', '.join(LEVELS)}")
        return forced
    level = best_level(cpu_flags(environ.get("BIOIMAGE_KERNELS_CPUINFO", "/proc/cpuinfo")))
    if level is None:
        raise ImportError("bioimage_kernels needs an x86-64-v2 CPU (SSE4.2, POPCNT); /proc/cpuinfo lacks some of "
                          + ", ".join(sorted(LEVEL_FLAGS["v2"])))
    if level == "v4":
        level = min(level, cpuid_level())
    return level


class BkArray(ctypes.Structure):
    """bk_array: element [0,...,0]'s address, dtype code, ndim, int64 shape and strides in elements."""

    _fields_ = [
        ("data", ctypes.c_void_p),
        ("dtype", ctypes.c_int32),
        ("ndim", ctypes.c_int32),
        ("shape", ctypes.c_int64 * MAX_NDIM),
        ("strides", ctypes.c_int64 * MAX_NDIM),
    ]


class BioImageError(RuntimeError):
    """A failure inside libbioimage that is neither a bad argument nor a dtype error; the message says why."""


# Status codes (bioimage.h BK_OK, BK_ERR_*) and the Python exception each becomes.
OK = 0
STATUS_EXCEPTIONS = {1: ValueError, 2: TypeError, 3: MemoryError, 4: ValueError, 5: OSError, 6: BioImageError, 7: BioImageError}

#: argtypes for ``const bk_array*`` and ``const double*`` parameters.
ARRAY_P = ctypes.POINTER(BkArray)
DOUBLE_P = ctypes.POINTER(ctypes.c_double)


def load(level=None):
    """Loads libbioimage_<level>.so (default: :func:`choose_level`) and checks its ABI version."""
    level = level or choose_level()
    path = NATIVE_DIR / f"libbioimage_{level}.so"
    if not path.exists():
        raise ImportError(f"{path} is missing; build it with interop/build.sh")
    lib = ctypes.CDLL(str(path))
    lib.bk_abi_version.restype = ctypes.c_uint32
    lib.bk_abi_version.argtypes = []
    lib.bk_last_error.restype = ctypes.c_size_t
    lib.bk_last_error.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    version = lib.bk_abi_version()
    if version != ABI_VERSION:
        raise ImportError(f"{path} implements ABI version {version}; this package needs {ABI_VERSION}")
    return lib, level


LIB, LEVEL = load()


def function(name, argtypes, restype=ctypes.c_int32):
    """The export ``name`` with its C signature declared (every bk_ function returns an int32 status by default)."""
    export = getattr(LIB, name)
    export.argtypes = argtypes
    export.restype = restype
    return export


def last_error():
    """The calling thread's last error message from the library."""
    size = LIB.bk_last_error(None, 0)
    buffer = ctypes.create_string_buffer(size + 1)
    LIB.bk_last_error(buffer, size + 1)
    return buffer.value.decode("utf-8", errors="replace")


def check(status):
    """Raises the exception for a non-zero status code, with the library's message."""
    if status != OK:
        raise STATUS_EXCEPTIONS.get(status, BioImageError)(last_error())
