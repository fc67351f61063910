# Plausible wrong answers to assignments/source/05_softmax/05_softmax.ipynb: each passes every
# visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# tests/test_assignments.py submits them and checks that they score exactly the visible
# tests' points.
# ruff: noqa


# %% task1_answer
def logsumexp(z):
    # taken literally: overflows for logits above 709, and log(0) below -745
    return np.log(np.sum(np.exp(np.asarray(z, dtype=float)), axis=-1))


# %% task2_answer
def softmax_jacobian(z):
    e = np.exp(np.asarray(z, dtype=float))  # an unstable softmax
    p = e / e.sum()
    return np.diag(p) - np.outer(p, p)


# %% task3_answer
def crossentropy_grad(Z, y):
    P = np.exp(Z - logsumexp(Z)[:, None])
    P[np.arange(len(y)), y] -= 1
    return P  # the gradient of the sum, not of the mean


# %% task4_answer
def train_softmax(X, y, steps=200, lr=0.5):
    W = np.zeros((X.shape[1], int(y.max()) + 1))
    b = np.zeros(W.shape[1])
    for _ in range(steps):
        Z = X @ W + b
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        P[np.arange(len(y)), y] -= 1
        W = W - lr * X.T @ P / len(y)  # b is never updated
    return W, b
