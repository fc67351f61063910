# Plausible wrong answers to assignments/source/07_choosing/07_choosing.ipynb: each passes every
# visible test of its task and fails its hidden tests. One section per solution cell,
# "# %% <grade_id>" and then the whole cell as a student would hand it in.
# ruff: noqa


# %% task1_answer
def tied(a, b, level=0.05):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return bool(abs(a.mean() - b.mean()) <= 2 * se)  # the normal's 2, whatever the seeds


# %% task2_answer
def fair_design(activations, n_train, seed=0):
    initializer = {n: "he_normal" if n in ("relu", "leaky_relu", "elu") else "glorot_uniform"
                   for n in activations}  # GELU, SiLU, Mish and SELU left at Keras' default
    n_val = int(round(0.2 * n_train))
    idx = np.arange(n_train)
    return {"initializer": initializer, "train": idx[:-n_val], "validation": idx[-n_val:],
            "seeds": [0, 1, 2], "choose_by": "validation"}


# %% task3_answer
def choose(results, level=0.05):
    best = max(results, key=lambda n: np.mean(results[n]["test"]))  # chosen on the test set
    return sorted(n for n in results
                  if n == best or tied(results[n]["test"], results[best]["test"], level=level))
