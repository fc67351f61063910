# Plausible wrong answers to assignments/source/01_sigmoid/01_sigmoid.ipynb: each passes every
# visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# tests/test_assignments.py submits them and checks that they score exactly the visible
# tests' points.
# ruff: noqa


# %% task1_answer
def tanh_derivative(x):
    return 1 - np.tanh(x) ** 2  # cancels to 0 for |x| > 19


# %% task2_answer
def chain_gradient(x, weights):
    h = np.asarray(x, dtype=float)
    grad = np.ones_like(h)
    for w in weights:
        z = w * h
        grad = grad * act.sigmoid.derivative(z)  # forgets the inner factor w
        h = act.sigmoid(z)
    return grad


# %% task3_answer
def bce_backprop(x, y, W1, b1, W2, b2):
    h = act.sigmoid(x @ W1 + b1)
    y_hat = act.sigmoid(h @ W2 + b2)
    delta2 = (y_hat - y) / len(x)
    delta1 = delta2 @ W2.T  # forgets the hidden layer's slope
    return x.T @ delta1, delta1.sum(axis=0), h.T @ delta2, delta2.sum(axis=0)
