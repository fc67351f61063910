"""Self-checks for 09_normalisation_residuals_softmax.ipynb."""

from __future__ import annotations

import numpy as np

from .. import blocks, calibration
from ._core import answer, report

__all__ = ["ece_by_hand", "paired_verdict", "residual_std_after", "rms_norm_forward"]


# ---------------------------------------------------------------- RMS norm, forward

def _rms_cases():
    rng = np.random.default_rng(9)
    return (("one vector", rng.normal(size=8) * 3),
            ("a batch of 4 vectors (one per row)", rng.normal(size=(4, 6)) + 2.0),
            ("a batch with very different scales", rng.normal(size=(3, 5)) * [[0.01], [1], [100]]))


def rms_norm_forward(student_fn) -> bool | None:
    """Exercise: ``student_fn(z)`` is RMS normalisation (gain 1, eps 1e-5) along the last axis:
    z / sqrt(mean(z^2) + eps)."""

    def judge():
        for what, z in _rms_cases():
            got = answer(student_fn, z)
            want = blocks.rms_norm(z)
            if got.shape != want.shape:
                return False, (f"for {what} of shape {z.shape} you return shape {got.shape}; "
                               "each vector keeps its length.")
            if np.allclose(got, want, rtol=1e-5, atol=1e-8):
                continue
            if np.allclose(got, blocks.layer_norm(z), rtol=1e-5, atol=1e-8):
                return False, (f"for {what} you return layer norm: RMS norm does not subtract "
                               "the mean, it only divides by the root mean square.")
            if z.ndim == 2 and np.allclose(got, z / np.sqrt((z ** 2).mean(axis=0) + 1e-5),
                                           rtol=1e-5):
                return False, (f"for {what} you averaged over the examples (axis 0): each "
                               "example is normalised on its own, over its units (axis -1, "
                               "keepdims=True).")
            if z.ndim == 2 and np.allclose(got, z / np.sqrt((z ** 2).mean() + 1e-5), rtol=1e-5):
                return False, (f"for {what} you used one root mean square for the whole batch: "
                               "each row needs its own (axis=-1, keepdims=True).")
            return False, (f"for {what} your values are off. The root mean square of a vector "
                           "is sqrt(mean(z**2)); add eps = 1e-5 inside the square root.")
        return True, "every vector now has a root mean square of 1 (its direction is kept)."

    return report("rms_norm_forward", judge)


# ---------------------------------------------------------------- ECE by hand

def _ece_cases():
    rng = np.random.default_rng(5)
    conf = rng.uniform(0.3, 1.0, 200)
    correct = rng.random(200) < conf ** 2
    tiny = (np.array([0.95, 0.9, 0.85, 0.6, 0.55, 0.35]), np.array([1, 1, 0, 1, 0, 0], bool))
    return (("six predictions", *tiny, 10), ("200 predictions, 10 bins", conf, correct, 10),
            ("200 predictions, 5 bins", conf, correct, 5))


def ece_by_hand(student_fn) -> bool | None:
    """Exercise: ``student_fn(confidences, correct, n_bins)`` is the expected calibration error
    with equal-width bins (calibration.expected_calibration_error)."""

    def judge():
        for what, conf, correct, n_bins in _ece_cases():
            got = answer(student_fn, conf, correct.astype(float), n_bins)
            if got.shape != ():
                return False, f"return one number, got shape {got.shape}."
            want = calibration.expected_calibration_error(conf, correct, n_bins)
            if np.isclose(got, want, rtol=1e-6, atol=1e-12):
                continue
            counts, mc, acc = calibration.reliability(conf, correct, n_bins)
            full = counts > 0
            if np.isclose(got, np.mean(np.abs(acc[full] - mc[full])), rtol=1e-6):
                return False, (f"for {what} you average the bins' gaps equally: weight each "
                               "gap by the share of examples in its bin, |B_m| / n.")
            if np.isclose(got, abs(np.mean(correct) - np.mean(conf)), rtol=1e-6):
                return False, (f"for {what} you compare the overall accuracy with the overall "
                               "confidence: too lenient, over- and under-confident bins cancel. "
                               "Take the gap bin by bin, then the weighted sum.")
            return False, (f"for {what} you return {float(got):.4f}, expected {want:.4f}. Put "
                           f"each confidence in one of {n_bins} equal bins on [0, 1] (a value "
                           "on a boundary goes to the lower bin), then sum |B|/n |acc - conf|.")
        return True, "right, on six predictions and on 200 with two bin counts."

    return report("ece_by_hand", judge)


# ---------------------------------------------------------------- residual stream after L blocks

_RESIDUAL_CASES = ((50, 1.0, 0.5), (10, 1.0, 0.5), (100, 4.0, 0.02), (1, 0.0, 1.0), (24, 1.0, 2.0))


def residual_std_after(student_fn) -> bool | None:
    """Exercise: ``student_fn(depth, var_in, var_branch)`` is the predicted std of the residual
    stream after ``depth`` pre-norm blocks, sqrt(var_in + depth * var_branch)."""

    def judge():
        for depth, var_in, var_branch in _RESIDUAL_CASES:
            got = float(answer(student_fn, depth, var_in, var_branch))
            want = float(np.sqrt(blocks.residual_variance(depth, var_in, var_branch)[-1]))
            if np.isclose(got, want, rtol=1e-6):
                continue
            case = (f"at depth {depth}, Var(x_0) = {var_in:g}, Var(F) = {var_branch:g} you "
                    f"return {got:.4g}")
            if np.isclose(got, want ** 2, rtol=1e-6):
                return False, f"{case}: that is the variance; the question asks for the std."
            if np.isclose(got, np.sqrt(var_in) + depth * np.sqrt(var_branch), rtol=1e-6):
                return False, (f"{case}: you added standard deviations. Uncorrelated terms add "
                               "their variances.")
            if np.isclose(got, np.sqrt(var_in * (1 + var_branch) ** depth), rtol=1e-6):
                return False, (f"{case}: that is a product, growing exponentially. The branch is "
                               "added to the stream, and the pre-norm branch's input has "
                               "the same size at every block.")
            return False, (f"{case}, expected {want:.4g}. Write Var(x_l) = Var(x_(l-1)) + "
                           "Var(F) and unroll it.")
        return True, ("right: the variance grows linearly, the std as the square root of the "
                      "depth.")

    return report("residual_std_after", judge)


# ---------------------------------------------------------------- a paired verdict over seeds

def _verdict_cases():
    return (("a clear improvement", [-0.11, -0.13, -0.09, -0.12, -0.10], "better"),
            ("a clear loss", [0.02, 0.03, 0.025, 0.018, 0.031], "worse"),
            ("a mean below 0 but noisy", [-0.03, 0.02, -0.04, 0.01, -0.02], "tie"),
            ("three seeds, all below 0", [-0.02, -0.05, -0.03], "tie"),
            ("ten seeds, small but consistent", [-0.004, -0.006, -0.005, -0.003, -0.007,
                                                 -0.005, -0.004, -0.006, -0.005, -0.004],
             "better"),
            ("four seeds, consistent", [-0.010, -0.030, -0.012, -0.022], "better"))


def paired_verdict(student_fn) -> bool | None:
    """Exercise: ``student_fn(differences)`` (after - before, one per seed, lower is better)
    returns "better", "worse" or "tie" by the two-sided 95% t interval of the mean."""

    def judge():
        for what, d, want in _verdict_cases():
            got = student_fn(np.array(d, float))
            if got not in ("better", "worse", "tie"):
                return False, f'return "better", "worse" or "tie", got {got!r}.'
            if got == want:
                continue
            mean, lo, hi = calibration.paired_interval(d)
            d = np.asarray(d)
            z_half = 1.96 * d.std(ddof=1) / np.sqrt(d.size)
            if want == "tie" and (mean + z_half < 0 or mean - z_half > 0):
                return False, (f"for {what} ({d.size} seeds) you say {got!r}: with so few seeds "
                               "the normal quantile 1.96 is too small; use Student's t with "
                               "n - 1 degrees of freedom (scipy.stats.t.ppf(0.975, n - 1)).")
            return False, (f"for {what} you say {got!r}, but the 95% interval of the mean "
                           f"difference is [{lo:.4f}, {hi:.4f}]: {want}. Lower ECE is better; "
                           "an interval containing 0 is a tie.")
        return True, "right in all six cases: a direction only when the interval excludes 0."

    return report("paired_verdict", judge)
