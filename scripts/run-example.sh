#!/usr/bin/env bash
# The example run: trains a VAE on Fashion-MNIST in Spark local[*] through spark-submit's own
# entry point and writes to out/: the model, Parquet with the appended columns, PNG pictures and
# the test-set ELBO. Usage: scripts/run-example.sh [--data DIR] [--epochs N] [--batch N] [--out DIR]
source "$(dirname "$0")/common.sh"

DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
EPOCHS=8
BATCH=256
OUT="$ROOT/out"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ ! -f "$DATA/train-images-idx3-ubyte.gz" ]; then
  if [ "$DATA" = /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's dataset-fashion-mnist..." >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dataset-fashion-mnist >&2
  fi
  [ -f "$DATA/train-images-idx3-ubyte.gz" ] || { echo "No Fashion-MNIST IDX files in $DATA; pass --data DIR" >&2; exit 1; }
fi

vae_build
mkdir -p "$OUT"
LABELS="T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"
start=$(date +%s)

vae_submit --master 'local[*]' -- train --input "$DATA/train-images-idx3-ubyte.gz" \
  --labels "$DATA/train-labels-idx1-ubyte.gz" --model "$OUT/model" --overwrite \
  --likelihood bernoulli --encoder-layers 512,256 --latent-dim 20 --batch-size "$BATCH" --max-epochs "$EPOCHS" \
  --seed 1

vae_submit --master 'local[*]' -- transform --model "$OUT/model" --input "$DATA/t10k-images-idx3-ubyte.gz" \
  --labels "$DATA/t10k-labels-idx1-ubyte.gz" --output "$OUT/test-transformed.parquet" --elbo-col elbo --overwrite

vae_submit --master 'local[*]' -- sample --model "$OUT/model" --n 64 --seed 7 --output "$OUT/samples.parquet" --overwrite

vae_submit --master 'local[*]' -- plots --history "$OUT/model.history.json" \
  --transformed "$OUT/test-transformed.parquet" --samples "$OUT/samples.parquet" --label-names "$LABELS" \
  --out "$OUT/pictures"

echo "Test-set evaluation (10,000 rows; log-likelihood by importance sampling with k=100):"
vae_submit --master 'local[*]' -- evaluate --model "$OUT/model" --input "$DATA/t10k-images-idx3-ubyte.gz" \
  --iwae-k 100 | tee "$OUT/test-metrics.json"

echo
echo "Wrote in $OUT ($(( $(date +%s) - start )) s):"
echo "  model/                      the saved VariationalAutoencoderModel (metadata + Parquet weights)"
echo "  model.history.json          per-epoch -ELBO, reconstruction and KL"
echo "  test-transformed.parquet/   test images with latentMean, reconstruction and elbo columns"
echo "  samples.parquet/            64 images generated from the prior"
echo "  pictures/*.png              loss curves, latent space, reconstructions, samples"
echo "  test-metrics.json           test-set negative ELBO and IWAE log-likelihood"
