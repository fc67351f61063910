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
def elu_alpha_grad(x, alpha, upstream):
    x = np.asarray(x, dtype=float)
    terms = upstream * act.elu(x, alpha=alpha) / alpha * (x <= 0)  # f / alpha: 0 / 0 at alpha = 0
    return terms.sum(axis=tuple(range(x.ndim - 1)))


# %% task4_answer
def fit_elu_alpha(x, y, steps=100, lr=1.0):
    alpha = np.zeros(np.shape(x)[-1])  # starts from a ReLU, not from ELU's default 1
    for _ in range(steps):
        f = act.elu(x, alpha=alpha)
        upstream = 2 * (f - y) / np.size(y)
        alpha = alpha - lr * np.sum(upstream * np.where(x > 0, 0.0, np.expm1(np.minimum(x, 0))),
                                    axis=0)
    return alpha
