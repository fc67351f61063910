"""Self-checks for 03_initialisation.ipynb."""

from __future__ import annotations

import numbers

import numpy as np

from .. import deepnet, variance
from ._core import report

__all__ = ["clip_global_norm", "critical_tanh", "leaky_he_std", "stable_scale", "which_init"]


# ---------------------------------------------------------------- He's std for a leaky ReLU

_LEAKY_CASES = ((256, 0.01), (64, 0.2), (50, 0.5), (100, 0.0), (10, 1.0), (1000, 0.3))


def leaky_he_std(student_fn) -> bool | None:
    """Exercise: ``student_fn(fan_in, alpha)`` is the weight standard deviation that keeps the
    pre-activations' variance through a leaky ReLU layer with negative slope alpha:
    sqrt(2 / ((1 + alpha^2) fan_in))."""

    def judge():
        for fan_in, alpha in _LEAKY_CASES:
            got = student_fn(fan_in, alpha)
            try:
                got = float(got)
            except (TypeError, ValueError):
                return False, f"return one number, got {type(got).__name__}."
            want = np.sqrt(2 / ((1 + alpha ** 2) * fan_in))
            if np.isclose(got, want, rtol=1e-6):
                continue
            case = f"at fan_in = {fan_in}, alpha = {alpha:g} you return {got:.4g}"
            if np.isclose(got, want ** 2, rtol=1e-6):
                return False, f"{case}: that is a variance; the question asks for the std."
            if alpha > 0 and np.isclose(got, np.sqrt(2 / fan_in), rtol=1e-6):
                return False, (f"{case}, He's value for a plain ReLU. A leaky ReLU keeps part of "
                               "the negative half: how much of E[z^2] survives it?")
            if alpha > 0 and np.isclose(got, np.sqrt(2 / ((1 + alpha) * fan_in)), rtol=1e-6):
                return False, (f"{case}. Close: on the negative side the output is alpha z, and "
                               "its square is what counts.")
            return False, (f"{case}. Start from Var(z') = fan_in Var(w) E[f(z)^2] and work out "
                           "E[f(z)^2] for z ~ N(0, q), one half of the line at a time.")
        # The formula agrees with the numerical integral behind act.variance.gain.
        worst = max(abs(np.sqrt(2 / (1 + a ** 2)) / variance.gain("leaky_relu", alpha=a) - 1)
                    for _, a in _LEAKY_CASES)
        return True, (f"right for {len(_LEAKY_CASES)} layers (alpha = 0 gives He, alpha = 1 "
                      f"LeCun), and equal to act.variance.gain('leaky_relu', alpha=...) / "
                      f"sqrt(fan_in) to {max(worst, 1e-16):.0e}.")

    return report("leaky_he_std", judge)


# ---------------------------------------------------------------- clipping by the global norm

def _clip_cases():
    rng = np.random.default_rng(11)
    big = [rng.normal(size=(3, 4)) * 4, rng.normal(size=4) * 0.1, rng.normal(size=(4, 2))]
    small = [a * 1e-3 for a in big]
    lopsided = [np.full((2, 2), 10.0), np.full(3, 0.2)]  # one array holds almost all the norm
    zeros = [np.zeros((2, 3)), np.zeros(2)]
    return (("a long gradient, max_norm 1", big, 1.0), ("a long gradient, max_norm 5", big, 5.0),
            ("a gradient shorter than max_norm", small, 1.0),
            ("one array much larger than the other", lopsided, 2.0),
            ("a gradient of zeros", zeros, 1.0))


def _global(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    return [g * (max_norm / norm) if norm > max_norm else g.copy() for g in grads]


def _per_array(grads, max_norm):
    out = []
    for g in grads:
        norm = np.linalg.norm(g)
        out.append(g * (max_norm / norm) if norm > max_norm else g.copy())
    return out


def _same(got, want) -> bool:
    return len(got) == len(want) and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12)
        for a, b in zip(got, want, strict=True))


def clip_global_norm(student_fn) -> bool | None:
    """Exercise: ``student_fn(grads, max_norm)`` returns new arrays: ``grads`` (a list of arrays)
    scaled by max_norm / ||g|| if the global norm ||g|| = sqrt(sum of every squared entry) is
    larger than max_norm, else unchanged (Keras' ``global_clipnorm``)."""

    def judge():
        for label, grads, max_norm in _clip_cases():
            given = [g.copy() for g in grads]
            with np.errstate(all="ignore"):
                got = student_fn(given, max_norm)
            if not all(np.array_equal(a, b) for a, b in zip(given, grads, strict=True)):
                return False, ("your function changed the arrays it was given. Return new ones "
                               "(g * factor), as an optimiser's clipping does.")
            if not isinstance(got, (list, tuple)):
                return False, ("return a list of arrays, one per gradient; got "
                               f"{type(got).__name__}.")
            try:
                got = [np.asarray(a, dtype=float) for a in got]
            except (TypeError, ValueError):
                return False, "return a list of arrays of numbers."
            want = _global(grads, max_norm)
            if _same(got, want):
                continue
            if len(got) != len(want) or any(np.shape(a) != np.shape(b)
                                            for a, b in zip(got, want, strict=False)):
                return False, f"({label}) return one array per gradient, each of its shape."
            if not all(np.all(np.isfinite(a)) for a in got):
                return False, (f"({label}) your result holds NaN or inf. A gradient of zeros "
                               "has norm 0: what should clipping do to it?")
            if _same(got, _per_array(grads, max_norm)):
                return False, (f"({label}) you clipped each array by its own norm, as Keras' "
                               "clipnorm does. The global norm takes all arrays together, so "
                               "they all shrink by one common factor.")
            if _same(got, [g * (max_norm / np.sqrt(sum(np.sum(x * x) for x in grads)))
                           for g in grads]):
                return False, (f"({label}) you rescaled a gradient that was already shorter "
                               "than max_norm. Clipping only ever shortens.")
            norm = np.sqrt(sum(float(np.sum(a * a)) for a in got))
            return False, (f"({label}) the global norm of your result is {norm:.4g}. Clipping "
                           "multiplies every entry by the same factor (so the direction stays) "
                           "and only when the norm is above max_norm.")
        return True, ("long gradients come back with global norm max_norm and the same "
                      "direction; short ones and zeros are unchanged.")

    return report("clip_global_norm", judge)


# ---------------------------------------------------------------- design: a stable weight scale

DEPTH = 30
#: The band the check accepts for the ratios (the exercise asks for a factor of 2; the slack is
#: for a scale found by finite, noisy simulations).
BAND = (0.45, 2.2)
STABLE_NAMES = ("tanh", "relu", "elu", "gelu")
#: Whether some c in [0.5, 3) keeps both ratios in BAND (a scan in steps of 0.01; the tests
#: repeat it): tanh about 1.11-1.37, relu 1.38-1.45, elu 1.14-1.29, gelu none.
POSSIBLE = {"tanh": True, "relu": True, "elu": True, "gelu": False}


def _ratios(name: str, c: float) -> tuple[float, float]:
    """Theory's (forward std at layer 30 / layer 1, backward std at layer 1 / layer 30) for
    weights of variance c^2 / fan_in."""
    p = variance.predict(name, DEPTH, weight_scale=c)
    with np.errstate(all="ignore"):
        return (float(p.forward_std[-1] / p.forward_std[0]),
                float(p.backward_std[0] / p.backward_std[-1]))


def _kept(ratios) -> bool:
    return all(BAND[0] <= r <= BAND[1] for r in ratios)


def stable_scale(student_fn) -> bool | None:
    """Exercise (design): ``student_fn(name)`` returns a weight scale c (weights of variance
    c^2 / fan_in) for which a 30-layer network of that activation keeps its forward std (layer
    30 against layer 1) and its backward std (layer 1 against layer 30) within a factor 2, or
    None if no c between 0.5 and 3 does. Judged by the variance recursion (act.variance.predict,
    infinitely wide layers), with a little slack for noisy simulations."""

    def judge():
        found = {}
        for name in STABLE_NAMES:
            c = student_fn(name)
            possible = POSSIBLE[name]
            if c is None:
                if possible:
                    return False, (f"for {name} you found no scale, but one exists between 0.5 "
                                   "and 3. Scan more finely, or average over several seeds "
                                   "before you judge: one network is a noisy measurement.")
                found[name] = None
                continue
            if isinstance(c, bool) or not isinstance(c, numbers.Real) or not 0 < c < 10:
                return False, f"for {name} return a positive number (or None), got {c!r}."
            forward, backward = _ratios(name, float(c))
            if not possible:
                return False, (f"for {name} you return c = {c:.3g}, but in the limit of wide "
                               f"layers that scale changes the forward std by {forward:.3g} and "
                               f"the backward std by {backward:.3g} over {DEPTH} layers, and no "
                               "scale keeps both. Did one lucky seed pass? Judge several.")
            if not _kept((forward, backward)):
                return False, (f"for {name}, c = {c:.3g} changes the forward std by {forward:.3g} "
                               f"and the backward std by {backward:.3g} over {DEPTH} layers (in "
                               "the limit of wide layers). Check both directions, over several "
                               "seeds, and scan a finer grid of scales.")
            found[name] = float(c)
        shown = ", ".join(f"{n} {'none' if c is None else f'{c:.3g}'}" for n, c in found.items())
        return True, (f"{shown}. Each keeps both directions within a factor 2 over {DEPTH} layers "
                      "(gelu: nothing does). Compare your scales with act.variance.gain.")

    return report("stable_scale", judge)


# ---------------------------------------------------------------- interpret: LeCun or He?

WHICH_SETUPS = ((8, 256, 50.0), (12, 128, 1.0), (25, 128, 0.01), (10, 256, 3e3), (16, 256, 1e-3),
                (30, 128, 1.0))


def _which_cases():
    """ReLU networks (depth, width, input scale) under both initialisations, one at a time: their
    forward stds, with the input scaled by a factor the student does not know, so the size of the
    std alone does not tell. A generator: an untouched stub costs one network, not twelve."""
    for k, (depth, width, scale) in enumerate(WHICH_SETUPS):
        for init in ("lecun_normal", "he_normal"):
            stds = deepnet.propagation("relu", depth, width, init, n=128, seed=100 + k
                                       ).forward_std * scale
            yield f"network {2 * k + 1 + (init == 'he_normal')} ({depth} layers)", stds, init


def which_init(student_fn) -> bool | None:
    """Exercise (interpret): ``student_fn(forward_std)`` says which initialisation,
    "lecun_normal" or "he_normal", produced a ReLU network's forward std per layer (its input
    scaled by an unknown factor)."""

    def judge():
        for label, stds, init in _which_cases():
            got = student_fn(stds.copy())
            if got not in ("lecun_normal", "he_normal"):
                return False, f"return 'lecun_normal' or 'he_normal', got {got!r}."
            if got != init:
                return False, (f"{label} came from {init} and you said {got}. The input of each "
                               "network is scaled by a factor you do not know, so the size of "
                               "the std alone can fool you: what does not depend on it?")
        return True, (f"all {2 * len(WHICH_SETUPS)} networks told apart, at depths from 8 to 30 "
                      "and inputs scaled by 0.001 to 3000.")

    return report("which_init", judge)


# ---------------------------------------------------------------- the critical line of tanh

#: The bias scales the check asks about: the exercise's 0.25 first, then two more (so a number
#: typed in for 0.25 does not pass).
CRITICAL_SIGMA_B = (0.25, 0.05, 0.6)
#: How close an answer must be (relative): a Monte Carlo estimate with a million samples, its
#: length map iterated until it stops changing, is good to about 1e-3.
CRITICAL_RTOL = 3e-3


def _q_one_sigma_w(sigma_b: float) -> float:
    """The sigma_w that makes q = 1 a fixed point: sigma_w^2 E[tanh(z)^2] + sigma_b^2 = 1."""
    return float(np.sqrt((1 - sigma_b ** 2) / variance.moments("tanh", 1.0).second))


def _critical_wrong(sigma_b: float) -> list[tuple[float, str]]:
    """Plausible wrong answers at ``sigma_b`` and what each one missed (no answer given away)."""
    chi_at_one = float(1 / np.sqrt(variance.moments("tanh", 1.0).slope))
    return [
        (variance.gain("tanh"), "that is tanh's gain, 1.5925: it makes q = 1 a fixed point "
         "without bias, but chi_1 = 1.18 there, the chaotic phase. The question asks for "
         "chi_1 = 1."),
        (5 / 3, "that is PyTorch's calculate_gain('tanh'), 5/3: a weight scale, not a point "
         "where chi_1 = 1 (check: compute chi_1 there)."),
        (1.0, "sigma_w = 1 is the critical point only without bias. With sigma_b > 0 the "
         "fixed point q* is above 0, where tanh's slope is below 1 on average: chi_1 < 1 at "
         "sigma_w = 1."),
        (_q_one_sigma_w(sigma_b), "you made q = 1 a fixed point of the length map. Criticality "
         "is a condition on the slopes, chi_1 = sigma_w^2 E[tanh'(sqrt(q*) z)^2] = 1, at the "
         "fixed point q* that this sigma_w itself produces."),
        (chi_at_one, "you evaluated E[tanh'(sqrt(q) z)^2] at q = 1. The variance settles at "
         "q*, which depends on sigma_w and sigma_b: find q* first (iterate the length map), "
         "then chi_1 at q*."),
        (variance.critical_sigma_w("tanh", float(np.sqrt(sigma_b))), "sigma_b is the bias's "
         "standard deviation: the length map adds sigma_b^2, not sigma_b."),
    ]


def critical_tanh(student_fn) -> bool | None:
    """Exercise: ``student_fn(sigma_b)`` is the weight scale sigma_w on tanh's critical line,
    chi_1 = sigma_w^2 E[tanh'(sqrt(q*) z)^2] = 1 at the fixed point q* of
    q -> sigma_w^2 E[tanh(sqrt(q) z)^2] + sigma_b^2 (weights of variance sigma_w^2 / fan-in,
    biases of std sigma_b). Judged at sigma_b = 0.25, 0.05 and 0.6 against
    act.variance.critical_sigma_w."""

    def judge():
        for sigma_b in CRITICAL_SIGMA_B:
            got = student_fn(sigma_b)
            if isinstance(got, bool) or not isinstance(got, (numbers.Real, np.ndarray)) or \
                    np.ndim(got) != 0:
                return False, f"return one number (sigma_w), got {type(got).__name__}."
            got = float(got)
            want = variance.critical_sigma_w("tanh", sigma_b)
            if np.isclose(got, want, rtol=CRITICAL_RTOL):
                continue
            case = f"at sigma_b = {sigma_b:g} you return sigma_w = {got:.4g}"
            if not np.isfinite(got) or got <= 0:
                return False, f"{case}: a weight scale is a positive number."
            for wrong, nudge in _critical_wrong(sigma_b):
                if np.isclose(got, wrong, rtol=CRITICAL_RTOL):
                    return False, f"{case}: {nudge}"
            chi = variance.mean_field("tanh", got, sigma_b).chi_1
            side = ("ordered (chi_1 < 1): sigma_w is too small" if chi < 1
                    else "chaotic (chi_1 > 1): sigma_w is too large")
            return False, (f"{case}, where chi_1 = {chi:.3f}: {side}. Compute q* by iterating "
                           "the length map from q = 1 until it stops changing (near the "
                           "critical line that takes hundreds of steps), then chi_1 at q*, "
                           "and solve chi_1 = 1 (bisection works).")
        return True, (f"on the critical line at sigma_b = "
                      f"{', '.join(f'{b:g}' for b in CRITICAL_SIGMA_B)} (to "
                      f"{CRITICAL_RTOL:.0e}). More bias needs larger weights: the critical "
                      "line of the phase diagram.")

    return report("critical_tanh", judge)
