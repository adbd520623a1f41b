#!/usr/bin/env python3
"""TVAE-style tabular VAE baseline, for side-by-side quality and speed against vae-spark's table VAE.

Written for this project from the paper's description (Xu et al. 2019, "Modeling Tabular data
using Conditional GAN", the TVAE section) and SDV's published defaults; it is not SDV/CTGAN code.
  * mode-specific normalisation: each int/long/double column gets a BayesianGaussianMixture
    (10 components, Dirichlet process prior 0.001); modes with weight > 0.005 are kept; a value
    becomes alpha = (x - mu_k) / (4 sigma_k) in [-0.99, 0.99] plus a one-hot of a mode k drawn
    from its posterior; a column with missing values gets a 2-level "is missing" indicator
    (missing cells are filled with the column mean before the mixture);
  * string/boolean columns are one-hot over their levels, null being one more level;
  * encoder d-128-128 -> (mu, logvar) of size 128; decoder 128-128-128-d plus learned sigma (d);
  * loss: Gaussian NLL on alphas + cross-entropy per softmax span, times 2, plus KL, per row;
    Adam(lr 1e-3, weight decay 1e-5), sigma clamped to [0.01, 1] after each step.

Run with the Debian Python (the pyenv `python3` shim has no torch):
  /usr/bin/python3 scripts/tvae_baseline.py --train TRAIN.csv \
      --types "a:double,b:int,c:string,d:boolean" --rows 1000 --out SYNTH.csv \
      [--epochs 300] [--batch 500] [--seed 1] [--threads 2]
TRAIN.csv is Spark-style CSV (null = empty field, NaN = missing). Prints one JSON line on stdout
("final_loss" is the mean per-batch loss of the last epoch); everything else goes to stderr.
"""
import argparse
import csv
import json
import math
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture
from torch import nn
import torch.nn.functional as F

CONTINUOUS, DISCRETE = ("int", "long", "double"), ("string", "boolean")


def read_csv(path, types):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, escapechar="\\"))  # doublequote=True also accepts "" escapes
    header, rows = rows[0], [r for r in rows[1:] if r]
    if header != [n for n, _ in types]:
        sys.exit(f"--types names {[n for n, _ in types]} do not match the header {header}")
    columns = []
    for j, (_, t) in enumerate(types):
        cells = [r[j] if j < len(r) else "" for r in rows]
        if t in CONTINUOUS:
            vals = np.array([float(c) if c not in ("", "NaN") else np.nan for c in cells])
            vals[~np.isfinite(vals)] = np.nan
            columns.append(vals)
        else:
            columns.append([c if c != "" else None for c in cells])
    return header, columns, len(rows)


class ContinuousColumn:
    """Mode-specific normalisation of one numeric column, plus a null indicator if needed."""

    def __init__(self, values, seed):
        present = values[~np.isnan(values)]
        self.has_null = len(present) < len(values)
        self.lo, self.hi = (present.min(), present.max()) if len(present) else (0.0, 0.0)
        self.fill = present.mean() if len(present) else 0.0
        filled = np.where(np.isnan(values), self.fill, values).reshape(-1, 1)
        self.bgm = None
        if len(np.unique(filled)) < 2:  # degenerate column: one mode, alpha always 0
            self.means, self.stds, self.keep = np.array([filled[0, 0]]), np.ones(1), np.array([0])
        else:
            self.bgm = BayesianGaussianMixture(
                n_components=min(10, len(filled)), weight_concentration_prior_type="dirichlet_process",
                weight_concentration_prior=0.001, n_init=1, random_state=seed).fit(filled)
            self.keep = np.flatnonzero(self.bgm.weights_ > 0.005)
            self.means = self.bgm.means_.reshape(-1)[self.keep]
            self.stds = np.sqrt(self.bgm.covariances_.reshape(-1))[self.keep]
        self.spans = [("tanh", 1), ("softmax", len(self.keep))] + ([("softmax", 2)] if self.has_null else [])

    def transform(self, values, rng):
        missing = np.isnan(values)
        x = np.where(missing, self.fill, values)
        n, k = len(x), len(self.keep)
        if self.bgm is None:
            mode = np.zeros(n, dtype=int)
        else:  # draw each value's mode from its posterior over the kept modes
            post = self.bgm.predict_proba(x.reshape(-1, 1))[:, self.keep] + 1e-6
            post /= post.sum(axis=1, keepdims=True)
            mode = (post.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1).clip(max=k - 1)
        out = [np.clip((x - self.means[mode]) / (4 * self.stds[mode]), -0.99, 0.99)[:, None],
               np.eye(k)[mode]]
        if self.has_null:
            out.append(np.eye(2)[missing.astype(int)])
        return np.hstack(out)

    def inverse(self, block, sigma, rng):
        alpha = np.clip(rng.normal(block[:, 0], sigma[0]), -1, 1)
        mode = block[:, 1:1 + len(self.keep)].argmax(axis=1)
        x = alpha * 4 * self.stds[mode] + self.means[mode]
        out = x.astype(object)
        if self.has_null:
            out[block[:, -2:].argmax(axis=1) == 1] = None
        return out


class DiscreteColumn:
    """One-hot of a string/boolean column's levels; None (null) is just another level."""

    def __init__(self, cells):
        self.levels = sorted(set(cells), key=lambda v: (v is not None, v or ""))
        self.index = {v: i for i, v in enumerate(self.levels)}
        self.spans = [("softmax", len(self.levels))]

    def transform(self, cells, rng):
        return np.eye(len(self.levels))[[self.index[c] for c in cells]]

    def inverse(self, block, sigma, rng):
        return np.array(self.levels, dtype=object)[block.argmax(axis=1)]


class Tvae(nn.Module):
    def __init__(self, d, hidden=128, latent=128):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.mu, self.logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                                     nn.ReLU(), nn.Linear(hidden, d))
        self.sigma = nn.Parameter(torch.full((d,), 0.1))
        self.latent = latent

    def loss(self, x, spans, factor=2.0):
        h = self.encoder(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        out = self.decoder(z)
        rec, st = 0.0, 0
        for kind, size in spans:
            if kind == "tanh":
                s = self.sigma[st]
                rec = rec + ((x[:, st] - torch.tanh(out[:, st])) ** 2 / (2 * s ** 2)).sum() + torch.log(s) * len(x)
            else:
                rec = rec + F.cross_entropy(out[:, st:st + size], x[:, st:st + size].argmax(dim=1), reduction="sum")
            st += size
        kl = -0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp())
        return (rec * factor + kl) / len(x)


def format_cell(v, t, col):
    if v is None:
        return ""
    if t in ("int", "long"):
        return str(int(np.clip(np.rint(v), col.lo, col.hi)))
    return repr(float(v)) if t == "double" else v


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", required=True)
    p.add_argument("--types", required=True, help='"name:type,..." with int|long|double|string|boolean')
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    types = [tuple(s.rsplit(":", 1)) for s in a.types.split(",")]
    for name, t in types:
        if t not in CONTINUOUS + DISCRETE:
            sys.exit(f"column {name}: unknown type {t}")
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    rng = np.random.default_rng(a.seed)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # BGM often stops at max_iter

    header, columns, n = read_csv(a.train, types)
    t0 = time.perf_counter()
    cols = [ContinuousColumn(v, a.seed) if t in CONTINUOUS else DiscreteColumn(v)
            for v, (_, t) in zip(columns, types)]
    data = torch.from_numpy(np.hstack([c.transform(v, rng) for c, v in zip(cols, columns)]).astype(np.float32))
    transform_seconds = time.perf_counter() - t0
    spans = [s for c in cols for s in c.spans]
    print(f"{n} rows -> {data.shape[1]} features, {len(spans)} spans", file=sys.stderr)

    model = Tvae(data.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    final_loss = float("nan")
    for epoch in range(a.epochs):
        perm, total, batches = torch.randperm(n), 0.0, 0
        for i in range(0, n, a.batch):
            loss = model.loss(data[perm[i:i + a.batch]], spans)
            opt.zero_grad()
            loss.backward()
            opt.step()
            model.sigma.data.clamp_(0.01, 1.0)
            total, batches = total + loss.item(), batches + 1
        final_loss = total / batches
        if epoch % 50 == 0 or epoch == a.epochs - 1:
            print(f"epoch {epoch + 1}/{a.epochs} loss {final_loss:.4f}", file=sys.stderr)
    fit_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    model.eval()
    with torch.no_grad():
        outs = [torch.tanh(model.decoder(torch.randn(a.batch, model.latent))) for _ in range(a.rows // a.batch + 1)]
    fake, sigma = torch.cat(outs)[:a.rows].numpy().astype(np.float64), model.sigma.detach().numpy().astype(np.float64)
    decoded, st = [], 0
    for c in cols:
        width = sum(size for _, size in c.spans)
        decoded.append(c.inverse(fake[:, st:st + width], sigma[st:st + width], rng))
        st += width
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in range(a.rows):
            w.writerow([format_cell(d[i], t, c) for d, (_, t), c in zip(decoded, types, cols)])
    sample_seconds = time.perf_counter() - t1

    print(json.dumps({
        "impl": "tvae-torch", "rows_trained": n, "epochs": a.epochs, "batch": a.batch,
        "fit_seconds": round(fit_seconds, 3), "transform_seconds": round(transform_seconds, 3),
        "sample_seconds": round(sample_seconds, 3), "torch": torch.__version__,
        "threads": torch.get_num_threads(), "parameters": sum(q.numel() for q in model.parameters()),
        "final_loss": final_loss if math.isfinite(final_loss) else None}))


if __name__ == "__main__":
    main()
