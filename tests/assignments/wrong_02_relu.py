# Plausible wrong answers to assignments/source/02_relu/02_relu.ipynb: each passes every
# visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# tests/test_assignments.py submits them and checks that they score exactly the visible
# tests' points.
# ruff: noqa


# %% task1_answer
def relu_derivative(x):
    return (np.asarray(x) >= 0).astype(float)  # 1 at the kink


# %% task2_answer
def relu_net_backward(X, Y, W1, b1, W2, b2):
    Z = X @ W1 + b1
    H = np.maximum(Z, 0)
    dY = (H @ W2 + b2 - Y) / len(X)
    dZ = dY @ W2.T  # skips relu'
    return X.T @ dZ, dZ.sum(axis=0), H.T @ dY, dY.sum(axis=0)


# %% task3_answer
def margins(X, W, b):
    return -np.max(X @ W, axis=0)  # the bias is forgotten


# %% task4_answer
def dead_after_step(X, W, b, upstream, lr):
    dZ = upstream * (X @ W + b > 0)
    W_next = W - lr * X.T @ dZ  # the bias is not stepped
    return int(np.sum(-np.max(X @ W_next + b, axis=0) >= 0))
