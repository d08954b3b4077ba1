#!/usr/bin/env bash
# Issue 18's GPU check, in two halves, so that a GPU machine with no network and no Rust
# toolchain only runs what a CPU machine built.
#
#   scripts/gpu-check.sh build   # on any machine: builds the cuda binaries into gpu-bin/
#   scripts/gpu-check.sh run     # on the GPU machine, from the repository root (gpu-bin/ beside it)
#
# `run` prints, in well under 10 minutes:
#  1. the card (nvidia-smi);
#  2. conformance: every pytorch-mppi vector (tests/data/mppi_vectors.json) with injected
#     noise on the graph backend (`cuda`) and the fused kernel (`cuda-fused`), worst relative
#     error per quantity, each required ≤ 1e-4;
#  3. one MPPI call on Acrobot-DZ (RK4, H = 30, target-tracking + danger cost, device noise)
#     for K = 4096, 65536, 262144, 1048576 on both GPU backends, and the CPU lanes at 4096,
#     to set beside the issue's anchors (pytorch-mppi 122/83/83/112 ms, op-per-kernel dfdx
#     65/73/84/106 ms, fused 0.078/0.10/0.31/1.12 ms on an H200).
# gpu-bin/ (about 12 MB) must travel with the repository to the GPU machine.
set -uo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

if [ "$mode" = build ]; then
  set -e
  # shellcheck source=scripts/cuda-build-env.sh
  source scripts/cuda-build-env.sh "${CUDA_BUILD_DIR:-$HOME/.cache/cuda-13.0-build}"
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-cuda}"
  nice -n 10 cargo build --release --features cuda --bin rlmpc
  test_bin=$(nice -n 10 cargo test --release --features cuda --test mppi_conformance --no-run --message-format=json |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "mppi_conformance" and m.get("executable"):
        print(m["executable"])')
  mkdir -p gpu-bin
  cp "$CARGO_TARGET_DIR/release/rlmpc" "$test_bin" gpu-bin/
  mv gpu-bin/"$(basename "$test_bin")" gpu-bin/mppi_conformance
  strip gpu-bin/rlmpc gpu-bin/mppi_conformance
  du -sh gpu-bin
  exit 0
fi

[ -x gpu-bin/rlmpc ] || { echo "gpu-check: gpu-bin/ missing: run 'scripts/gpu-check.sh build' first" >&2; exit 2; }
echo "== card"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
# The CUDA 13 libraries the binaries load (NVRTC, cuBLAS, cuBLASLt); libcuda.so.1 comes with
# the driver. Look where toolkits and NVIDIA's wheels put them, then anywhere under /usr, /opt.
for lib in libnvrtc.so.13 libcublas.so.13 libcublasLt.so.13; do
  found=""
  for dir in /usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/lib/x86_64-linux-gnu \
    "$HOME/.cache/cuda-13.0-build/nvidia/cu13/lib" \
    $(python3 -c 'import sys; print(" ".join(sys.path))' 2>/dev/null | tr ' ' '\n' | sed -n 's|$|/nvidia/cu13/lib|p'); do
    [ -e "$dir/$lib" ] && { found="$dir"; break; }
  done
  [ -n "$found" ] || found=$(dirname "$(find /usr /opt "$HOME" -name "$lib" 2>/dev/null | head -1)" 2>/dev/null)
  [ -n "$found" ] && [ "$found" != . ] && export LD_LIBRARY_PATH="$found:${LD_LIBRARY_PATH:-}"
done
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
ldd gpu-bin/rlmpc | grep -E "nvrtc|cublas|libcuda" || true

status=0
for backend in cuda cuda-fused; do
  echo "== conformance, backend $backend (injected noise, each quantity ≤ 1e-4)"
  RLMPC_REPO="$PWD" RLMPC_CONFORMANCE_BACKEND=$backend timeout 120 gpu-bin/mppi_conformance \
    backend_named_by_the_environment --nocapture --test-threads 1 || status=1
done

echo "== one MPPI call, Acrobot-DZ, H = 30 (each backend on its own, so one failing hides no other)"
for backend in cuda-fused cuda; do
  timeout 240 gpu-bin/rlmpc bench --backend $backend --samples 4096,65536,262144,1048576 --horizon 30 \
    --seconds 2 --json "${OUT:-.}/gpu-bench-$backend.json" || status=1
done
timeout 60 gpu-bin/rlmpc bench --backend lanes --samples 4096 --horizon 30 --seconds 2 || status=1
exit $status
