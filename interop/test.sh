#!/usr/bin/env bash
# Tests libbioimage and the Python package as built by interop/build.sh (which this script runs only when a library
# is missing). Legs, each counted as tests:
#   c-<level>, pytest-<level>  the gcc test program and pytest for each x86-64 level the CPU runs (v2, v3; v4 only
#                              with AVX-512, otherwise reported as skipped: a v4 build aborts on such a CPU)
#   isa-identity               every export gives bit-identical outputs with every runnable build
#   loader-valgrind            under valgrind (which hides AVX-512 from CPUID) with a /proc/cpuinfo that claims
#                              AVX-512, the loader still picks a build CPUID supports and the call runs
#   wheel-install              (when build.sh made a wheel) the README's route: a --system-site-packages venv,
#                              pip install of the wheel offline, a first call from outside the checkout
# Ends with "interop: N passed, N failed, N skipped"; exit code 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."

native=interop/python/src/bioimage_kernels/_native
python=/usr/bin/python3
for built in libbioimage_v2.so libbioimage_v3.so libbioimage_v4.so blockwise/BioImage.Blockwise; do
  [[ -f $native/$built ]] || { interop/build.sh --no-wheel || { echo "interop: 0 passed, 1 failed"; exit 1; }; break; }
done

passed=0; failed=0; skipped=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PYTHONPATH="$PWD/interop/python/src:$PWD/interop/python/tests"
unset BIOIMAGE_KERNELS_ISA BIOIMAGE_KERNELS_CPUINFO

# pass|fail LABEL: counts one test.
pass() { echo "   $1: passed"; passed=$((passed + 1)); }
fail() { echo "   $1: FAILED"; failed=$((failed + 1)); }

cpu_has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1"; }
runnable=(v2 v3)
if cpu_has avx512f && cpu_has avx512bw && cpu_has avx512cd && cpu_has avx512dq && cpu_has avx512vl; then
  runnable+=(v4)
fi

for level in v2 v3 v4; do
  if [[ " ${runnable[*]} " != *" $level "* ]]; then
    echo "== c-$level, pytest-$level"
    echo "   $level: skipped (no AVX-512 on this CPU; the v4 build would abort)"
    skipped=$((skipped + 1))
    continue
  fi
  echo "== c-$level"
  gcc -std=c11 -Wall -Wextra -Werror -O1 -I interop/include interop/c/bioimage_test.c -L"$native" -l:libbioimage_$level.so \
    -Wl,-rpath,"$PWD/$native" -lm -lpthread -o "$work/c-test-$level" && "$work/c-test-$level" && pass "c-$level" || fail "c-$level"

  echo "== pytest-$level"
  BIOIMAGE_KERNELS_ISA=$level "$python" -m pytest -q -p no:cacheprovider interop/python/tests > "$work/pytest-$level.log" 2>&1
  status=$?
  summary=$(tail -n 1 "$work/pytest-$level.log")
  echo "   $summary"
  p=$(grep -oE "[0-9]+ passed" <<<"$summary" | awk '{print $1}'); p=${p:-0}
  f=$(grep -oE "[0-9]+ (failed|errors?)" <<<"$summary" | awk '{s += $1} END {print s + 0}')
  s=$(grep -oE "[0-9]+ skipped" <<<"$summary" | awk '{print $1}'); s=${s:-0}
  if [[ $status -ne 0 && $f -eq 0 ]]; then
    # Exit 5 is "no tests collected": a failure here, as is any crash.
    echo "   pytest-$level exited $status without reporting a failed test; counted as 1 failure"
    tail -n 20 "$work/pytest-$level.log"
    f=1
  elif [[ $f -gt 0 ]]; then
    grep -E "^FAILED|^ERROR" "$work/pytest-$level.log" | head -n 12
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done

echo "== isa-identity"
saved=()
for level in "${runnable[@]}"; do
  BIOIMAGE_KERNELS_ISA=$level "$python" interop/isa_identity.py save "$work/isa-$level.npz" && saved+=("$work/isa-$level.npz")
done
if ((${#saved[@]} == ${#runnable[@]})) && "$python" interop/isa_identity.py compare "${saved[@]}"; then
  pass "isa-identity (${runnable[*]})"
else
  fail "isa-identity (${runnable[*]})"
fi

echo "== loader-valgrind"
printf 'flags\t\t: cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave avx512f avx512bw avx512cd avx512dq avx512vl\n' > "$work/cpuinfo-v4"
probe='import numpy as np, bioimage_kernels as bk
smoothed = bk.gaussian_smoothing(np.full((16, 16), 3.0), 1.0)
print(bk.isa_level, bk._library.cpuid_level(), bool(np.allclose(smoothed, 3.0)))'
if ! command -v valgrind >/dev/null; then
  fail "loader-valgrind (valgrind is not installed)"
else
  result=$(BIOIMAGE_KERNELS_CPUINFO="$work/cpuinfo-v4" valgrind -q --error-exitcode=0 "$python" -c "$probe" 2>"$work/valgrind.log")
  echo "   under valgrind, with /proc/cpuinfo claiming v4: loaded, CPUID level, result correct = ${result:-<crashed>}"
  read -r loaded cpuid correct <<<"$result"
  if [[ -n $loaded && $loaded == "$cpuid" && $loaded != v4 && $correct == True ]]; then
    pass loader-valgrind
  else
    tail -n 5 "$work/valgrind.log"
    fail loader-valgrind
  fi
fi

echo "== wheel-install"
wheels=(interop/python/dist/bioimage_kernels-*.whl)
if [[ ! -f ${wheels[0]} ]]; then
  echo "   wheel-install: skipped (no wheel; interop/build.sh without --no-wheel builds it)"
  skipped=$((skipped + 1))
elif "$python" -m venv --system-site-packages "$work/venv" \
  && "$work/venv/bin/pip" install -q --no-index --no-deps "${wheels[0]}" \
  && (cd "$work" && env -u PYTHONPATH "$work/venv/bin/python" -c "
import numpy, bioimage_kernels as bk
assert bk.__file__.startswith('$work/venv/'), bk.__file__
print('   first call:', bk.isa_level, bk.gaussian_smoothing(numpy.ones((64, 64)), 2.0).mean())"); then
  pass wheel-install
else
  fail wheel-install
fi

echo "interop: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
