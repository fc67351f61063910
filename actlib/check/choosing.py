"""Self-checks for 07_choosing_an_activation.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import get
from ._core import compare, numerical_derivative, report

__all__ = ["chain_derivative", "gradient_ratio", "mean_and_sem", "within_noise"]


def mean_and_sem(student_fn) -> bool | None:
    """Exercise: ``student_fn(values)`` returns (mean, standard error of the mean) of the values
    (one per seed), with the sample standard deviation (ddof=1)."""

    def judge():
        cases = [np.array([0.9, 0.95, 0.85]), np.array([0.5, 0.52, 0.47, 0.51, 0.49]),
                 np.array([1.0, 1.0, 1.0])]
        for v in cases:
            got = student_fn(v.copy())
            if not (isinstance(got, tuple) and len(got) == 2):
                return False, "return a pair (mean, sem)."
            want = (v.mean(), v.std(ddof=1) / np.sqrt(len(v)))
            ok, _ = compare(got[0], want[0])
            if not ok:
                return False, f"mean of {v.tolist()}: got {got[0]:.4g}, expected {want[0]:.4g}."
            ok, _ = compare(got[1], want[1])
            if not ok:
                hint = ("use the sample std, ddof=1 (three seeds are a sample)."
                        if np.isclose(got[1], v.std() / np.sqrt(len(v))) else
                        "did you divide the std by sqrt(n)?" if np.isclose(got[1], v.std(ddof=1))
                        else "sem = std(values, ddof=1) / sqrt(number of values).")
                return False, (f"sem of {v.tolist()}: got {got[1]:.4g}, expected "
                               f"{want[1]:.4g}; {hint}")
        return True, "mean and standard error agree on 3 cases (ddof=1)."

    return report("mean_and_sem", judge)


def gradient_ratio(student_fn) -> bool | None:
    """Exercise: ``student_fn(norms)`` returns log10(norms[0] / norms[-1]) for per-layer gradient
    norms listed from the first hidden layer to the last."""

    def judge():
        cases = [np.array([1e-6, 1e-4, 1e-2]), np.array([2.0, 1.0, 0.5, 0.25]),
                 np.array([0.3, 0.3])]
        for norms in cases:
            got = student_fn(norms.copy())
            want = np.log10(norms[0] / norms[-1])
            ok, _ = compare(got, want)
            if not ok:
                if np.isclose(float(np.asarray(got)), -want):
                    return False, (f"got {float(got):.3g} for {norms.tolist()}, the sign is "
                                   "flipped: it is first layer over last layer.")
                if np.isclose(float(np.asarray(got)), np.log(norms[0] / norms[-1])):
                    return False, "that is the natural log: use np.log10."
                return False, (f"got {got} for {norms.tolist()}, expected {want:.3g}: "
                               "log10(first / last).")
        return True, "-4 means the first layer gets 10^4 times less gradient than the last."

    return report("gradient_ratio", judge)


_NOISE_CASE = {"relu": (0.80, 0.03), "gelu": (0.86, 0.02), "selu": (0.90, 0.01),
               "tanh": (0.70, 0.02), "sigmoid": (0.50, 0.00), "mish": (0.87, 0.02)}


def within_noise(student_fn) -> bool | None:
    """Exercise: ``student_fn(table)`` takes {name: (mean, sem)} (higher is better) and returns
    the set of names whose mean is within 2 combined standard errors of the best:
    best_mean - mean <= 2 * sqrt(sem_best**2 + sem**2)."""

    def judge():
        got = student_fn(dict(_NOISE_CASE))
        if not isinstance(got, (set, frozenset, list, tuple)):
            return False, f"return a set of names, got {type(got).__name__}."
        got = set(got)
        want = {"selu", "gelu", "mish"}
        if got == want:
            return True, "selu, gelu and mish are tied within noise; relu is not (0.10 apart)."
        if got == {"selu"}:
            return False, "only the winner: keep every name within 2 combined sems of the best."
        if "relu" in got:
            return False, ("relu is 0.10 below selu, but 2 * sqrt(0.01**2 + 0.03**2) = 0.063: "
                           "combine the sems as sqrt(a**2 + b**2).")
        return False, f"got {sorted(got)}, expected {sorted(want)}."

    return report("within_noise", judge)


def chain_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(name, x, depth)`` returns the derivative of f(f(...f(x))) (depth
    times, f = act.get(name)) by the chain rule, elementwise."""

    def judge():
        x = np.linspace(-3, 3, 13)
        for name, depth in (("sigmoid", 1), ("sigmoid", 5), ("tanh", 4), ("gelu", 3)):
            f = get(name)

            def composed(z, f=f, depth=depth):
                for _ in range(depth):
                    z = f(z)
                return z

            want = numerical_derivative(composed, x)
            got = student_fn(name, x.copy(), depth)
            ok, msg = compare(got, want, rtol=1e-5, atol=1e-10,
                              hint="multiply f'(z) at each layer's input z, then move z on: "
                                   "z = f(z).")
            if not ok:
                return False, f"{name}, depth {depth}: {msg}"
        slope = float(np.max(student_fn("sigmoid", np.linspace(-5, 5, 1001), 8)))
        return True, (f"matches the numerical derivative; through 8 sigmoids the slope is at most "
                      f"{slope:.1e}.")

    return report("chain_derivative", judge)
