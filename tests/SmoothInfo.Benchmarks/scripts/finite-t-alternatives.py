#!/usr/bin/env python3
"""Two alternatives to the finite-t Chebyshev filter, measured before building them (docs/benchmarks.md, issue 14 item 4).

The benchmark's kernel is J J^T with J Gaussian (n k = 4,000 rows, rank 8,000): a Marchenko-Pastur spectrum with ratio 1/2,
plus the weight decay 1e-3; eta = 0.5 / lambda_max, t = 1,000 discrete steps, phi(x) = (1 - (1 - eta x)^t) / x, tolerance
1e-12 of the smallest phi on the interval (ChebyshevLeaveOneOut.RelativeTolerance). Printed:
  1. the degree the Chebyshev interpolant of phi needs, against the transient of the split phi = 1/x - (1 - eta x)^t / x
     (the closed form minus what training has not yet removed) and against (1 - eta x)^t alone, for several t;
  2. the iterations per-sample Lanczos (full reorthogonalization) needs for phi(A) b on the same spectrum, random b.
Coefficients in 40-digit arithmetic (mpmath) so that round-off does not hide the tail. Debian: python3-numpy, python3-mpmath.
Usage: python3 tests/SmoothInfo.Benchmarks/scripts/finite-t-alternatives.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
RATIO, DECAY, TOLERANCE = 0.5, 1e-3, 1e-12
LOWER = (1 - mp.sqrt(RATIO)) ** 2 + DECAY
UPPER = (1 + mp.sqrt(RATIO)) ** 2 + DECAY


def chebyshev_coefficients(f, lower, upper, degree):
    points = [(lower + upper) / 2 + (upper - lower) / 2 * mp.cos(mp.pi * j / degree) for j in range(degree + 1)]
    values = [f(x) for x in points]
    coefficients = []
    for k in range(degree + 1):
        total = mp.fsum((values[j] / 2 if j in (0, degree) else values[j]) * mp.cos(mp.pi * j * k / degree) for j in range(degree + 1))
        coefficients.append((1 if k in (0, degree) else 2) * total / degree)
    return coefficients


def truncated_degree(coefficients, tolerance):
    """The lowest degree whose dropped tail sums to at most the tolerance (|T_j| <= 1 on the interval)."""
    degree, dropped = len(coefficients) - 1, mp.mpf(0)
    while degree > 0 and dropped + abs(coefficients[degree]) <= tolerance:
        dropped += abs(coefficients[degree])
        degree -= 1
    return degree


def degrees(steps):
    eta = mp.mpf("0.5") / UPPER
    phi = lambda x: (1 - (1 - eta * x) ** steps) / x
    tolerance = TOLERANCE * min(phi(LOWER), phi(UPPER))
    transient = lambda x: (1 - eta * x) ** steps / x
    power = lambda x: (1 - eta * x) ** steps
    return (float(eta * steps * LOWER),
            truncated_degree(chebyshev_coefficients(phi, LOWER, UPPER, 160), tolerance),
            truncated_degree(chebyshev_coefficients(transient, LOWER, UPPER, 160), tolerance),
            # (1 - eta A)^t b, then a solve with A: its error is multiplied by up to 1 / lower.
            truncated_degree(chebyshev_coefficients(power, LOWER, UPPER, 160), tolerance * LOWER))


def marchenko_pastur(count):
    low, high = (1 - np.sqrt(RATIO)) ** 2, (1 + np.sqrt(RATIO)) ** 2
    density = lambda x: np.sqrt(np.maximum(0, (high - x) * (x - low))) / (2 * np.pi * RATIO * x)
    grid = np.linspace(low, high, 100001)
    cdf = np.cumsum(density(grid))
    cdf /= cdf[-1]
    return np.interp((np.arange(count) + 0.5) / count, cdf, grid) + DECAY


def lanczos_iterations(count=4000, seed=1, limit=140):
    rng = np.random.default_rng(seed)
    spectrum = marchenko_pastur(count)
    eta = 0.5 / spectrum[-1]
    phi = lambda x: (1 - (1 - eta * x) ** 1000) / x
    tolerance = TOLERANCE * min(phi(spectrum[0]), phi(spectrum[-1]))
    b = rng.standard_normal(count)
    exact = phi(spectrum) * b / np.linalg.norm(b)
    basis = np.zeros((limit + 1, count))
    basis[0] = b / np.linalg.norm(b)
    alphas, betas = [], []
    for j in range(limit):
        w = spectrum * basis[j]
        alphas.append(w @ basis[j])
        w -= basis[: j + 1].T @ (basis[: j + 1] @ w)
        w -= basis[: j + 1].T @ (basis[: j + 1] @ w)
        betas.append(np.linalg.norm(w))
        basis[j + 1] = w / betas[-1]
        tridiagonal = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
        values, vectors = np.linalg.eigh(tridiagonal)
        approximation = basis[: j + 1].T @ (vectors @ (phi(values) * vectors[0]))
        if np.linalg.norm(approximation - exact) <= tolerance:
            return j + 1, spectrum[0], spectrum[-1]
    return None, spectrum[0], spectrum[-1]


if __name__ == "__main__":
    print(f"interval [{float(LOWER):.4f}, {float(UPPER):.4f}], tolerance {TOLERANCE:g} of the smallest phi")
    print("| t | eta t lambda_min | degree of phi | of the transient (1 - eta x)^t / x | of (1 - eta x)^t, then a solve |")
    print("|---:|---:|---:|---:|---:|")
    for steps in (100, 300, 1000, 2000, 3000):
        print("| {} | {:.1f} | {} | {} | {} |".format(steps, *degrees(steps)))
    iterations, low, high = lanczos_iterations()
    print(f"Lanczos for phi(A) b at t = 1000 on {4000} Marchenko-Pastur eigenvalues in [{low:.4f}, {high:.4f}]: "
          f"{iterations} iterations to the same tolerance")
