# Plausible wrong answers to assignments/source/06_modern_activations/06_modern_activations.ipynb:
# each passes every visible test of its task and fails its hidden tests. One section per solution
# cell, "# %% <grade_id>" and then the whole cell as a student would hand it in.
# ruff: noqa


# %% task1_answer
def gelu_derivative(x):
    from scipy.special import erf

    x = np.asarray(x, dtype=float)
    cdf = 0.5 * (1 + erf(x / np.sqrt(2)))  # cancels to 0 for x << 0
    return cdf + x * np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)


# %% task2_answer
def tanh_gelu_constants():
    return float(np.sqrt(2 / np.pi)), 0.044715  # the published constant, not the derivation


# %% task3_answer
def dip(f, df, lo=-10.0):
    left, right = -2.0, -1e-12  # searches too near 0: misses dips left of -2
    for _ in range(200):
        mid = (left + right) / 2
        if df(np.array([mid]))[0] < 0:
            left = mid
        else:
            right = mid
    x_min = (left + right) / 2
    return float(x_min), float(f(np.array([x_min]))[0])
