"""The loader picks the library build for the CPU's x86-64 level, honours the override, and checks the ABI version."""

import subprocess
import sys
from pathlib import Path

import pytest

from bioimage_kernels import _library

V2 = "cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3"
V3 = V2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
V4 = V3 + " avx512f avx512bw avx512cd avx512dq avx512vl"


@pytest.mark.parametrize("flags, level", [
    ("sse2 ssse3", None),
    (V2, "v2"),
    (V2 + " avx avx2", "v2"),          # AVX2 without BMI/FMA is not v3
    (V3, "v3"),
    (V3 + " avx512f avx512vl", "v3"),  # part of AVX-512 is not v4
    (V4, "v4"),
    (V2 + " avx512f avx512bw avx512cd avx512dq avx512vl", "v2"),  # levels are cumulative
])
def test_best_level_from_flags(flags, level):
    assert _library.best_level(frozenset(flags.split())) == level


def test_choose_level_reads_cpuinfo_and_honours_the_override(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {V3}\n\nprocessor\t: 1\nflags\t\t: {V3}\n")
    environ = {"BIOIMAGE_KERNELS_CPUINFO": str(cpuinfo)}
    assert _library.choose_level(environ) == "v3"
    assert _library.choose_level({**environ, "BIOIMAGE_KERNELS_ISA": "v2"}) == "v2"
    with pytest.raises(ImportError, match="not one of v2, v3, v4"):
        _library.choose_level({**environ, "BIOIMAGE_KERNELS_ISA": "avx9"})
    cpuinfo.write_text("processor\t: 0\nflags\t\t: sse sse2\n")
    with pytest.raises(ImportError, match="x86-64-v2"):
        _library.choose_level(environ)


def test_a_v4_choice_is_confirmed_by_cpuid(tmp_path):
    """/proc/cpuinfo claiming AVX-512 (as it does under valgrind on an AVX-512 host) does not load the v4 build
    unless CPUID agrees; the call that would abort with a wrong v4 choice then runs."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"flags\t\t: {V4}\n")
    flags = set(Path("/proc/cpuinfo").read_text().split())
    expected = "v4" if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= flags else "v3"
    assert _library.cpuid_level() == expected
    assert _library.choose_level({"BIOIMAGE_KERNELS_CPUINFO": str(cpuinfo)}) == expected


def test_loaded_level_is_this_cpus_best(monkeypatch):
    flags = set(Path("/proc/cpuinfo").read_text().split())
    expected = "v4" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags else "v3" if {"avx2", "fma", "bmi2"} <= flags else "v2"
    script = "import bioimage_kernels as bk; print(bk.isa_level, bk._library.LIB.bk_abi_version())"
    env = {k: v for k, v in __import__("os").environ.items() if k != "BIOIMAGE_KERNELS_ISA"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == [expected, str(_library.ABI_VERSION)]
