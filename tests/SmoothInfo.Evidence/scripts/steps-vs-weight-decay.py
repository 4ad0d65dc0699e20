#!/usr/bin/env python3
"""Does choosing the training time by exact leave-one-out error add anything to choosing the weight decay (issue 16, item 1)?

The starter's gaussian probe as docs/kernels.md describes it (standardized features, Gaussian kernel with the median squared
distance as bandwidth, predictions centred at the class frequencies, one-hot targets), on a served table with 4% of the
labels flipped uniformly. Two one-parameter families of the linearized model, each scanned on a log grid:
  - converged (t = infinity) with weight decay lambda: what `training.weightDecay: auto` chooses from, its exact leave-one-out
    residuals from one eigendecomposition ((I - H) R / diag(I - H), H = K (K + lambda I)^-1);
  - gradient flow for time t with lambda = 1e-6: the exact leave-one-out of every sample by an eigendecomposition of the
    kernel without it (the slow, obviously right way: n eigendecompositions; this is what `steps: auto` would choose from).
Printed per set: each family's best value, its leave-one-out squared error and the flips' AUROC under the residual at the
label (the label signal the gate ranks by). Debian: python3-numpy, python3-sklearn (its CSV files only).
Usage: python3 tests/SmoothInfo.Evidence/scripts/steps-vs-weight-decay.py [iris,wine,breast_cancer,digits] [1,2] [600]
"""
import gzip
import sys

import numpy as np

DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data/"


def load(name):
    if name == "digits":
        table = np.loadtxt(gzip.open(DATA + "digits.csv.gz"), delimiter=",")
    else:
        table = np.loadtxt(DATA + {"breast_cancer": "breast_cancer.csv", "wine": "wine_data.csv", "iris": "iris.csv"}[name],
                           delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1].astype(int)


def auroc(scores, positive):
    ranks = np.argsort(np.argsort(scores)) + 1
    p, q = positive.sum(), len(scores) - positive.sum()
    return (ranks[positive].sum() - p * (p + 1) / 2) / (p * q)


def planted(name, seed, most):
    x, y = load(name)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(y))[:most]
    x, y = x[rows], y[rows]
    n, k = len(y), y.max() + 1
    sd = x.std(0)
    x = (x - x.mean(0)) / np.where(sd > 0, sd, 1)
    flips = rng.choice(n, max(1, int(0.04 * n)), replace=False)
    labels = y.copy()
    labels[flips] = (y[flips] + 1 + rng.integers(0, k - 1, len(flips))) % k
    flipped = np.zeros(n, bool)
    flipped[flips] = True
    squared = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    kernel = np.exp(-squared / np.median(squared[np.triu_indices(n, 1)]))
    targets = np.eye(k)[labels]
    return kernel, targets - targets.mean(0), labels, flipped


def by_weight_decay(kernel, residual, labels, flipped):
    values, vectors = np.linalg.eigh(kernel)
    results = []
    for decay in 10 ** np.arange(-6, 4.01, 0.25):
        complement = vectors @ np.diag(decay / (values + decay)) @ vectors.T   # I - H
        loo = complement @ residual / np.diag(complement)[:, None]
        results.append(((loo ** 2).sum(1).mean(), decay, auroc(loo[np.arange(len(labels)), labels], flipped)))
    return min(results)


def by_training_time(kernel, residual, labels, flipped, decay=1e-6):
    times = 10 ** np.arange(-1, 7.01, 0.25)
    n = len(labels)
    errors, at_label = np.zeros(len(times)), np.zeros((len(times), n))
    for i in range(n):
        keep = np.arange(n) != i
        values, vectors = np.linalg.eigh(kernel[np.ix_(keep, keep)])
        row, rotated = kernel[i, keep] @ vectors, vectors.T @ residual[keep]
        for a, t in enumerate(times):
            shifted = values + decay
            change = (row * (-np.expm1(-t * shifted) / shifted)) @ rotated    # f_-i(x_i) - f_0(x_i)
            loo = residual[i] - change
            errors[a] += (loo ** 2).sum() / n
            at_label[a, i] = loo[labels[i]]
    return min((errors[a], times[a], auroc(at_label[a], flipped)) for a in range(len(times)))


if __name__ == "__main__":
    names = (sys.argv[1] if len(sys.argv) > 1 else "iris,wine,breast_cancer,digits").split(",")
    seeds = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "1,2").split(",")]
    most = int(sys.argv[3]) if len(sys.argv) > 3 else 600
    print("| set | seed | n | best lambda (t = inf) | its LOO error | flip AUROC | best t (lambda = 1e-6) | its LOO error | flip AUROC |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        for seed in seeds:
            problem = planted(name, seed, most)
            e1, decay, a1 = by_weight_decay(*problem)
            e2, time, a2 = by_training_time(*problem)
            print(f"| {name} | {seed} | {len(problem[2])} | {decay:.3g} | {e1:.4f} | {a1:.3f} | {time:.3g} | {e2:.4f} | {a2:.3f} |", flush=True)
