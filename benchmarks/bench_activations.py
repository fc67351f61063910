"""Throughput of actlib's activations against the fastest well-known implementation.

    .venv/bin/python benchmarks/bench_activations.py [--n 10000000] [--repeat 5]

For each activation: forward and derivative time on n float32 values (best of --repeat), next
to a reference measured in the same run: SciPy's expit/softmax, NumPy's tanh/maximum, or the
plain one-line NumPy formula (which may overflow or cancel: actlib may not). Goal: ratio <= 2.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy.special import erf, expit
from scipy.special import softmax as scipy_softmax

import actlib as act

SQRT2 = np.float32(np.sqrt(2))
INV_SQRT_2PI = np.float32(1 / np.sqrt(2 * np.pi))
RRELU_MEAN = np.float32((1 / 8 + 1 / 3) / 2)
ONE = np.float32(1)


def _leaky(a):
    a = np.float32(a)
    return (lambda x: np.where(x > 0, x, a * x)), (lambda x: np.where(x > 0, ONE, a))


def _softmax_rows(x):
    return scipy_softmax(x, axis=-1)


def _softmax_rows_derivative(x):
    p = scipy_softmax(x, axis=-1)
    return p * (1 - p)


def _gelu(x):
    return x * 0.5 * (1 + erf(x / SQRT2))


def _gelu_derivative(x):
    return 0.5 * (1 + erf(x / SQRT2)) + x * INV_SQRT_2PI * np.exp(-0.5 * x * x)


def _silu_derivative(x):
    s = expit(x)
    return s * (1 + x * (1 - s))


def _mish(x):
    return x * np.tanh(np.log1p(np.exp(x)))


def _mish_derivative(x):
    sp = np.log1p(np.exp(x))
    t = np.tanh(sp)
    return t + x * (1 - t * t) * expit(x)


# name -> (reference f, reference f', what the reference is)
REFERENCES = {
    "linear": (np.copy, np.ones_like, "np.copy / np.ones_like"),
    "sigmoid": (expit, lambda x: expit(x) * (1 - expit(x)), "scipy expit"),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, "np.tanh"),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(x.dtype), "np.maximum"),
    "leaky_relu": (*_leaky(0.01), "np.where"),
    "prelu": (*_leaky(0.25), "np.where"),
    "rrelu": (*_leaky(RRELU_MEAN), "np.where (test time)"),
    "elu": (lambda x: np.where(x > 0, x, np.expm1(x)),
            lambda x: np.where(x > 0, ONE, np.exp(x)), "np.where + expm1"),
    "selu": (lambda x: act.SELU_SCALE * np.where(x > 0, x, act.SELU_ALPHA * np.expm1(x)),
             lambda x: act.SELU_SCALE * np.where(x > 0, ONE, act.SELU_ALPHA * np.exp(x)),
             "np.where + expm1"),
    "softmax": (_softmax_rows, _softmax_rows_derivative, "scipy softmax (rows of 10)"),
    "softplus": (lambda x: np.logaddexp(0, x), expit, "np.logaddexp"),
    "gelu": (_gelu, _gelu_derivative, "scipy erf formula"),
    "silu": (lambda x: x * expit(x), _silu_derivative, "x * expit(x)"),
    "mish": (_mish, _mish_derivative, "one-line formula"),
}


def best_time(fn, x, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn(x)
        best = min(best, time.perf_counter() - start)
    return best


def measure(n: int = 10_000_000, repeat: int = 5, seed: int = 0) -> list[dict]:
    """One row per activation: times in seconds for actlib and reference, forward and f'."""
    x = np.random.default_rng(seed).normal(0, 3, n).astype(np.float32)
    rows = []
    for name in act.NAMES:
        fn = act.get(name)
        ref_f, ref_df, ref_name = REFERENCES[name]
        data = x.reshape(-1, 10) if name == "softmax" else x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the plain references may overflow; actlib may not
            rows.append({
                "name": name, "reference": ref_name,
                "f": best_time(fn, data, repeat), "f_ref": best_time(ref_f, data, repeat),
                "df": best_time(fn.derivative, data, repeat),
                "df_ref": best_time(ref_df, data, repeat),
            })
    return rows


def markdown(rows: list[dict], n: int) -> str:
    lines = [f"Float32, n = {n:,} values, best of several runs (ms); ratio = actlib / reference.",
             "",
             "| activation | reference | f actlib | f ref | ratio | f' actlib | f' ref | ratio |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['reference']} | {1e3 * r['f']:.1f} | "
                     f"{1e3 * r['f_ref']:.1f} | {r['f'] / r['f_ref']:.2f} | {1e3 * r['df']:.1f} | "
                     f"{1e3 * r['df_ref']:.1f} | {r['df'] / r['df_ref']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(markdown(measure(args.n, args.repeat), args.n))


if __name__ == "__main__":
    main()
