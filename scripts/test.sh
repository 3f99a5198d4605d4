#!/usr/bin/env bash
# Runs the whole test suite: every test project once, then the kernel tests again under each SIMD
# width (512-bit, 128-bit, scalar) so that every vector path is exercised, then the performance
# regression gate (bench/gate.sh: each kernel checked counts as one test, and so does the gate's
# self-test on a deliberately slowed kernel), then the NuGet packages (scripts/package.sh: each check counts as
# one test). Ends with one line "N passed, N failed" totalling all
# runs, followed by ", N skipped" when anything was skipped. Exit code 0 only when nothing failed.
#
# Nothing passes by quietly running another path than it claims. Each SIMD leg sets
# BIOIMAGE_EXPECT_SIMD (512, 128, scalar) and SimdLegTests fails when the runtime gives another
# width; on a CPU without avx512f the 512-bit leg is not run and is counted as one skipped test
# ("kernels-512bit: skipped (no AVX-512 on this CPU)"). install-deps.sh installs libzstd, liblz4 and
# libdeflate, so BIOIMAGE_EXPECT_NATIVE_CODECS=1 makes the native codec tests fail, rather than
# report themselves skipped, when a library does not load.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
export BIOIMAGE_EXPECT_NATIVE_CODECS=1
# The Slurm backend is tested on a real single-node cluster (installed and started idempotently; needs root).
scripts/slurm-up.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0
results=$(mktemp -d)

# run LABEL ENV... -- dotnet test ARGS: runs one leg and adds its counts to the totals.
run() {
  local label=$1; shift
  local env=()
  while [[ $1 != "--" ]]; do env+=("$1"); shift; done
  shift
  local log="$results/$label.log"
  echo "== $label"
  env "${env[@]}" dotnet test "$@" -c Release --no-build 2>&1 | tee "$log" | grep -E "^(Passed|Failed)!|\[FAIL\]|\[SKIP\]|error" || true
  local status=${PIPESTATUS[0]}
  local p f s
  p=$(grep -oE "Passed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
  f=$(grep -oE "Failed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
  s=$(grep -oE "Skipped: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
  if [[ $status -ne 0 && $f -eq 0 ]]; then
    echo "   $label: dotnet test exited $status without reporting a failed test (crash or build error); counted as 1 failure"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

# add_checks LABEL STATUS LOG: adds a leg that prints one "PASS …"/"FAIL …" line per check to the totals; a
# non-zero exit without a FAIL line (a crash, a bad baseline) counts as one failure.
add_checks() {
  local label=$1 status=$2 log=$3 p f
  p=$(grep -c "^PASS " "$log")
  f=$(grep -c "^FAIL " "$log")
  if [[ $status -ne 0 && $f -eq 0 ]]; then
    echo "   $label: exited $status without a FAIL line (crash or bad baseline); counted as 1 failure"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
}

echo "== build"
dotnet build BioImage.Kernels.sln -c Release > "$results/build.log" 2>&1
build_status=$?
tail -n 3 "$results/build.log"
if [[ $build_status -ne 0 ]]; then
  grep -E " error " "$results/build.log" | sort -u | head -n 30
  echo "0 passed, 1 failed"
  exit 1
fi

run all -- BioImage.Kernels.sln
# The 512-bit leg also sets PreferredVectorBitWidth, which some AVX-512 CPUs otherwise default to 256 bits.
if grep -qw avx512f /proc/cpuinfo; then
  run kernels-512bit DOTNET_MaxVectorTBitWidth=512 DOTNET_PreferredVectorBitWidth=512 BIOIMAGE_EXPECT_SIMD=512 -- tests/BioImage.Kernels.Tests
else
  echo "== kernels-512bit"
  echo "kernels-512bit: skipped (no AVX-512 on this CPU)"
  skipped=$((skipped + 1))
fi
run kernels-128bit DOTNET_EnableAVX=0 BIOIMAGE_EXPECT_SIMD=128 -- tests/BioImage.Kernels.Tests
run kernels-scalar DOTNET_EnableHWIntrinsic=0 BIOIMAGE_EXPECT_SIMD=scalar -- tests/BioImage.Kernels.Tests

# The performance gate: one passed/failed per kernel line (PASS/FAIL), then its self-test: with one kernel
# made 3x slower by the gate harness (--slow-kernel), the gate must exit non-zero and name that kernel.
echo "== perf-gate"
bench/gate.sh --no-build | tee "$results/gate.log"
add_checks perf-gate "${PIPESTATUS[0]}" "$results/gate.log"

echo "== perf-gate-self-test"
slowed=moments/float32
if bench/gate.sh --no-build --only "$slowed" --slow-kernel "$slowed" >"$results/gate-self-test.log" 2>&1; then
  echo "   perf-gate-self-test: the gate passed a kernel slowed 3x; FAILED"
  cat "$results/gate-self-test.log"
  failed=$((failed + 1))
elif grep -q "^FAIL $slowed:" "$results/gate-self-test.log"; then
  grep "^FAIL " "$results/gate-self-test.log"
  echo "   perf-gate-self-test: the gate failed the slowed kernel, as it must; passed"
  passed=$((passed + 1))
else
  echo "   perf-gate-self-test: the gate exited non-zero without failing $slowed; FAILED"
  cat "$results/gate-self-test.log"
  failed=$((failed + 1))
fi

# interop: libbioimage for x86-64-v2/v3/v4, its C test and the Python binding's tests (interop/test.sh's counts).
echo "== interop"
if interop/build.sh > "$results/interop-build.log" 2>&1; then
  interop/test.sh | tee "$results/interop.log"
  read -r p f s < <(tail -n 1 "$results/interop.log" | grep -oE "[0-9]+ (passed|failed|skipped)" | awk '{print $1}' | paste -sd' ')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1})); skipped=$((skipped + ${s:-0}))
else
  tail -n 20 "$results/interop-build.log"
  echo "   interop: interop/build.sh failed; counted as 1 failure"
  failed=$((failed + 1))
fi

# Packaging: packs the NuGet packages from the Release build above and checks them as their users meet them (package
# contents, package validation failing on a removed public member, the dotnet tool installed in a fresh folder running
# `bioimage demo`, a fresh console project running a block-wise operation on subprocess workers, the same published
# with NativeAOT); one passed/failed per check line (PASS/FAIL).
echo "== packaging"
scripts/package.sh --no-build | tee "$results/packaging.log"
add_checks packaging "${PIPESTATUS[0]}" "$results/packaging.log"

# Recap the failed tests' names just above the summary, where a truncated CI log still shows them.
if ((failed > 0)); then
  echo "== failed tests"
  grep -a -h -A2 -E "^ +Failed [A-Za-z_]" "$results"/*.log | grep -vE "^--$| +Error Message:$" | sed -E 's/^ +//' | head -n 12
fi
rm -rf "$results"
echo "$passed passed, $failed failed$( ((skipped > 0)) && echo ", $skipped skipped")"
[[ $failed -eq 0 ]]
