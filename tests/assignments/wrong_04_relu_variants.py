# Plausible wrong answers to assignments/source/04_relu_variants/04_relu_variants.ipynb: each passes every
# visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# tests/test_assignments.py submits them and checks that they score exactly the visible
# tests' points.
# ruff: noqa


# %% task1_answer
def leaky_relu_derivative(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, 1.0, 0.01)  # ignores alpha


# %% task2_answer
def celu_derivative(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0) / alpha))  # ELU's habit: alpha *


# %% task3_answer
def prelu_alpha_grad(x, alpha, upstream):
    x = np.asarray(x, dtype=float)
    terms = np.where(x > 0, 0.0, x)  # forgets upstream
    return terms.sum(axis=tuple(range(x.ndim - 1)))


# %% task4_answer
def fit_alpha(x, y, steps=100, lr=1.0):
    alpha = np.zeros(np.shape(x)[-1])
    for _ in range(steps):
        f = act.prelu(x, alpha=alpha)
        upstream = (f - y) / np.size(y)  # forgets the 2 of d(f - y)^2 / df
        alpha = alpha - lr * np.sum(upstream * np.where(x > 0, 0.0, x), axis=0)
    return alpha
