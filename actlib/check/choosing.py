"""Self-checks for 07_choosing_an_activation.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import get
from ._core import compare, numerical_derivative, report

__all__ = ["chain_derivative", "fool_the_ratio", "gradient_ratio", "mean_and_sem",
           "within_noise"]


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
    """Exercise: ``student_fn(table)`` takes {name: (mean, sem, n)} (higher is better; n seeds
    per mean) and returns the set of names whose mean is tied with the best: best_mean - mean
    <= t * sqrt(sem_best**2 + sem**2), t the Student quantile t_{0.975, n - 1} (n the smaller
    of the two n; ``scipy.stats.t.ppf(0.975, n - 1)``: 4.30 for 3 seeds, 2.78 for 5)."""

    def judge():
        answers = {}
        for n, want in ((3, {"selu", "gelu", "mish", "relu"}), (5, {"selu", "gelu", "mish"})):
            got = student_fn({name: (m, se, n) for name, (m, se) in _NOISE_CASE.items()})
            if not isinstance(got, (set, frozenset, list, tuple)):
                return False, f"return a set of names, got {type(got).__name__}."
            got = set(got)
            answers[n] = got
            if got == want:
                continue
            if got == {"selu"}:
                return False, ("only the winner: keep every name within the tie margin of the "
                               "best.")
            if n == 3 and got == {"selu", "gelu", "mish"}:
                return False, ("with 3 seeds relu is tied too: 2 * sqrt(0.01**2 + 0.03**2) = "
                               "0.063 is the normal-distribution rule; with n - 1 = 2 degrees "
                               "of freedom the factor is t = 4.30, a margin of 0.136 > 0.10.")
            if n == 5 and "relu" in got:
                return False, ("with 5 seeds t_{0.975, 4} = 2.78: the margin 2.78 * sqrt(0.01**2 "
                               "+ 0.03**2) = 0.088 is less than relu's 0.10. Use n - 1 degrees "
                               "of freedom from the table.")
            return False, f"{n} seeds per mean: got {sorted(got)}, expected {sorted(want)}."
        return True, ("with 3 seeds relu (0.10 behind) is still a tie (margin 0.136); with 5 it is "
                      "not (0.088): more seeds, a smaller t and a sharper verdict.")

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


#: what ``fool_the_ratio`` asks of the student's network: the weight-gradient ratio within a factor
#: 10^0.5 of 1, while the forward signal and the backward error both lose a factor of 100
FOOL_RATIO, FOOL_LOSS = 0.5, 1e-2


def fool_the_ratio(student_fn) -> bool | None:
    """Exercise (design): ``student_fn()`` returns the settings of a random network,
    ``{"name": ..., "init": ..., "depth": ...}`` (optionally ``"width"``, default 64), for
    ``act.deepnet.propagation``, in which the gradient ratio r = log10(||dL/dW_1|| /
    ||dL/dW_depth||) looks healthy (|r| < 0.5) while the forward signal (std of h_depth, the
    input's is 1) and the backward error (std of delta_1 over std of delta_depth) both shrink
    below 1/100. Checked on three random networks (seeds 0, 1, 2)."""
    from ..deepnet import INITIALIZERS, propagation

    def judge():
        design = student_fn()
        if not isinstance(design, dict) or not {"name", "init", "depth"} <= set(design):
            return False, ('return a dict such as {"name": "tanh", "init": "lecun_normal", '
                           '"depth": 8} (and "width" if you like).')
        unknown = set(design) - {"name", "init", "depth", "width"}
        if unknown:
            return False, f"unexpected keys {sorted(unknown)}: use name, init, depth (width)."
        if design["init"] not in INITIALIZERS:
            return False, f"init must be one of {', '.join(INITIALIZERS)}."
        depth, width = design["depth"], design.get("width", 64)
        if not (isinstance(depth, int) and 2 <= depth <= 200):
            return False, "depth must be a whole number of layers from 2 to 200."
        if not (isinstance(width, int) and 8 <= width <= 256):
            return False, "width must be a whole number of units from 8 to 256."
        for seed in (0, 1, 2):
            p = propagation(design["name"], depth=depth, width=width, init=design["init"],
                            seed=seed)
            with np.errstate(all="ignore"):
                r = float(np.log10(p.weight_grad_norm[0] / p.weight_grad_norm[-1]))
                up = float(p.forward_std[-1])
                down = float(p.backward_std[0] / p.backward_std[-1])
            if not abs(r) < FOOL_RATIO:
                return False, (f"seed {seed}: r = {r:+.2f}, so the ratio already shows the "
                               "problem here. Look for a network whose r stays near 0.")
            if not (up < FOOL_LOSS and down < FOOL_LOSS):
                weak, value = (("forward signal", up) if not up < FOOL_LOSS
                               else ("backward error", down))
                return False, (f"seed {seed}: r = {r:+.2f} looks healthy, but the {weak} only "
                               f"fell to {value:.2g} (it must fall below 0.01). Which "
                               "activation and initializer lose signal, and how many layers "
                               "make that a factor of 100?")
        return True, (f"r = {r:+.2f}, yet the forward signal fell to {up:.1e} and the backward "
                      f"error to {down:.1e}: the ratio of two shrinking signals is flat.")

    return report("fool_the_ratio", judge)
