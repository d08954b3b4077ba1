#!/usr/bin/env bash
# Prepare a CUDA 13.0 build environment on a machine WITHOUT a GPU, so that crates built on
# dfdx's `cuda` feature (dfdx 0.13 -> cudarc 0.9) compile and link here and the binary runs on
# a machine with an NVIDIA GPU and a CUDA 13 driver.
#
#   source scripts/cuda-build-env.sh [DIR] [COMPUTE_CAP]
#   cargo build --release --features cuda
#
# What it does (idempotent; DIR defaults to ~/.cache/cuda-13.0-build):
#  - installs NVIDIA's CUDA 13.0 wheels from the Python package registry into DIR:
#    nvcc + ptxas (nvidia-cuda-nvcc), cicc (nvidia-nvvm), crt headers (nvidia-cuda-crt),
#    cuda.h / cuda_runtime (nvidia-cuda-runtime), cccl headers, NVRTC and cuBLAS libraries;
#  - adds the unversioned .so links the linker looks for (libcublas.so, libnvrtc.so, ...);
#  - builds a stub libcuda.so (soname libcuda.so.1) exporting the driver-API symbols that
#    cudarc declares: it only satisfies the linker; at run time the GPU machine's real driver
#    library is loaded instead;
#  - puts a stand-in `nvidia-smi` first on PATH that reports COMPUTE_CAP (default 9.0, the
#    H100/H200), because dfdx's build script asks nvidia-smi which architecture to compile
#    its PTX kernels for;
#  - exports CUDA_ROOT and PATH.
#
# On the GPU machine, run the binary with the CUDA 13 libraries on the loader path, e.g.
#   export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH
# (libcuda.so.1 comes with the driver). Checked: a dfdx 0.13 tensor program built this way ran
# on an H200 (driver 580, CUDA 13.0) and matched dfdx's CPU device to 1e-8.
set -euo pipefail
dir="${1:-$HOME/.cache/cuda-13.0-build}"
cap="${2:-9.0}"
root="$dir/nvidia/cu13"
if [ ! -x "$root/bin/nvcc" ] || [ ! -e "$root/lib/libcublas.so" ]; then
  echo "cuda-build-env: installing CUDA 13.0 wheels into $dir (about 1 GB)" >&2
  python3 -m pip install --quiet --no-deps --target "$dir" --upgrade \
    "nvidia-cuda-nvcc==13.0.*" "nvidia-nvvm==13.0.*" "nvidia-cuda-crt==13.0.*" \
    "nvidia-cuda-runtime==13.0.*" "nvidia-cuda-cccl==13.0.*" "nvidia-cuda-nvrtc==13.0.*" \
    "nvidia-cublas==13.0.*" >&2
fi
cd "$root/lib"
for l in cublas cublasLt nvrtc cudart; do [ -e "lib$l.so" ] || ln -s "lib$l.so.13" "lib$l.so"; done
[ -e "$root/lib64" ] || ln -s lib "$root/lib64"
if [ ! -e libcuda.so ]; then
  sys=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.9.*/src/driver/sys.rs 2>/dev/null | head -1)
  if [ -z "$sys" ]; then
    echo "cuda-build-env: cudarc 0.9 sources not found; run 'cargo fetch' in the workspace first" >&2
    return 1 2>/dev/null || exit 1
  fi
  grep -oE "pub fn cu[A-Za-z0-9_]+" "$sys" | awk '{print $3}' | sort -u |
    awk '{print "int " $1 "(void){return 999;}"}' >"$root/libcuda_stub.c"
  cc -shared -fPIC -o libcuda.so -Wl,-soname,libcuda.so.1 "$root/libcuda_stub.c"
fi
mkdir -p "$dir/fakebin"
printf '#!/bin/sh\n# stand-in for a GPU-less build: dfdx asks which architecture to compile for\necho compute_cap\necho %s\n' "$cap" >"$dir/fakebin/nvidia-smi"
chmod +x "$dir/fakebin/nvidia-smi"
cd - >/dev/null
export CUDA_ROOT="$root"
export PATH="$dir/fakebin:$root/bin:$PATH"
echo "cuda-build-env: CUDA_ROOT=$CUDA_ROOT; nvcc $("$root/bin/nvcc" --version | tail -1 | awk '{print $NF}'); target compute capability $cap" >&2
