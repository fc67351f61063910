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
results = {}
dead = {}
training = act.training
X_train = training.load_data("two_spirals", n=400, seed=0)[0]
for lr in (0.001, 0.3):
    results[lr] = training.train("relu", data="two_spirals", n=400, depth=3,
                                 width=16, epochs=5, verbose=False)  # lr unused
    Zs = training.hidden_outputs(results[lr].model, X_train, pre_activation=True)
    dead[lr] = [int(dead_units(Z).sum()) for Z in Zs]
