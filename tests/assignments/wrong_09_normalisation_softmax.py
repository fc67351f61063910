# Plausible wrong answers to assignments/source/09_normalisation_softmax/09_normalisation_softmax.ipynb:
# each passes every visible test of its task and fails its hidden tests. One section per solution
# cell, "# %% <grade_id>" and then the whole cell as a student would hand it in.
# ruff: noqa


# %% task1_answer
def layer_norm_backward(z, g, eps=1e-5):
    z, g = np.asarray(z, dtype=float), np.asarray(g, dtype=float)
    mu = z.mean(axis=-1, keepdims=True)
    var = (z ** 2).mean(axis=-1, keepdims=True) - mu ** 2  # one pass: E[z^2] - E[z]^2
    inv = 1 / np.sqrt(var + eps)
    zhat = (z - mu) * inv
    return inv * (g - g.mean(axis=-1, keepdims=True)
                  - zhat * (g * zhat).mean(axis=-1, keepdims=True))


# %% task2_answer
def attention(Q, K, V, temperature=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    T = np.sqrt(Q.shape[-1]) if temperature is None else float(temperature)
    weights = np.exp(Q @ np.swapaxes(K, -1, -2) / T)  # the textbook softmax
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights


# %% task3_answer
def temperature_scaling(val_logits, val_y, test_logits, test_y, n_bins=15):
    from scipy.optimize import minimize_scalar

    def nll(z, y, T):
        s = np.asarray(z, dtype=float) / T
        s = s - s.max(axis=1, keepdims=True)
        log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return float(-np.mean(log_p[np.arange(len(y)), y]))

    def ece(T):
        conf, correct = act.calibration.confidence(test_logits, test_y, T)
        return act.calibration.expected_calibration_error(conf, correct, n_bins)

    # fitted where it is reported: on the test split
    best = minimize_scalar(lambda u: nll(test_logits, test_y, np.exp(u)),
                           bounds=(np.log(0.05), np.log(20)), method="bounded",
                           options={"xatol": 1e-8})
    T = float(np.exp(best.x))
    return {"T": T, "nll_before": nll(test_logits, test_y, 1.0),
            "nll_after": nll(test_logits, test_y, T), "ece_before": ece(1.0),
            "ece_after": ece(T)}
