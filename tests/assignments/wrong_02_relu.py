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
def relu_layer_backward(X, W, b, upstream):
    Z = X @ W + b
    dZ = upstream * (Z > 0)
    return upstream @ W.T, X.T @ dZ, dZ.sum(axis=0)  # dX skips relu'


# %% task3_answer
def dead_units(Z):
    return np.all(np.asarray(Z) < 0, axis=0)  # a unit stuck at z = 0 is dead too


# %% task4_answer
def dead_after_step(X, W, b, upstream, lr):
    _, dW, db = relu_layer_backward(X, W, b, upstream)
    W_next = W - lr * dW  # the bias is not stepped
    return int(dead_units(X @ W_next + b).sum())
