#!/usr/bin/env bash
# Installs, idempotently, what the tests and the peer benchmarks need on a Debian machine:
# the reference Python implementations used as oracles. Fast when everything is already there.
# Extra Debian package names given as arguments are installed too (bench/compare.sh passes the peers' packages).
set -euo pipefail

# Debian packages the oracles and interop tests use; add to this list when a test needs more.
# libzstd1, liblz4-1 and libdeflate0 are the native codec libraries (scripts/test.sh then expects them to load);
# unzip and gcc (the NativeAOT linker) serve scripts/package.sh.
APT_PACKAGES=(python3 python3-numpy python3-zarr python3-numcodecs python3-fsspec python3-lz4 python3-xxhash python3-scipy python3-skimage python3-sklearn python3-networkx python3-vigra python3-tifffile python3-h5py python3-nibabel python3-mrcfile libtiff-tools libzstd1 liblz4-1 libdeflate0 unzip gcc "$@")

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Zarr v3 oracle (npm zarrita), installed project-locally.
tests/interop/node/install.sh
