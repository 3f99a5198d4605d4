#!/usr/bin/env bash
# Builds libbioimage for the x86-64-v2, v3 and v4 floors (NativeAOT) into the Python package's _native/ folder, and
# the Python wheel into interop/python/dist/. Installs what it needs (Debian python3 with numpy, scipy, scikit-image,
# pip, wheel, venv) like scripts/install-deps.sh. Usage: interop/build.sh [--no-wheel]
set -euo pipefail
cd "$(dirname "$0")/.."

wheel=1
[[ "${1:-}" == "--no-wheel" ]] && wheel=0

APT_PACKAGES=(python3 python3-numpy python3-scipy python3-skimage python3-pytest python3-pip python3-wheel python3-setuptools python3-venv gcc valgrind)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "interop/build.sh: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

project=interop/BioImage.Interop/BioImage.Interop.csproj
native=interop/python/src/bioimage_kernels/_native
mkdir -p "$native"
# One publish per floor, each with its own intermediate and native output folders, so rebuilding one never mixes
# object files of another and unchanged floors are up to date. Vector<T> stays 256-bit on v4 (the JIT's default on
# AVX-512 CPUs, so the v4 library runs the code paths .NET users run); IlcMaxVectorTBitWidth=512 was not measured
# here (this machine has no AVX-512).
for level in v2 v3 v4; do
  log=$(mktemp)
  if ! dotnet publish "$project" -c Release --nologo -p:IlcInstructionSet=x86-64-$level \
    -p:NativeIntermediateOutputPath="obj/Release/native-$level/" -p:NativeOutputPath="bin/Release/native-$level/" \
    -o "interop/BioImage.Interop/bin/publish-$level" >"$log" 2>&1; then
    grep -E "error|warning" "$log" | sort -u | head -n 30 || tail -n 30 "$log"
    echo "interop/build.sh: publishing the $level library failed"
    exit 1
  fi
  rm -f "$log"
  cp "interop/BioImage.Interop/bin/publish-$level/BioImage.Interop.so" "$native/libbioimage_$level.so"
done
# The block-wise host beside them (framework-dependent: bk_blockwise_run starts it; see BioImage.Interop/Blockwise.cs).
rm -rf "$native/blockwise"
log=$(mktemp)
if ! dotnet publish interop/BioImage.Blockwise/BioImage.Blockwise.csproj -c Release --nologo -o "$native/blockwise" >"$log" 2>&1; then
  grep -E "error|warning" "$log" | sort -u | head -n 30 || tail -n 30 "$log"
  echo "interop/build.sh: publishing the block-wise host failed"
  exit 1
fi
rm -f "$log"
echo "interop/build.sh: $(ls "$native"/libbioimage_*.so | xargs -n1 basename | tr '\n' ' ')"

if ((wheel)); then
  rm -rf interop/python/dist interop/python/build
  (cd interop/python && /usr/bin/python3 -m pip wheel -q --no-build-isolation --no-deps -w dist . >/dev/null)
  rm -rf interop/python/build interop/python/src/*.egg-info
  echo "interop/build.sh: $(ls interop/python/dist/*.whl)"
fi
