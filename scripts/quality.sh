#!/usr/bin/env bash
# The quality bar: the 784-512-256-20 Bernoulli VAE on Fashion-MNIST, batch 128, Adam 1e-3,
# 10 epochs, trained by vae-spark (local[2]) and by PyTorch (2 threads), alternating; prints the
# test-set negative ELBO per sample of each run and the relative difference of the medians.
# Usage: scripts/quality.sh [--reps N] [--epochs N]
source "$(dirname "$0")/common.sh"
REPS=1
EPOCHS=10
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
OUT="$ROOT/out/quality"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
vae_build
mkdir -p "$OUT"
: > "$OUT/results.jsonl"
for rep in $(seq 1 "$REPS"); do
  vae_java io.github.vaespark.bench.FashionMnistBench --batch 128 --epochs "$EPOCHS" --seed "$rep" --data "$DATA" \
    2>>"$OUT/spark.log" | grep '^{' | tee -a "$OUT/results.jsonl"
  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$ROOT/scripts/torch_vae.py" --batch 128 --epochs "$EPOCHS" --seed "$rep" \
    --data "$DATA" | tee -a "$OUT/results.jsonl"
done
/usr/bin/python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
s = [r["test_negative_elbo"] for r in rows if r["impl"].startswith("vae-spark")]
t = [r["test_negative_elbo"] for r in rows if r["impl"] == "pytorch"]
ms, mt = statistics.median(s), statistics.median(t)
print(f"test -ELBO per sample after {rows[0]['epochs']} epochs: vae-spark {[round(v, 2) for v in s]} "
      f"PyTorch {[round(v, 2) for v in t]}")
print(f"medians: vae-spark {ms:.2f}, PyTorch {mt:.2f}, difference {100 * (ms - mt) / mt:+.2f}% "
      f"({'within' if abs(ms - mt) <= 0.01 * mt else 'NOT within'} 1%)")
PY
