#!/usr/bin/env python3
"""PyTorch reference for vae-spark: the same VAE, data, optimiser and metrics, on the CPU.

Trains an MLP VAE (Gaussian encoder, Bernoulli decoder with logits) on Fashion-MNIST IDX files
with Adam, then prints one JSON line: training samples/s, test negative ELBO per sample (one
noise draw per row, like vae-spark), and inference rows/s (encoder mean + decoder mean).
With --precision bfloat16, forward and loss (training and evaluation) run under
torch.autocast('cpu', dtype=torch.bfloat16): the GEMMs take bfloat16 inputs, the loss is summed
in float32 (the network's outputs are cast back before it).
"""
import argparse
import contextlib
import gzip
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = np.frombuffer(data[:16], dtype=">i4")
    assert magic == 0x803, f"{path} is not an IDX image file"
    pixels = np.frombuffer(data[16:], dtype=np.uint8).reshape(count, rows * cols)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


class Vae(nn.Module):
    def __init__(self, dim, hidden, latent):
        super().__init__()
        enc, last = [], dim
        for h in hidden:
            enc += [nn.Linear(last, h), nn.ReLU()]
            last = h
        self.encoder = nn.Sequential(*enc)
        self.head = nn.Linear(last, 2 * latent)  # [mu; logvar], as vae-spark's head layer
        dec, last = [], latent
        for h in reversed(hidden):
            dec += [nn.Linear(last, h), nn.ReLU()]
            last = h
        dec.append(nn.Linear(last, dim))
        self.decoder = nn.Sequential(*dec)
        self.latent = latent

    def encode(self, x):
        h = self.head(self.encoder(x))
        return h[:, : self.latent], h[:, self.latent:]

    def loss_sums(self, x):
        mu, logvar = self.encode(x)
        mu, logvar = mu.float(), logvar.float()  # no-ops in float32; under autocast the loss stays float32
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z).float()
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = 0.5 * torch.sum(mu * mu + logvar.exp() - 1 - logvar)
        return recon, kl


def mapped_blas_libraries():
    """The BLAS shared libraries this process has mapped (Debian's torch calls whatever libblas.so.3 is)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
        return " ".join(sorted(paths)) or "none"
    except OSError:
        return "unknown"


def openblas_core():
    """The core type (kernel set) of the OpenBLAS this process runs on, or "none" if it is not OpenBLAS."""
    import ctypes
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "none"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden", default="512,256")
    p.add_argument("--latent", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--train-limit", type=int, default=0)
    p.add_argument("--skip-test", action="store_true", help="train only (no test ELBO, no inference timing)")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                   help="bfloat16: forward and loss under torch.autocast('cpu', dtype=torch.bfloat16)")
    args = p.parse_args()
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if args.precision == "bfloat16" \
        else contextlib.nullcontext

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train = read_idx_images(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    test = None if args.skip_test else read_idx_images(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    if args.train_limit:
        train = train[: args.train_limit]
    hidden = [int(h) for h in args.hidden.split(",") if h]
    model = Vae(train.shape[1], hidden, args.latent)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    history = []
    epoch_seconds = []
    start = time.perf_counter()
    for epoch in range(args.epochs):
        epoch_start = time.perf_counter()
        perm = torch.randperm(train.shape[0])
        total = 0.0
        for i in range(0, train.shape[0], args.batch):
            x = train[perm[i : i + args.batch]]
            with autocast():
                recon, kl = model.loss_sums(x)
            loss = (recon + kl) / x.shape[0]
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(recon + kl)
        history.append(total / train.shape[0])
        epoch_seconds.append(time.perf_counter() - epoch_start)
    train_seconds = time.perf_counter() - start

    recon_sum = kl_sum = float("nan")
    infer_seconds = float("nan")
    model.eval()
    if test is not None:
        with torch.no_grad(), autocast():
            recon_sum = kl_sum = 0.0
            for i in range(0, test.shape[0], 1024):
                r, k = model.loss_sums(test[i : i + 1024])
                recon_sum += float(r)
                kl_sum += float(k)
            t0 = time.perf_counter()
            for i in range(0, train.shape[0], 1024):
                mu, _ = model.encode(train[i : i + 1024])
                torch.sigmoid(model.decoder(mu))
            infer_seconds = time.perf_counter() - t0

    print(json.dumps({
        "impl": "pytorch",
        "torch": torch.__version__,
        "blas": mapped_blas_libraries(),
        "blas_core": openblas_core(),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "threads": torch.get_num_threads(),
        "precision": args.precision,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "batch": args.batch,
        "epochs": args.epochs,
        "train_rows": int(train.shape[0]),
        "train_seconds": train_seconds,
        "train_samples_per_second": train.shape[0] * args.epochs / train_seconds,
        "train_negative_elbo_history": history,
        "epoch_seconds": epoch_seconds,
        "test_negative_elbo": (recon_sum + kl_sum) / (1 if test is None else test.shape[0]),
        "test_reconstruction": recon_sum / (1 if test is None else test.shape[0]),
        "test_kl": kl_sum / (1 if test is None else test.shape[0]),
        "inference_rows_per_second": train.shape[0] / infer_seconds,
    }))


if __name__ == "__main__":
    main()
