# Plausible wrong answers to assignments/source/08_gates_and_hardware/08_gates_and_hardware.ipynb:
# each passes every visible test of its task and fails its hidden tests. One section per solution
# cell, "# %% <grade_id>" and then the whole cell as a student would hand it in.
# ruff: noqa


# %% task1_answer
def int8_error(r, calibration, bound=None, bits=8):
    r = np.asarray(r, dtype=float)
    if bound is None:
        bound = float(np.max(np.abs(calibration)))
    delta = bound / (2 ** (bits - 1) - 1)
    return float(np.mean((r - np.round(r / delta) * delta) ** 2))  # rounded, never clipped


# %% task2_answer
def maxout_vjp(x, g, k=2, axis=-1):
    x, g = np.asarray(x, dtype=float), np.asarray(g, dtype=float)
    xs, gs = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    groups = xs.reshape(*xs.shape[:-1], xs.shape[-1] // k, k)
    is_max = groups == groups.max(axis=-1, keepdims=True)  # every tied maximum gets g
    grad = np.where(is_max, gs[..., None], 0.0)
    return np.moveaxis(grad.reshape(xs.shape), -1, axis)


# %% task3_answer
def lstm_step(x, h, c, U, W, b):
    z = np.asarray(x) @ U + np.asarray(h) @ W + b
    n = np.shape(h)[-1]
    i, f, o = (act.sigmoid(z[..., k * n:(k + 1) * n]) for k in (0, 1, 2))  # the sigmoids first,
    g = np.tanh(z[..., 3 * n:])  # as the formula lists them: i, f, o, g
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new, f
