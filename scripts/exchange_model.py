#!/usr/bin/env python3
"""Scaling model of the exchanges, fitted to scripts/exchange-bench.sh's measurements.

Inputs (stated, then fitted):
  S        gradient bytes per step = parameters x 4 (float32)
  R        link rate in bytes/s (the tc rate of the run; every host, the driver's too, has one link)
  peer exchange alone, per step:    T_peer(N)    = 2 (N-1)/N * S / (eta_p R) + (N-1) alpha + kappa 2 (N-1) S / C
                                    (reduce-scatter + all-gather; alpha: cost per peer message round; kappa: CPU
                                    seconds per byte moved, paid on the C = --cores cores that all N emulated
                                    hosts share here; on a real cluster each host pays kappa 2 (N-1)/N S itself)
  barrier exchange alone, per step: T_barrier(N) = N * S / (eta_b R) + c_b                   (the driver's link carries N
                                                                                               gradients in, N weights out)
  eta_p in (0, 1], alpha >= 0, eta_b in (0, 1], c_b >= 0: least relative squared error (grid search) on the
  'exchange' workload (2 rows per executor: computation negligible), points given by --fit-tasks.
  computation per row: from the 'train' workload at the smallest N (one core per executor there);
  a model of P parameters computes P/1,082,680 as long per row (FLOPs grow with the weights).
  update: Adam, proportional to the parameters updated (the fastest per-parameter figure of the
  'exchange' peer rows: the others include other JVMs' competition for the 2 cores).
  overlap: the reduce-scatter streams out during the backward pass; the model hides at most
  phi x computation of it, phi fitted on the 'train' peer rows.
Step time of the peer exchange with b rows per executor:
  T(N) = C(b) + U(S/N) + T_ag(N) + max(0, T_rs(N) - phi C(b)),  T_rs = T_ag = T_peer / 2
Scaling efficiency at N executors (weak scaling, b rows each) = (C(b) + U(S)) / T(N): the rows/s per
executor against one executor that trains alone with no exchange.
With exchangePrecision=bfloat16 (rows whose mode is "peer+bf16", not used by the fit) the
reduce-scatter moves half the bytes: its byte terms (link and CPU) are halved, the all-gather's not.

Usage: scripts/exchange_model.py MEASURED.tsv [--rate-gbit 10] [--rows 256]
Prints the fitted inputs, measured vs modelled points, and predictions for N up to 64 for the
Fashion-MNIST model (1,082,680 parameters) and a 100,000-parameter tabular model.
"""
import argparse
import csv
import math

FMNIST_PARAMS = 1_082_680
TABLE_PARAMS = 100_000


def rate_bytes(text):
    t = text.lower()
    for unit, mult in (("gbit", 1e9), ("mbit", 1e6)):
        if t.endswith(unit):
            return float(t[: -len(unit)]) * mult / 8
    raise ValueError(text)


def grid_fit(rows, model, xs, ys):
    """The (x, y) of the grids with the least relative squared error of model(row, x, y) against the exchange time."""
    best = None
    for x in xs:
        for y in ys:
            err = sum((model(r, x, y) / r["exchange_ms"] - 1) ** 2 for r in rows)
            if best is None or err < best[0]:
                best = (err, x, y)
    return best[1], best[2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("measured")
    p.add_argument("--rate-gbit", type=float, default=10.0)
    p.add_argument("--rows", type=int, default=256, help="rows per executor per step")
    p.add_argument("--params", type=int, default=FMNIST_PARAMS, help="parameters of the measured model")
    p.add_argument("--fit-tasks", default="2,4,8", help="the N whose exchange points the fit uses")
    p.add_argument("--cores", type=int, default=2, help="cores of the machine that emulated the hosts")
    a = p.parse_args()
    rows = list(csv.DictReader(open(a.measured), delimiter="\t"))
    for r in rows:
        r["N"] = int(r["tasks"])
        r["S"] = int(r.get("params") or a.params) * 4.0
        r["R"] = rate_bytes(r["rate"])
        for k in ("step_ms", "compute_ms", "exchange_ms", "update_ms"):
            r[k] = float(r[k]) / 1000
    S = a.params * 4.0
    ex = [r for r in rows if r["workload"] == "exchange"]
    peer = [r for r in ex if r["mode"] == "peer"]
    barrier = [r for r in ex if r["mode"] == "barrier"]

    fit_tasks = {int(n) for n in a.fit_tasks.split(",")}
    etas = [k / 100 for k in range(20, 101)]
    C = a.cores

    def peer_halves(r, eta, al, kappa, emulated=True, rs_bytes=1.0):
        """(reduce-scatter, all-gather) seconds; rs_bytes scales the reduce-scatter's bytes."""
        n = r["N"]
        cpu = kappa * (n - 1) * r["S"] / C if emulated else kappa * (n - 1) / n * r["S"]
        per_byte = (n - 1) / n * r["S"] / (eta * r["R"]) + cpu
        return rs_bytes * per_byte + (n - 1) * al / 2, per_byte + (n - 1) * al / 2

    def t_peer(r, eta, al, kappa, emulated=True, rs_bytes=1.0):
        return sum(peer_halves(r, eta, al, kappa, emulated, rs_bytes))

    best = None
    fit_rows = [r for r in peer if r["N"] in fit_tasks]
    for kappa in [k * 5e-11 for k in range(0, 61)]:
        eta, al = grid_fit(fit_rows, lambda r, e, x: t_peer(r, e, x, kappa), [k / 20 for k in range(10, 21)],
                           [k / 1e5 for k in range(0, 301, 2)])
        err = sum((t_peer(r, eta, al, kappa) / r["exchange_ms"] - 1) ** 2 for r in fit_rows)
        if best is None or err < best[0]:
            best = (err, eta, al, kappa)
    _, eta_p, alpha, kappa = best
    eta_b, c_b = grid_fit([r for r in barrier if r["N"] in fit_tasks],
                          lambda r, eta, c: r["N"] * r["S"] / (eta * r["R"]) + c, etas, [k / 1e4 for k in range(0, 501)])
    upd = min(r["update_ms"] / (r["S"] / 4 / r["N"]) for r in peer if r["S"] == S)
    train = [r for r in rows if r["workload"] == "train" and r["S"] == S]
    n_min = min((r["N"] for r in train), default=None)
    per_row = None
    phi = 0.0
    if train:
        base = [r for r in train if r["N"] == n_min]
        per_row = sum(r["compute_ms"] / (1024 / r["N"]) for r in base) / len(base)
        # phi: the share of computation under which the reduce-scatter hides, fitted on the peer train rows.
        best = None
        for k in range(0, 101):
            f = k / 100
            err = 0
            for r in (r for r in train if r["mode"] == "peer"):
                t = t_peer(r, eta_p, alpha, kappa)
                model = r["compute_ms"] + r["update_ms"] + t / 2 + max(0, t / 2 - f * r["compute_ms"])
                err += (model - r["step_ms"]) ** 2
            if best is None or err < best[0]:
                best = (err, f)
        phi = best[1]

    print("Fitted inputs (from %s):" % a.measured)
    print("  peer:    effective link use eta_p = %.2f of the rate, per-peer cost alpha = %.2f ms, CPU per byte "
          "moved kappa = %.2f ns" % (eta_p, alpha * 1e3, kappa * 1e9))
    print("  barrier: effective link use eta_b = %.2f of the rate, constant c_b = %.1f ms" % (eta_b, c_b * 1e3))
    print("  update:  %.2f ns per shard parameter" % (upd * 1e9))
    if per_row:
        print("  computation: %.3f ms per row per core (train workload, N = %d); reduce-scatter hidden under "
              "phi = %.2f of it" % (per_row * 1e3, n_min, phi))
    print()
    print("Measured vs modelled (ms per step):")
    print("  %-8s %-8s %-8s %3s %9s %10s %10s %8s" % ("rate", "workload", "mode", "N", "params", "measured",
                                                     "modelled", "error"))
    for r in rows:
        n, R, S = r["N"], r["R"], r["S"]
        if r["mode"].startswith("peer"):
            t = t_peer(r, eta_p, alpha, kappa, rs_bytes=0.5 if r["mode"].endswith("+bf16") else 1.0)
            if r["workload"] == "train":
                model = r["compute_ms"] + r["update_ms"] + t / 2 + max(0, t / 2 - phi * r["compute_ms"])
                measured = r["step_ms"]
            else:
                model, measured = t, r["exchange_ms"]
        else:
            t = n * S / (eta_b * R) + c_b
            if r["workload"] == "train":
                model, measured = r["compute_ms"] + r["update_ms"] + t, r["step_ms"]
            else:
                model, measured = t, r["exchange_ms"]
        print("  %-8s %-8s %-8s %3d %9d %10.1f %10.1f %7.0f%%" % (r["rate"], r["workload"], r["mode"], n, S / 4,
                                                               measured * 1e3, model * 1e3,
                                                               100 * (model / measured - 1)))
    if not per_row:
        return
    R = a.rate_gbit * 1e9 / 8
    print()
    print("Predicted at %.0f Gbit/s, %d rows per executor per step (efficiency = rows/s per executor against one "
          "executor alone):" % (a.rate_gbit, a.rows))
    for name, params in (("Fashion-MNIST model", FMNIST_PARAMS), ("100,000-parameter table model", TABLE_PARAMS)):
        s = params * 4.0
        compute = a.rows * per_row * params / a.params
        alone = compute + upd * params
        print("  %s (%d parameters, %.1f MB gradient; computation %.1f ms per step):" % (name, params, s / 1e6,
                                                                                        compute * 1e3))
        print("    %4s %12s %10s %16s %14s %12s %10s" % ("N", "peer step", "peer eff.", "peer+bf16 step",
                                                     "peer+bf16 eff.", "barrier step", "barrier eff."))
        for n in (2, 4, 8, 16, 32, 64):
            steps = []
            for rs_bytes in (1.0, 0.5):
                rs, ag = peer_halves({"N": n, "S": s, "R": R}, eta_p, alpha, kappa, emulated=False, rs_bytes=rs_bytes)
                steps.append(compute + upd * params / n + ag + max(0, rs - phi * compute))
            bar_step = compute + upd * params + n * s / (eta_b * R) + c_b
            print("    %4d %10.1f ms %9.0f%% %14.1f ms %13.0f%% %10.1f ms %11.0f%%" % (
                n, steps[0] * 1e3, 100 * alone / steps[0], steps[1] * 1e3, 100 * alone / steps[1],
                bar_step * 1e3, 100 * alone / bar_step))


if __name__ == "__main__":
    main()
