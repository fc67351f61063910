"""Self-checks for 01_sigmoid_vanishing_gradients.ipynb."""

from __future__ import annotations

import numpy as np

from ..deepnet import forward, propagation
from ..functions import sigmoid, tanh
from ._core import compare, numerical_derivative, numerical_gradient, rel_error, report

__all__ = ["backprop_sigmoid_net", "sigmoid_derivative", "sigmoid_weight_scale",
           "tanh_derivative"]

# Ordinary inputs, where any correct formula agrees with act.<name>.derivative to ~1e-15, and
# tails, where a formula that computes 1 - (something that rounds to 1) returns 0.
_MIDDLE = np.linspace(-10.0, 10.0, 41)
_SIGMOID_TAILS = np.array([-100.0, -60.0, -40.0, -30.0, 30.0, 40.0, 60.0, 100.0])
_TANH_TAILS = np.array([-30.0, -20.0, -15.0, 15.0, 20.0, 30.0])


def _call(student_fn, *args):
    with np.errstate(all="ignore"):  # the verdict explains overflow; no warning lines
        return student_fn(*args)


def sigmoid_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(x)`` returns sigma'(x) elementwise, accurate for large |x| too."""

    def judge():
        ok, msg = compare(_call(student_fn, _MIDDLE.copy()), sigmoid.derivative(_MIDDLE),
                          rtol=1e-6, atol=0, at=_MIDDLE,
                          hint="Use sigma'(x) = sigma(x) (1 - sigma(x)), with act.sigmoid for "
                               "sigma; act.check.numerical_derivative(act.sigmoid, x) shows "
                               "what the slope should be.")
        if not ok:
            return False, msg
        ok, msg = compare(_call(student_fn, _SIGMOID_TAILS.copy()),
                          sigmoid.derivative(_SIGMOID_TAILS), rtol=1e-6, atol=0,
                          at=_SIGMOID_TAILS,
                          hint="Right for ordinary x, but not in the tails: for large x, "
                               "sigma(x) rounds to 1.0 and 1 - sigma(x) to 0. Can you write "
                               "1 - sigma(x) without subtracting anything from 1? (Look at "
                               "the curve's symmetry.)")
        if not ok:
            return False, msg
        return True, ("correct for |x| <= 10 and in the tails (sigma'(40) = "
                      f"{float(sigmoid.derivative(40.0)):.3g}, not 0).")

    return report("sigmoid_derivative", judge)


def tanh_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(x)`` returns tanh'(x) elementwise, accurate for large |x| too."""

    def judge():
        x = np.linspace(-5.0, 5.0, 41)
        got = np.asarray(_call(student_fn, x.copy()), dtype=float)
        if got.shape != x.shape:
            return False, f"expected shape {x.shape}, got {got.shape}: work elementwise."
        numeric = numerical_derivative(tanh, x)
        err = rel_error(got, numeric)
        if not err < 1e-7:
            return False, (f"not the slope of tanh: relative error {err:.2g} against "
                           "act.check.numerical_derivative(act.tanh, x) (want < 1e-7). "
                           "Hint: tanh(x) = 2 sigma(2x) - 1, so tanh'(x) = 4 sigma'(2x).")
        ok, msg = compare(_call(student_fn, _TANH_TAILS.copy()), tanh.derivative(_TANH_TAILS),
                          rtol=1e-6, atol=0, at=_TANH_TAILS,
                          hint="Right for ordinary x, but 1 - tanh(x)**2 cancels to 0 once "
                               "tanh(x) rounds to 1 (|x| > 19). Use 4 sigma(2x) sigma(-2x) or "
                               "1 / cosh(x)**2.")
        if not ok:
            return False, msg
        return True, (f"matches the numerical derivative (relative error {err:.1g}) and stays "
                      "accurate in the tails.")

    return report("tanh_derivative", judge)


def _net_loss(x, y, W1, W2, W3) -> float:
    h1 = sigmoid(x @ W1)
    h2 = sigmoid(h1 @ W2)
    y_hat = sigmoid(h2 @ W3)
    return 0.5 * float(np.sum((y_hat - y) ** 2))


def _net_problem():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(6, 3))
    y = rng.uniform(size=(6, 1))
    Ws = [rng.normal(size=s) for s in ((3, 4), (4, 4), (4, 1))]
    return x, y, Ws


_BACKPROP_HINTS = (
    "dW1 is wrong while dW2 and dW3 are right: the error has one more layer to pass. Whatever "
    "took you from delta3 to delta2, do it once more; then pair delta1 with layer 1's input.",
    "dW2 is wrong while dW3 is right: going down a layer, the error meets two things, the "
    "weights it came through (transposed) and the slope of the layer it arrives at.",
    "Start at the top: what is dL/dy_hat, and what does the last sigmoid multiply it by? That "
    "is delta3, and dW3 pairs it with the input of layer 3. The loss is a sum, not a mean.",
)


def backprop_sigmoid_net(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, y, W1, W2, W3)`` returns (dW1, dW2, dW3), the gradient of
    L = 1/2 sum (y_hat - y)^2 for y_hat = sigma(sigma(sigma(x W1) W2) W3)."""

    def judge():
        x, y, Ws = _net_problem()
        got = _call(student_fn, x.copy(), y.copy(), *(W.copy() for W in Ws))
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            return False, "return three arrays (dW1, dW2, dW3)."
        got = [np.asarray(g, dtype=float) for g in got]
        for i, (g, W) in enumerate(zip(got, Ws, strict=True), start=1):
            if g.shape != W.shape:
                return False, (f"dW{i} has shape {g.shape}; a gradient has the shape of its "
                               f"weights, {W.shape}.")
        errors, numeric = [], []
        for i in range(3):
            def loss_of(Wi, i=i):
                return _net_loss(x, y, *(Wi if j == i else Ws[j] for j in range(3)))

            numeric.append(numerical_gradient(loss_of, Ws[i]))
            errors.append(rel_error(got[i], numeric[i]))
        worst = max(errors)
        if worst < 1e-6:
            return True, ("all three gradients match act.check.numerical_gradient (largest "
                          f"relative error {worst:.1g}).")
        top_wrong = max(i for i in range(3) if errors[i] >= 1e-6)
        detail = ", ".join(f"dW{i + 1} {e:.2g}" for i, e in enumerate(errors))
        hint = _BACKPROP_HINTS[top_wrong]
        if all(rel_error(-g, n) < 1e-6 for g, n in zip(got, numeric, strict=True)):
            hint = ("Every sign is flipped: the error term is y_hat - y (prediction minus "
                    "target), not y - y_hat.")
        elif all(rel_error(g * len(x), n) < 1e-6 for g, n in zip(got, numeric, strict=True)):
            hint = f"Every gradient is {len(x)} times too small: the loss is a sum, not a mean."
        return False, (f"relative errors against the numerical gradient: {detail} (want < 1e-6). "
                       + hint)

    return report("backprop_sigmoid_net", judge)


# ---------------------------------------------------------------- design: a weight scale

#: The design exercise's network: lesson 01's random sigmoid net, on three seeds.
_SCALE_NET = {"depth": 20, "width": 64, "seeds": (0, 1, 2)}


def sigmoid_weight_scale(student_fn) -> bool | None:
    r"""Exercise (design): ``student_fn()`` returns a weight scale s for which the backward error
    of the random 20-layer sigmoid network (64 units, LeCun weights times s) neither vanishes nor
    explodes: 0.1 <= std(delta_1) / std(delta_20) <= 10 (``deepnet.propagation``'s
    ``backward_std``) on each of the seeds 0, 1 and 2."""

    def judge():
        scale = student_fn()
        if isinstance(scale, (bool, np.bool_)) or not isinstance(scale, (int, float, np.number)):
            return False, f"return one number, the weight scale; got {scale!r}."
        scale = float(scale)
        if not (np.isfinite(scale) and scale > 0):
            return False, f"the weight scale must be a positive number, got {scale:g}."
        depth, width, seeds = _SCALE_NET["depth"], _SCALE_NET["width"], _SCALE_NET["seeds"]
        ratios = []
        for seed in seeds:
            b = propagation("sigmoid", depth, width, seed=seed, weight_scale=scale).backward_std
            ratios.append(float(b[0] / b[-1]) if np.isfinite(b).all() and b[-1] > 0 else np.nan)
        shown = ", ".join(f"{r:.2g}" for r in ratios)
        if any(not np.isfinite(r) or r > 10 for r in ratios):
            return False, (f"at weight scale {scale:g} the error at layer 1 is {shown} times the "
                           "error at layer 20 (seeds 0, 1, 2): it explodes. Measure a few scales "
                           "below this one.")
        if any(r < 0.1 for r in ratios):
            return False, (f"at weight scale {scale:g} the error at layer 1 is {shown} times the "
                           "error at layer 20 (seeds 0, 1, 2): still vanishing. How does the "
                           "ratio change as the scale grows? Measure a few.")
        _, zs, _ = forward("sigmoid", depth, width, weight_scale=scale, seed=seeds[0])
        saturated = float(np.mean([np.mean(np.abs(z) > 4) for z in zs]))
        return True, (f"at weight scale {scale:g} layer 1 gets {shown} of layer 20's error "
                      f"(seeds 0, 1, 2): neither vanishing nor exploding. The price: "
                      f"{saturated:.0%} of the pre-activations have |z| > 4, units that act "
                      "like on/off switches.")

    return report("sigmoid_weight_scale", judge)
