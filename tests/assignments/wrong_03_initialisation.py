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
def critical_sigma_w(f, df, sigma_b=0.0):
    z, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / np.sqrt(2 * np.pi)  # E[g(z)] = sum(w * g(z))

    def bisect(g, lo, hi, steps=60):  # the root of g, given g(lo) > 0 > g(hi)
        for _ in range(steps):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
        return (lo + hi) / 2

    def q_star(sigma_w):
        # the bias variance is forgotten: right only for sigma_b = 0
        gap = lambda q: sigma_w ** 2 * np.sum(w * f(np.sqrt(q) * z) ** 2) - q
        if gap(1e-12) <= 0:
            return 0.0  # q shrinks to 0 (tanh without bias, sigma_w <= 1)
        hi = 1.0
        while gap(hi) > 0 and hi < 1e8:
            hi *= 2
        return bisect(gap, 1e-12, hi)

    def chi_1(sigma_w):
        return sigma_w ** 2 * np.sum(w * df(np.sqrt(q_star(sigma_w)) * z) ** 2)

    sigma_w = bisect(lambda s: 1 - chi_1(s), 0.1, 10.0, steps=50)  # chi_1 grows with sigma_w
    return sigma_w, q_star(sigma_w)


# %% task4_answer
def relu_stds(depth, scale):
    second_moment = 1.0
    stds = []
    for _ in range(depth):
        second_moment = scale ** 2 * second_moment / 2
        stds.append(np.sqrt(second_moment))  # the root mean square, not the std
    return np.array(stds)
