# Plausible wrong answers to assignments/source/03_initialisation/03_initialisation.ipynb: each
# passes every visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# tests/test_assignments.py submits them and checks that they score exactly the visible
# tests' points.
# ruff: noqa


# %% task1_answer
def init_std(init, fan_in, fan_out):
    if init == "lecun_normal":
        return np.sqrt(1 / fan_in)
    if init == "he_normal":
        return np.sqrt(2 / fan_in)
    if init == "glorot_uniform":
        return np.sqrt(2 / (fan_in + fan_in))  # fan_in twice: right only for square layers
    raise ValueError(init)


# %% task2_answer
def layer_stds(h0, weights, f):
    h = np.asarray(h0, dtype=float)
    stds = []
    for w in weights:
        z = h @ w
        stds.append(f(z).std())
        h = z  # passes z on instead of f(z): right only when f is the identity
    return np.array(stds)


# %% task3_answer
def critical_scale(f):
    z, w = np.polynomial.hermite_e.hermegauss(200)
    fz = f(z)
    mean = np.sum(w * fz) / np.sqrt(2 * np.pi)
    variance = np.sum(w * fz ** 2) / np.sqrt(2 * np.pi) - mean ** 2  # Var[f(z)], not E[f(z)^2]
    return 1 / np.sqrt(variance)


# %% task4_answer
def relu_stds(depth, scale):
    second_moment = 1.0
    stds = []
    for _ in range(depth):
        second_moment = scale ** 2 * second_moment / 2
        stds.append(np.sqrt(second_moment))  # the root mean square, not the std
    return np.array(stds)
