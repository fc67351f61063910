"""Build the nbgrader source notebooks of the actlib course assignments.

    .venv/bin/python assignments/build_sources.py      # writes source/<id>/<id>.ipynb

The notebooks in ``source/`` are what nbgrader reads and what is committed; this script is where
they are written. Edit a task here, re-run the script, and commit both (``make test`` checks that
they agree). Each task becomes five cells: its text, a solution cell (the code between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes ``raise NotImplementedError`` in the
student version), a visible test cell, a hidden test cell (between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``; students see only its first comment), and optionally given code.

Every task also carries ``wrong``: a plausible wrong answer that passes the visible tests and fails
the hidden ones (an unstable formula, a forgotten factor, a parameter that is ignored).
``tests/test_assignments.py`` submits the solutions, the untouched student version and these wrong
answers, autogrades them with nbgrader and checks the exact scores.
"""

from __future__ import annotations

import argparse
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import nbformat

HERE = Path(__file__).resolve().parent


@dataclass
class Task:
    title: str
    text: str  # markdown, after the heading
    solution: str  # the solution cell, with one ### BEGIN SOLUTION ... ### END SOLUTION region
    wrong: str  # the whole solution cell, answered wrongly
    visible: str  # the visible test cell
    hidden_note: str  # what the hidden tests check, shown to students
    hidden: str  # the hidden tests
    hidden_points: int
    visible_points: int = 1
    given: str = ""  # a locked code cell before the solution cell (data)
    demo: str = ""  # a locked code cell after the tests (what the answer shows)

    @property
    def points(self) -> int:
        return self.visible_points + self.hidden_points


@dataclass
class Assignment:
    id: str
    title: str
    lesson: str
    learn: tuple[str, ...]
    tasks: tuple[Task, ...]
    closing: str

    @property
    def points(self) -> int:
        return sum(t.points for t in self.tasks)


def _d(text: str) -> str:
    return dedent(text).strip("\n")


def _md(text: str) -> str:
    """Markdown written wrapped in this file, unwrapped: one line per paragraph (renderers
    differ on math that spans a line break). Fenced code stays as it is."""
    blocks, fenced = [], False
    for block in _d(text).split("\n\n"):
        if block.startswith("```") or fenced:
            fenced = block.count("```") % 2 != fenced
            blocks.append(block)
        else:
            blocks.append(" ".join(line.strip() for line in block.splitlines()))
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------------------- 01

SIGMOID = Assignment(
    id="01_sigmoid",
    title="Sigmoid and vanishing gradients",
    lesson="01 · Sigmoid, tanh and vanishing gradients",
    learn=(
        "derive the sigmoid's derivative, and compute it so that it stays accurate in the tails;",
        "backpropagate through a chain of sigmoid units and watch the gradient vanish with depth;",
        "write backpropagation for a small sigmoid network in NumPy and check it against a "
        "numerical gradient.",
    ),
    tasks=(
        Task(
            title="σ'(x), accurate in the tails",
            text=_md(r"""
                The sigmoid is $\sigma(x) = \dfrac{1}{1 + e^{-x}}$. Differentiate
                $(1 + e^{-x})^{-1}$ and show that

                $$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) = \sigma(x)\,\sigma(-x).$$

                Write `sigmoid_derivative(x)`: $\sigma'(x)$ elementwise for an array `x`, with
                `act.sigmoid` for $\sigma$. It must be accurate to a relative error of $10^{-6}$
                for **every** finite $x$: $\sigma'(40) \approx 4.2 \cdot 10^{-18}$, not 0. In
                float64, $\sigma(40)$ rounds to exactly 1: which of the two forms above still
                gives the right answer there?

                Derive it yourself: the graded tests hide `act.sigmoid.derivative` while your
                function runs.
                """),
            solution=_d("""
                def sigmoid_derivative(x):
                    \"\"\"sigma'(x) elementwise, accurate for every finite x.\"\"\"
                    ### BEGIN SOLUTION
                    x = np.asarray(x, dtype=float)
                    # sigma(-x), not 1 - sigma(x): for large x that difference cancels to 0
                    return act.sigmoid(x) * act.sigmoid(-x)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def sigmoid_derivative(x):
                    s = act.sigmoid(x)
                    return s * (1 - s)  # 1 - s cancels to 0 for x > 37
                """),
            visible=_d("""
                # Tests (1 point): the slope of act.sigmoid for ordinary x, -6 <= x <= 6.
                x = np.linspace(-6, 6, 49)
                slope = sigmoid_derivative(x)
                assert np.shape(slope) == x.shape, f"expected one slope per input, shape {x.shape}"
                assert np.isclose(sigmoid_derivative(np.zeros(1))[0], 0.25), "sigma'(0) is 1/4"
                err = act.check.rel_error(slope, act.check.numerical_derivative(act.sigmoid, x))
                assert err < 1e-7, f"not the slope of act.sigmoid: relative error {err:.1e}"
                print("✅ matches the numerical derivative of act.sigmoid on [-6, 6]")
                """),
            hidden_note="the tails, |x| from 20 to 700, against act.sigmoid.derivative "
                        "(relative error 1e-6), and a 2-D input.",
            hidden=_d("""
                def looked_up(*args, **kwargs):
                    raise AssertionError("sigmoid_derivative called act.sigmoid.derivative")


                x = np.array([-700.0, -100.0, -40.0, -20.0, 20.0, 37.0, 40.0, 100.0, 700.0])
                act.sigmoid.derivative = looked_up  # hidden while your function runs
                try:
                    got = sigmoid_derivative(x)
                    got_2d = sigmoid_derivative(x.reshape(3, 3))
                finally:
                    del act.sigmoid.derivative
                want = act.sigmoid.derivative(x)
                np.testing.assert_allclose(got, want, rtol=1e-6, atol=0, err_msg="the tails")
                np.testing.assert_allclose(got_2d, want.reshape(3, 3), rtol=1e-6, atol=0,
                                           err_msg="a 2-D input")
                """),
            hidden_points=2,
        ),
        Task(
            title="The gradient through a chain of sigmoids",
            text=_md(r"""
                A chain of $L$ sigmoid units, one per layer, each with a scalar weight $w_l$:

                $$h_0 = x, \qquad z_l = w_l\,h_{l-1}, \qquad h_l = \sigma(z_l)
                \quad (l = 1, \dots, L).$$

                By the chain rule, $\dfrac{dh_L}{dx} = \prod_{l=1}^{L}
                \dfrac{dh_l}{dh_{l-1}}$. Work out one factor $\dfrac{dh_l}{dh_{l-1}}$ (it has
                two parts), then write `chain_gradient(x, weights)`: run the chain forward from an
                array of inputs `x`, keeping what the factors need, and return $dh_L/dx$ for every
                input. Here you may use `act.sigmoid.derivative`.

                Since $\sigma' \le 1/4$, each layer with a weight near 1 shrinks the gradient at
                least fourfold: the cell after the tests shows what that does to a chain of 20.
                """),
            solution=_d("""
                def chain_gradient(x, weights):
                    \"\"\"dh_L/dx for h_l = sigmoid(w_l h_(l-1)), h_0 = x, elementwise.\"\"\"
                    ### BEGIN SOLUTION
                    h = np.asarray(x, dtype=float)
                    grad = np.ones_like(h)
                    for w in weights:
                        z = w * h
                        grad = grad * w * act.sigmoid.derivative(z)  # dh_l/dh_(l-1) = w sigma'(z)
                        h = act.sigmoid(z)
                    return grad
                    ### END SOLUTION
                """),
            wrong=_d("""
                def chain_gradient(x, weights):
                    h = np.asarray(x, dtype=float)
                    grad = np.ones_like(h)
                    for w in weights:
                        z = w * h
                        grad = grad * act.sigmoid.derivative(z)  # forgets the inner factor w
                        h = act.sigmoid(z)
                    return grad
                """),
            visible=_d("""
                # Tests (1 point): three units with weights 1, against a numerical derivative.
                def chain(x, weights):
                    for w in weights:
                        x = act.sigmoid(w * x)
                    return x


                x = np.linspace(-3, 3, 13)
                got = chain_gradient(x, [1.0, 1.0, 1.0])
                assert np.shape(got) == x.shape, f"expected one gradient per input, shape {x.shape}"
                numeric = act.check.numerical_derivative(lambda t: chain(t, [1.0, 1.0, 1.0]), x)
                err = act.check.rel_error(got, numeric)
                assert err < 1e-7, f"not the derivative of the chain: relative error {err:.1e}"
                print("✅ matches the numerical derivative for weights [1, 1, 1]")
                """),
            hidden_note="other weights (negative, larger than 1) against a numerical "
                        "derivative (relative error 1e-6).",
            hidden=_d("""
                x = np.linspace(-3, 3, 13)
                for weights in ([2.0, -1.5, 0.5], [3.0, 1.0, -2.0, 0.5]):
                    numeric = act.check.numerical_derivative(lambda t, w=weights: chain(t, w), x)
                    err = act.check.rel_error(chain_gradient(x, weights), numeric)
                    assert err < 1e-6, f"weights {weights}: relative error {err:.1e}"
                """),
            hidden_points=2,
            demo=_d("""
                # How fast the gradient vanishes: dh_L/dx at x = 0.5, chains of weights 1.
                for depth in (1, 5, 10, 20):
                    grad = chain_gradient(np.array([0.5]), [1.0] * depth)[0]
                    print(f"{depth:2d} layers: dh_L/dx = {grad:.1e}")
                """),
        ),
        Task(
            title="Backpropagation through a sigmoid network",
            text=_md(r"""
                A network with two hidden sigmoid layers and a sigmoid output (no biases), for a
                batch `x` of shape (n, d) and targets `y` of shape (n, k):

                $$h_1 = \sigma(xW_1), \quad h_2 = \sigma(h_1W_2), \quad \hat y = \sigma(h_2W_3),
                \qquad L = \tfrac12 \textstyle\sum (\hat y - y)^2.$$

                Write `backprop(x, y, W1, W2, W3)` returning the gradients `(dW1, dW2, dW3)`, each
                of the shape of its weights. Go down one layer at a time:
                $\delta_3 = \partial L / \partial z_3$ for $z_3 = h_2W_3$, then
                $dW_3 = h_2^\top\delta_3$; pass the error down through $W_3^\top$ and the slope of
                the layer below, and repeat. When $h = \sigma(z)$, $\sigma'(z) = h\,(1 - h)$, which
                is accurate for the moderate values inside this network.

                The visible test checks `dW3` against `act.check.numerical_gradient`; the hidden
                tests check `dW1` and `dW2` the same way. Check them yourself first:
                `act.check.numerical_gradient(f, W)` is the gradient of any scalar function
                `f(W)`, such as `lambda W: loss(W, W2, W3)` with the test's `loss`.
                """),
            solution=_d("""
                def backprop(x, y, W1, W2, W3):
                    \"\"\"Gradients (dW1, dW2, dW3) of L = 1/2 sum (y_hat - y)^2.\"\"\"
                    ### BEGIN SOLUTION
                    h1 = act.sigmoid(x @ W1)
                    h2 = act.sigmoid(h1 @ W2)
                    y_hat = act.sigmoid(h2 @ W3)
                    delta3 = (y_hat - y) * y_hat * (1 - y_hat)
                    delta2 = (delta3 @ W3.T) * h2 * (1 - h2)
                    delta1 = (delta2 @ W2.T) * h1 * (1 - h1)
                    return x.T @ delta1, h1.T @ delta2, h2.T @ delta3
                    ### END SOLUTION
                """),
            wrong=_d("""
                def backprop(x, y, W1, W2, W3):
                    h1 = act.sigmoid(x @ W1)
                    h2 = act.sigmoid(h1 @ W2)
                    y_hat = act.sigmoid(h2 @ W3)
                    delta3 = (y_hat - y) * y_hat * (1 - y_hat)
                    delta2 = delta3 @ W3.T  # forgets the slope of the hidden layers
                    delta1 = delta2 @ W2.T
                    return x.T @ delta1, h1.T @ delta2, h2.T @ delta3
                """),
            visible=_d("""
                # Tests (1 point): the shapes, and dW3 against a numerical gradient.
                rng = np.random.default_rng(1)
                x, y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
                W1, W2, W3 = (rng.normal(size=s) for s in ((3, 4), (4, 4), (4, 2)))


                def loss(W1, W2, W3):
                    y_hat = act.sigmoid(act.sigmoid(act.sigmoid(x @ W1) @ W2) @ W3)
                    return 0.5 * np.sum((y_hat - y) ** 2)


                grads = backprop(x, y, W1, W2, W3)
                assert len(grads) == 3, "return three arrays: (dW1, dW2, dW3)"
                for i, (g, W) in enumerate(zip(grads, (W1, W2, W3), strict=True), start=1):
                    assert np.shape(g) == W.shape, f"dW{i} must have the shape of W{i}, {W.shape}"
                numeric = act.check.numerical_gradient(lambda W: loss(W1, W2, W), W3)
                err = act.check.rel_error(grads[2], numeric)
                assert err < 1e-6, f"dW3: relative error {err:.1e} against the numerical gradient"
                print("✅ shapes right and dW3 matches; now check dW1 and dW2 yourself")
                """),
            hidden_note="dW1, dW2 and dW3 against numerical gradients (relative error 1e-6), "
                        "on another network.",
            hidden=_d("""
                rng = np.random.default_rng(2)
                x, y = rng.normal(size=(8, 4)), rng.uniform(size=(8, 1))
                W1, W2, W3 = (rng.normal(size=s) for s in ((4, 6), (6, 5), (5, 1)))
                grads = backprop(x, y, W1, W2, W3)
                numeric = (
                    act.check.numerical_gradient(lambda W: loss(W, W2, W3), W1),
                    act.check.numerical_gradient(lambda W: loss(W1, W, W3), W2),
                    act.check.numerical_gradient(lambda W: loss(W1, W2, W), W3),
                )
                for i, (g, n) in enumerate(zip(grads, numeric, strict=True), start=1):
                    err = act.check.rel_error(g, n)
                    assert err < 1e-6, f"dW{i}: relative error {err:.1e}"
                """),
            hidden_points=3,
        ),
    ),
    closing=_md("""
        **What you showed.** $\\sigma' \\le 1/4$, so backpropagation multiplies the gradient by at
        most $|w|/4$ per sigmoid layer: through 20 layers it fell by about $10^{13}$. The accurate
        derivative needs the form $\\sigma(x)\\,\\sigma(-x)$, and a numerical gradient is the
        way to check any backward pass you write.
        """),
)


# --------------------------------------------------------------------------------------- 02

RELU = Assignment(
    id="02_relu",
    title="ReLU and dead units",
    lesson="02 · ReLU",
    learn=(
        "write ReLU's derivative, with the convention at the kink that the frameworks use;",
        "backpropagate through a dense ReLU layer and see why a dead unit gets no gradient;",
        "count dead units, and create some in Keras with a learning rate that is too large.",
    ),
    tasks=(
        Task(
            title="ReLU's derivative, and the kink",
            text=_md(r"""
                $\operatorname{relu}(x) = \max(0, x)$ has slope 1 for $x > 0$ and 0 for
                $x < 0$. At $x = 0$ there is a kink: any value in $[0, 1]$ is a valid
                *subgradient*. TensorFlow, PyTorch and actlib use 0, and so will you.

                Write `relu_derivative(x)`: $\operatorname{relu}'(x)$ elementwise for an array
                `x`, as floats, with $\operatorname{relu}'(0) = 0$. The graded tests hide
                `act.relu.derivative` while your function runs.
                """),
            solution=_d("""
                def relu_derivative(x):
                    \"\"\"relu'(x) elementwise: 1.0 where x > 0, else 0.0 (also at x = 0).\"\"\"
                    ### BEGIN SOLUTION
                    return (np.asarray(x) > 0).astype(float)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def relu_derivative(x):
                    return (np.asarray(x) >= 0).astype(float)  # 1 at the kink
                """),
            visible=_d("""
                # Tests (1 point): the slope of act.relu away from the kink.
                x = np.linspace(-3, 3, 12)  # 0 is not among these points
                slope = relu_derivative(x)
                assert np.shape(slope) == x.shape, f"expected one slope per input, shape {x.shape}"
                numeric = act.check.numerical_derivative(act.relu, x)
                assert np.allclose(slope, numeric), f"got {slope}, expected {numeric.round(6)}"
                print("✅ slope 0 left of the kink, 1 right of it")
                """),
            hidden_note="x = 0 and -0.0 (slope 0), tiny inputs on either side, and a 2-D input, "
                        "against act.relu.derivative.",
            hidden=_d("""
                def looked_up(*args, **kwargs):
                    raise AssertionError("relu_derivative called act.relu.derivative")


                x = np.array([-5.0, -1e-300, -0.0, 0.0, 1e-300, 5.0])
                act.relu.derivative = looked_up  # hidden while your function runs
                try:
                    got = relu_derivative(x)
                    got_2d = relu_derivative(x.reshape(2, 3))
                finally:
                    del act.relu.derivative
                np.testing.assert_array_equal(got, act.relu.derivative(x),
                                              err_msg="relu'(x) for x near and at 0")
                np.testing.assert_array_equal(got_2d, act.relu.derivative(x.reshape(2, 3)),
                                              err_msg="a 2-D input")
                """),
            hidden_points=2,
        ),
        Task(
            title="Backpropagation through a ReLU layer",
            text=_md(r"""
                A dense ReLU layer maps a batch $X$ (n × d) to $H = \operatorname{relu}(Z)$ with
                $Z = XW + b$. In backpropagation it receives `upstream` $=\partial L/\partial H$
                (n × k) and returns the gradients with respect to its input and its parameters:

                $$\frac{\partial L}{\partial Z} = \text{upstream} \odot \operatorname{relu}'(Z),
                \quad \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Z},
                \quad \frac{\partial L}{\partial b} = \sum_{\text{rows}}
                \frac{\partial L}{\partial Z}, \quad \frac{\partial L}{\partial X} =
                \frac{\partial L}{\partial Z}\,W^\top.$$

                Write `relu_layer_backward(X, W, b, upstream)` returning `(dX, dW, db)`. A unit
                whose $z$ is negative for every example gets a column of zeros in
                $\partial L/\partial Z$, so its weights and bias get no gradient at all: it is
                **dead** (task 3).
                """),
            solution=_d("""
                def relu_layer_backward(X, W, b, upstream):
                    \"\"\"(dX, dW, db) for H = relu(X @ W + b), given upstream = dL/dH.\"\"\"
                    ### BEGIN SOLUTION
                    Z = X @ W + b
                    dZ = upstream * (Z > 0)
                    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def relu_layer_backward(X, W, b, upstream):
                    Z = X @ W + b
                    dZ = upstream * (Z > 0)
                    return upstream @ W.T, X.T @ dZ, dZ.sum(axis=0)  # dX skips relu'
                """),
            visible=_d("""
                # Tests (1 point): the shapes, and dW against a numerical gradient.
                rng = np.random.default_rng(0)
                X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
                upstream = rng.normal(size=(6, 4))


                def layer_loss(X, W, b):
                    return np.sum(upstream * act.relu(X @ W + b))  # dL/dH = upstream


                dX, dW, db = relu_layer_backward(X, W, b, upstream)
                for name, g, v in (("dX", dX, X), ("dW", dW, W), ("db", db, b)):
                    assert np.shape(g) == v.shape, f"{name} must have shape {v.shape}"
                err = act.check.rel_error(dW, act.check.numerical_gradient(
                    lambda v: layer_loss(X, v, b), W))
                assert err < 1e-7, f"dW: relative error {err:.1e} against the numerical gradient"
                print("✅ shapes right and dW matches; check dX and db the same way")
                """),
            hidden_note="dX and db against numerical gradients, and a dead unit (bias -100) "
                        "whose dW column and db are exactly 0.",
            hidden=_d("""
                rng = np.random.default_rng(1)
                X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
                b[2] = -100.0  # unit 2 is dead on these inputs
                upstream = rng.normal(size=(6, 4))
                dX, dW, db = relu_layer_backward(X, W, b, upstream)
                for name, g, v, f in (
                        ("dX", dX, X, lambda v: layer_loss(v, W, b)),
                        ("dW", dW, W, lambda v: layer_loss(X, v, b)),
                        ("db", db, b, lambda v: layer_loss(X, W, v))):
                    err = act.check.rel_error(g, act.check.numerical_gradient(f, v))
                    assert err < 1e-7, f"{name}: relative error {err:.1e}"
                assert np.all(dW[:, 2] == 0) and db[2] == 0, "a dead unit gets no gradient"
                """),
            hidden_points=2,
        ),
        Task(
            title="Counting dead units",
            text=_md(r"""
                A ReLU unit is **dead** on a data set when its pre-activation $z$ is $\le 0$ for
                every example: its output is always 0, it receives no gradient (task 2), and
                gradient descent can never revive it. (At $z = 0$ the slope is 0 too: $\le$, not
                $<$.)

                Write `dead_units(Z)`: for pre-activations `Z` of shape (examples, units), a
                boolean array with one entry per unit, `True` where the unit is dead.
                """),
            solution=_d("""
                def dead_units(Z):
                    \"\"\"One bool per unit (column of Z): True if z <= 0 for every row.\"\"\"
                    ### BEGIN SOLUTION
                    return np.all(np.asarray(Z) <= 0, axis=0)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def dead_units(Z):
                    return np.all(np.asarray(Z) < 0, axis=0)  # a unit stuck at z = 0 is dead too
                """),
            visible=_d("""
                # Tests (1 point): three units on two examples.
                Z = np.array([[-1.0, 2.0, -0.5],
                              [-3.0, -1.0, -2.0]])
                got = dead_units(Z)
                assert np.shape(got) == (3,), "expected one entry per unit (column)"
                assert list(got) == [True, False, True], f"got {list(got)}"
                print("✅ units 0 and 2 are dead: they never fire")
                """),
            hidden_note="a unit whose z is exactly 0 on every example, and a random layer, "
                        "against act.relu.derivative.",
            hidden=_d("""
                Z = np.array([[0.0, 1.0, -1.0], [0.0, -2.0, 0.0]])
                got = list(dead_units(Z))
                assert got == [True, False, True], f"z = 0 on every example is dead too: {got}"
                Z = np.random.default_rng(3).normal(size=(50, 8)) - np.arange(8)
                want = np.all(act.relu.derivative(Z) == 0, axis=0)
                np.testing.assert_array_equal(dead_units(Z), want, err_msg="a random layer")
                """),
            hidden_points=1,
        ),
        Task(
            title="Kill some units in Keras",
            text=_md(r"""
                A learning rate that is too large can push a unit's weights and bias so far that
                it never fires again. See it happen: train the same small ReLU network twice, with
                `lr = 0.001` and with `lr = 0.3`, using actlib's experiment runner,

                ```python
                training = act.training  # imports Keras (TensorFlow) on first use: a few seconds
                training.train("relu", data="two_spirals", n=400, depth=3, width=16, epochs=5,
                               learning_rate=lr, verbose=False)
                ```

                Store each run's result in `results[lr]`, and in `dead[lr]` the number of dead
                units in each of its 3 hidden layers after training, counted with your
                `dead_units` on the 300 training inputs,
                `X_train = training.load_data("two_spirals", n=400, seed=0)[0]` (the ones
                `training.train` used). `training.hidden_outputs(model, X_train,
                pre_activation=True)` gives one `Z` per hidden layer; `results[lr].model` is the
                trained model. Which learning rate leaves more dead units?
                """),
            solution=_d("""
                results = {}  # learning rate -> training.Result
                dead = {}  # learning rate -> [dead units in hidden layer 1, 2, 3]
                ### BEGIN SOLUTION
                training = act.training
                X_train = training.load_data("two_spirals", n=400, seed=0)[0]
                for lr in (0.001, 0.3):
                    results[lr] = training.train("relu", data="two_spirals", n=400, depth=3,
                                                 width=16, epochs=5, learning_rate=lr,
                                                 verbose=False)
                    Zs = training.hidden_outputs(results[lr].model, X_train, pre_activation=True)
                    dead[lr] = [int(dead_units(Z).sum()) for Z in Zs]
                ### END SOLUTION
                """),
            wrong=_d("""
                results = {}
                dead = {}
                training = act.training
                X_train = training.load_data("two_spirals", n=400, seed=0)[0]
                for lr in (0.001, 0.3):
                    results[lr] = training.train("relu", data="two_spirals", n=400, depth=3,
                                                 width=16, epochs=5, verbose=False)  # lr unused
                    Zs = training.hidden_outputs(results[lr].model, X_train, pre_activation=True)
                    dead[lr] = [int(dead_units(Z).sum()) for Z in Zs]
                """),
            visible=_d("""
                # Tests (1 point): both runs, trained for 5 epochs, one count per hidden layer.
                assert sorted(results) == [0.001, 0.3] and sorted(dead) == [0.001, 0.3]
                for lr in (0.001, 0.3):
                    assert len(results[lr].history["loss"]) == 5, "train for 5 epochs"
                    assert len(dead[lr]) == 3, "one count per hidden layer"
                    assert all(0 <= int(d) <= 16 for d in dead[lr]), "16 units per layer"
                print(f"✅ dead units per layer: lr = 0.001: {dead[0.001]}; lr = 0.3: {dead[0.3]}")
                """),
            hidden_note="each model was trained with its learning rate and the asked shape, your "
                        "counts equal actlib's (training.dead_units), and lr = 0.3 leaves at "
                        "least 10 more dead units than lr = 0.001.",
            hidden=_d("""
                models = {lr: results[lr].model for lr in (0.001, 0.3)}  # (before Keras loads)
                X_check = act.training.load_data("two_spirals", n=400, seed=0)[0]
                for lr, model in models.items():
                    assert np.isclose(float(model.optimizer.learning_rate), lr), "learning rate"
                    widths = [lay.units for lay in model.layers if lay.name.startswith("dense_")]
                    assert widths == [16, 16, 16], f"hidden layers {widths}"
                    want = act.training.dead_units(model, X_check, "relu").tolist()
                    assert [int(d) for d in dead[lr]] == want, f"lr {lr}: {dead[lr]} vs {want}"
                assert sum(dead[0.3]) >= sum(dead[0.001]) + 10, "lr = 0.3 should kill more units"
                """),
            hidden_points=1,
        ),
    ),
    closing=_md("""
        **What you showed.** ReLU passes the gradient through unchanged where a unit fires and
        blocks it where it does not; a unit that never fires on the data gets no gradient at all
        and stays dead. A learning rate that is too large kills many units within a few epochs:
        the variants in assignment 03 keep a slope for $x < 0$ so that this cannot happen.
        """),
)


# --------------------------------------------------------------------------------------- 03

VARIANTS = Assignment(
    id="03_relu_variants",
    title="The ReLU variants",
    lesson="03 · The ReLU variants",
    learn=(
        "derive the derivatives of Leaky ReLU and ELU, with their parameter alpha;",
        "backpropagate to PReLU's learned slopes, one per channel;",
        "fit PReLU's slopes to data by gradient descent.",
    ),
    tasks=(
        Task(
            title="Leaky ReLU's derivative",
            text=_md(r"""
                Leaky ReLU keeps a small slope $\alpha$ for negative inputs:

                $$f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}$$

                Maas et al. (2013) and PyTorch use $\alpha = 0.01$; Keras' `LeakyReLU` layer uses
                0.3. Write `leaky_relu_derivative(x, alpha=0.01)`: $f'(x)$ elementwise, for any
                `alpha`. At the kink $x = 0$ use the left slope, $\alpha$, as TensorFlow, PyTorch
                and actlib do. The graded tests hide `act.leaky_relu.derivative` while your
                function runs.
                """),
            solution=_d("""
                def leaky_relu_derivative(x, alpha=0.01):
                    \"\"\"f'(x) elementwise: 1 for x > 0, alpha for x <= 0.\"\"\"
                    ### BEGIN SOLUTION
                    return np.where(np.asarray(x) > 0, 1.0, alpha)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def leaky_relu_derivative(x, alpha=0.01):
                    return np.where(np.asarray(x) > 0, 1.0, 0.01)  # ignores alpha
                """),
            visible=_d("""
                # Tests (1 point): the default alpha = 0.01, away from the kink.
                x = np.linspace(-3, 3, 12)
                slope = leaky_relu_derivative(x)
                assert np.shape(slope) == x.shape, f"expected one slope per input, shape {x.shape}"
                numeric = act.check.numerical_derivative(act.leaky_relu, x)
                assert np.allclose(slope, numeric), f"got {slope}, expected {numeric.round(6)}"
                print("✅ slope 0.01 left of the kink, 1 right of it")
                """),
            hidden_note="alpha = 0.2, 0.3 and 1 (numerically and against "
                        "act.leaky_relu.derivative), and x = 0.",
            hidden=_d("""
                def looked_up(*args, **kwargs):
                    raise AssertionError("leaky_relu_derivative called act.leaky_relu.derivative")


                x = np.array([-3.0, -1.0, -1e-9, 0.0, 1e-9, 2.0])
                for alpha in (0.2, 0.3, 1.0):
                    act.leaky_relu.derivative = looked_up  # hidden while your function runs
                    try:
                        got = leaky_relu_derivative(x, alpha=alpha)
                    finally:
                        del act.leaky_relu.derivative
                    np.testing.assert_allclose(got, act.leaky_relu.derivative(x, alpha=alpha),
                                               err_msg=f"alpha = {alpha}")
                    numeric = act.check.numerical_derivative(
                        lambda t, a=alpha: act.leaky_relu(t, alpha=a), x[[0, 1, 5]])
                    np.testing.assert_allclose(got[[0, 1, 5]], numeric, err_msg=f"alpha = {alpha}")
                """),
            hidden_points=2,
        ),
        Task(
            title="ELU's derivative",
            text=_md(r"""
                ELU (Clevert et al., 2016) bends smoothly to $-\alpha$ for negative inputs:

                $$f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^x - 1) & x \le 0 \end{cases}$$

                Derive $f'(x)$ for $x \le 0$, and show that there it equals $f(x) + \alpha$.
                Write `elu_derivative(x, alpha=1.0)`: $f'(x)$ elementwise, for any
                `alpha` $\ge 0$, using the $x \le 0$ branch at $x = 0$ (as actlib does). It must
                return finite numbers for every finite `x`, also $\pm 1000$. The graded tests
                hide `act.elu.derivative` while your function runs.
                """),
            solution=_d("""
                def elu_derivative(x, alpha=1.0):
                    \"\"\"f'(x) elementwise: 1 for x > 0, alpha e^x for x <= 0.\"\"\"
                    ### BEGIN SOLUTION
                    x = np.asarray(x, dtype=float)
                    # min(x, 0): no overflow of e^x in the branch that np.where throws away
                    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
                    ### END SOLUTION
                """),
            wrong=_d("""
                def elu_derivative(x, alpha=1.0):
                    x = np.asarray(x, dtype=float)
                    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))  # ignores alpha
                """),
            visible=_d("""
                # Tests (1 point): alpha = 1, against the numerical derivative of act.elu.
                x = np.linspace(-5, 3, 16)
                slope = elu_derivative(x)
                assert np.shape(slope) == x.shape, f"expected one slope per input, shape {x.shape}"
                err = act.check.rel_error(slope, act.check.numerical_derivative(act.elu, x))
                assert err < 1e-7, f"not the slope of act.elu: relative error {err:.1e}"
                print("✅ matches the numerical derivative of act.elu (alpha = 1)")
                """),
            hidden_note="alpha = 0.5 and 2 (numerically and against act.elu.derivative), x = 0, "
                        "and x = -1000 and 1000.",
            hidden=_d("""
                def looked_up(*args, **kwargs):
                    raise AssertionError("elu_derivative called act.elu.derivative")


                x = np.array([-1000.0, -5.0, -1.0, -0.3, 0.0, 0.4, 2.0, 1000.0])
                for alpha in (0.5, 2.0):
                    act.elu.derivative = looked_up  # hidden while your function runs
                    try:
                        got = elu_derivative(x, alpha=alpha)
                    finally:
                        del act.elu.derivative
                    np.testing.assert_allclose(got, act.elu.derivative(x, alpha=alpha), rtol=1e-9,
                                               err_msg=f"alpha = {alpha}")
                    numeric = act.check.numerical_derivative(
                        lambda t, a=alpha: act.elu(t, alpha=a), x[1:4])
                    err = act.check.rel_error(got[1:4], numeric)
                    assert err < 1e-7, f"alpha = {alpha}: relative error {err:.1e}"
                """),
            hidden_points=2,
        ),
        Task(
            title="PReLU: the gradient for the slopes",
            text=_md(r"""
                PReLU (He et al., 2015) is a leaky ReLU whose slope is **learned**, one
                $\alpha_c$ per channel $c$ (the last axis of `x`):
                $f(x) = x$ for $x > 0$ and $\alpha_c x$ for $x \le 0$. So
                $\partial f/\partial \alpha_c = x$ where $x \le 0$ (in channel $c$) and 0
                elsewhere.

                In backpropagation the layer receives `upstream` $= \partial E/\partial f$ for every
                element. Every element of channel $c$ shares $\alpha_c$, and each adds its own
                term to the gradient (chain rule). Write `prelu_alpha_grad(x, alpha, upstream)`:
                $\partial E/\partial\alpha$, one number per channel, for `x` of any shape
                (..., channels), e.g. a batch of images (batch, height, width, channels).
                """),
            solution=_d("""
                def prelu_alpha_grad(x, alpha, upstream):
                    \"\"\"dE/dalpha, one number per channel (x's last axis).\"\"\"
                    ### BEGIN SOLUTION
                    x = np.asarray(x, dtype=float)
                    terms = upstream * np.where(x > 0, 0.0, x)
                    return terms.sum(axis=tuple(range(x.ndim - 1)))  # every axis but channels
                    ### END SOLUTION
                """),
            wrong=_d("""
                def prelu_alpha_grad(x, alpha, upstream):
                    x = np.asarray(x, dtype=float)
                    terms = np.where(x > 0, 0.0, x)  # forgets upstream
                    return terms.sum(axis=tuple(range(x.ndim - 1)))
                """),
            visible=_d("""
                # Tests (1 point): two channels, two examples, upstream all ones.
                x = np.array([[-1.0, 2.0],
                              [-3.0, -4.0]])
                got = prelu_alpha_grad(x, np.array([0.25, 0.25]), np.ones_like(x))
                assert np.shape(got) == (2,), "expected one number per channel"
                assert np.allclose(got, [-4.0, -4.0]), f"got {got}, expected [-4, -4]"
                print("✅ one gradient per channel, summed over the examples")
                """),
            hidden_note="a batch of 4 images (5 x 5 pixels, 3 channels) with random upstream, "
                        "against a numerical gradient and act.prelu.derivative_alpha.",
            hidden=_d("""
                rng = np.random.default_rng(3)
                x = rng.normal(size=(4, 5, 5, 3))
                alpha = np.array([0.25, 0.1, -0.05])
                upstream = rng.normal(size=x.shape)
                got = prelu_alpha_grad(x, alpha, upstream)
                want = np.sum(upstream * act.prelu.derivative_alpha(x, alpha), axis=(0, 1, 2))
                np.testing.assert_allclose(got, want, rtol=1e-9, err_msg="a batch of images")
                numeric = act.check.numerical_gradient(
                    lambda a: np.sum(upstream * act.prelu(x, alpha=a)), alpha)
                err = act.check.rel_error(got, numeric)
                assert err < 1e-7, f"relative error {err:.1e} against the numerical gradient"
                """),
            hidden_points=1,
        ),
        Task(
            title="Fit PReLU's slopes by gradient descent",
            text=_md(r"""
                The data below were made by a PReLU with slopes you do not know:
                `y_fit = act.prelu(x_fit, alpha=secret)`, `x_fit` of shape (500, 3). Recover
                them. Write `fit_alpha(x, y, steps=100, lr=1.0)`: start from $\alpha = 0$ (one
                zero per channel: a ReLU) and take `steps` gradient-descent steps
                $\alpha \leftarrow \alpha - \text{lr}\;\partial L/\partial\alpha$ on the mean
                squared error

                $$L(\alpha) = \operatorname{mean}\bigl((\operatorname{prelu}(x, \alpha) - y)^2
                \bigr)$$

                (the mean over all elements), then return $\alpha$. Use your
                `prelu_alpha_grad`: what is `upstream` $= \partial L/\partial f$ for each element?
                """),
            given=_d("""
                # Data for task 4 (given): 500 examples, 3 channels.
                rng = np.random.default_rng(0)
                x_fit = rng.normal(size=(500, 3))
                y_fit = act.prelu(x_fit, alpha=np.array([0.1, 0.25, 0.5]))
                """),
            solution=_d("""
                def fit_alpha(x, y, steps=100, lr=1.0):
                    \"\"\"PReLU slopes, one per channel, fitted to y by gradient descent.\"\"\"
                    ### BEGIN SOLUTION
                    alpha = np.zeros(np.shape(x)[-1])
                    for _ in range(steps):
                        f = act.prelu(x, alpha=alpha)
                        upstream = 2 * (f - y) / np.size(y)  # dL/df for L = mean((f - y)^2)
                        alpha = alpha - lr * prelu_alpha_grad(x, alpha, upstream)
                    return alpha
                    ### END SOLUTION
                """),
            wrong=_d("""
                def fit_alpha(x, y, steps=100, lr=1.0):
                    alpha = np.zeros(np.shape(x)[-1])
                    for _ in range(steps):
                        f = act.prelu(x, alpha=alpha)
                        upstream = (f - y) / np.size(y)  # forgets the 2 of d(f - y)^2 / df
                        alpha = alpha - lr * np.sum(upstream * np.where(x > 0, 0.0, x), axis=0)
                    return alpha
                """),
            visible=_d("""
                # Tests (1 point): 100 steps recover the three slopes to 1e-3.
                alpha = fit_alpha(x_fit, y_fit)
                assert np.shape(alpha) == (3,), "expected one slope per channel"
                assert np.allclose(alpha, [0.1, 0.25, 0.5], atol=1e-3), f"got {alpha}"
                print(f"✅ recovered slopes {alpha.round(4)}")
                """),
            hidden_note="on other data (4 channels), one step of lr = 0.5 from alpha = 0 equals "
                        "-0.5 times the numerical gradient of L, and 200 steps recover the slopes.",
            hidden=_d("""
                rng = np.random.default_rng(1)
                x = rng.normal(size=(200, 4))
                secret = np.array([-0.2, 0.05, 0.3, 0.7])
                y = act.prelu(x, alpha=secret)
                numeric = act.check.numerical_gradient(
                    lambda a: np.mean((act.prelu(x, alpha=a) - y) ** 2), np.zeros(4))
                np.testing.assert_allclose(fit_alpha(x, y, steps=1, lr=0.5), -0.5 * numeric,
                                           rtol=1e-6, err_msg="one step of lr = 0.5")
                np.testing.assert_allclose(fit_alpha(x, y, steps=200), secret, atol=1e-6,
                                           err_msg="200 steps")
                """),
            hidden_points=1,
        ),
    ),
    closing=_md("""
        **What you showed.** The leaky variants keep a slope $\\alpha$ (or $\\alpha e^x$) for
        negative inputs, so no unit can die; a derivative that ignores $\\alpha$ is right only
        for the default. PReLU learns its slopes like any weight, with a gradient summed over
        every element that shares the slope, and gradient descent found the three slopes used to
        make the data.
        """),
)


# --------------------------------------------------------------------------------------- 04

SOFTMAX = Assignment(
    id="04_softmax",
    title="Softmax",
    lesson="04 · Softmax",
    learn=(
        "compute softmax so that it never overflows, even for logits like 1000;",
        "derive its Jacobian and check it numerically;",
        "backpropagate cross-entropy through softmax, and train a softmax classifier in NumPy.",
    ),
    tasks=(
        Task(
            title="A softmax that never overflows",
            text=_md(r"""
                $$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k} e^{z_k}}$$

                turns a vector of logits into probabilities. Taken literally it overflows:
                $e^{1000}$ is `inf` in float64, and `inf / inf` is `nan`. Show that subtracting
                the same number $m$ from every $z_i$ leaves the result unchanged, and pick $m$ so
                that no exponential can overflow.

                Write `softmax(z)` with NumPy: softmax along the last axis of a 1-D or 2-D array
                (each row of a 2-D array is one vector of logits). It must give
                `softmax([1000, 0]) = [1, 0]`. Write it yourself: the graded tests check that your
                function does not call another softmax (`act.softmax`, SciPy's).
                """),
            solution=_d("""
                def softmax(z):
                    \"\"\"Softmax along the last axis, for any finite logits.\"\"\"
                    ### BEGIN SOLUTION
                    z = np.asarray(z, dtype=float)
                    # e^(z - max) <= 1: no overflow, and the largest term is 1, so the sum is >= 1
                    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
                    return e / np.sum(e, axis=-1, keepdims=True)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def softmax(z):
                    e = np.exp(np.asarray(z, dtype=float))  # overflows for logits above 709
                    return e / np.sum(e, axis=-1, keepdims=True)
                """),
            visible=_d("""
                # Tests (1 point): ordinary logits, 1-D and 2-D, against act.softmax.
                z = np.array([3.0, 0.7, 0.5])
                assert np.allclose(softmax(z), act.softmax(z)), f"got {softmax(z)}"
                Z = np.random.default_rng(4).normal(0, 3, size=(4, 5))
                P = softmax(Z)
                assert np.shape(P) == Z.shape, f"expected shape {Z.shape}"
                assert np.allclose(P.sum(axis=-1), 1), "each row must sum to 1"
                assert np.allclose(P, act.softmax(Z)), "rows differ from act.softmax"
                print("✅ matches act.softmax on ordinary logits")
                """),
            hidden_note="large logits, [1000, 0] and rows like [-1000, -1001, -1002], against "
                        "act.softmax; and that it calls no other softmax.",
            hidden=_d("""
                assert "softmax" not in softmax.__code__.co_names, "write softmax yourself"
                with np.errstate(all="ignore"):  # an overflow shows as inf or nan below
                    got = softmax(np.array([1000.0, 0.0]))
                    Z = np.array([[1000.0, 999.0, 0.0], [-1000.0, -1001.0, -1002.0]])
                    got_2d = softmax(Z)
                np.testing.assert_allclose(got, [1.0, 0.0], atol=1e-12,
                                           err_msg="softmax([1000, 0])")
                np.testing.assert_allclose(got_2d, act.softmax(Z), rtol=1e-9,
                                           err_msg="large logits")
                """),
            hidden_points=2,
        ),
        Task(
            title="The softmax Jacobian",
            text=_md(r"""
                Every output of softmax depends on every logit. With $p = \operatorname{softmax}
                (z)$, differentiate $p_i = e^{z_i} / \sum_k e^{z_k}$ with respect to $z_j$ (the
                quotient rule; treat $i = j$ and $i \ne j$ separately) and show that

                $$J_{ij} = \frac{\partial p_i}{\partial z_j} = p_i\,(\delta_{ij} - p_j),
                \qquad J = \operatorname{diag}(p) - p\,p^\top.$$

                Write `softmax_jacobian(z)`: the $n \times n$ matrix $J$ for a 1-D `z` of length
                $n$. It must stay finite for large logits such as `[1000, 0, -1000]`. The graded
                tests hide `act.softmax.jacobian` while your function runs.
                """),
            solution=_d("""
                def softmax_jacobian(z):
                    \"\"\"J[i, j] = d softmax(z)_i / d z_j for a 1-D z.\"\"\"
                    ### BEGIN SOLUTION
                    p = softmax(z)
                    return np.diag(p) - np.outer(p, p)
                    ### END SOLUTION
                """),
            wrong=_d("""
                def softmax_jacobian(z):
                    e = np.exp(np.asarray(z, dtype=float))  # an unstable softmax
                    p = e / e.sum()
                    return np.diag(p) - np.outer(p, p)
                """),
            visible=_d("""
                # Tests (1 point): the shape, and a numerical Jacobian for z = [1, -0.5, 2].
                z = np.array([1.0, -0.5, 2.0])
                J = softmax_jacobian(z)
                assert np.shape(J) == (3, 3), "expected an n x n matrix"
                numeric = np.stack([
                    act.check.numerical_gradient(lambda v, i=i: act.softmax(v)[i], z)
                    for i in range(3)])
                err = act.check.rel_error(J, numeric)
                assert err < 1e-7, f"relative error {err:.1e} against the numerical Jacobian"
                print("✅ matches the numerical Jacobian; rows sum to", J.sum(axis=1).round(12))
                """),
            hidden_note="random logits of length 6 and the large logits [1000, 0, -1000], "
                        "against act.softmax.jacobian.",
            hidden=_d("""
                def looked_up(*args, **kwargs):
                    raise AssertionError("softmax_jacobian called act.softmax.jacobian")


                cases = [np.random.default_rng(5).normal(0, 2, size=6),
                         np.array([1000.0, 0.0, -1000.0])]
                for z in cases:
                    act.softmax.jacobian = looked_up  # hidden while your function runs
                    try:
                        with np.errstate(all="ignore"):
                            got = softmax_jacobian(z)
                    finally:
                        del act.softmax.jacobian
                    np.testing.assert_allclose(got, act.softmax.jacobian(z), rtol=1e-7, atol=1e-12,
                                               err_msg=f"z = {z}")
                """),
            hidden_points=2,
        ),
        Task(
            title="Cross-entropy's gradient",
            text=_md(r"""
                For a batch of logits `Z` (n × k) and integer labels `y` (n,), the cross-entropy
                loss is the mean over the batch of $-\log p_{y}$, with $p = \operatorname{softmax}$
                of each row:

                $$L = -\frac1n \sum_{r=1}^{n} \log \operatorname{softmax}(Z_r)_{y_r}.$$

                For one example with logits $z$ and label $y$, the chain rule through the Jacobian
                of task 2 collapses to $\partial(-\log p_y)/\partial z = p - \text{onehot}(y)$.
                Write `crossentropy_grad(Z, y)` returning $\partial L/\partial Z$ for the whole
                batch (mind the mean). It must stay finite for confident logits such as
                `[1000, 0, -1000]`.
                """),
            solution=_d("""
                def crossentropy_grad(Z, y):
                    \"\"\"dL/dZ for the mean cross-entropy of softmax(Z) against labels y.\"\"\"
                    ### BEGIN SOLUTION
                    P = softmax(Z)
                    n = len(y)
                    P[np.arange(n), y] -= 1
                    return P / n
                    ### END SOLUTION
                """),
            wrong=_d("""
                def crossentropy_grad(Z, y):
                    P = softmax(Z)
                    P[np.arange(len(y)), y] -= 1
                    return P  # the gradient of the sum, not of the mean
                """),
            visible=_d("""
                # Tests (1 point): one example, against a numerical gradient.
                def xent(Z, y):
                    P = act.softmax(Z)
                    return -np.mean(np.log(P[np.arange(len(y)), y]))


                Z, y = np.array([[2.0, -1.0, 0.5]]), np.array([0])
                got = crossentropy_grad(Z, y)
                assert np.shape(got) == Z.shape, f"expected shape {Z.shape}"
                numeric = act.check.numerical_gradient(lambda v: xent(v, y), Z)
                err = act.check.rel_error(got, numeric)
                assert err < 1e-7, f"relative error {err:.1e} against the numerical gradient"
                print("✅ matches the numerical gradient:", got.round(4))
                """),
            hidden_note="a batch of 4 examples against a numerical gradient, and the confident "
                        "logits [1000, 0, -1000] with label 2.",
            hidden=_d("""
                rng = np.random.default_rng(6)
                Z, y = rng.normal(size=(4, 5)), np.array([0, 3, 3, 1])
                got = crossentropy_grad(Z.copy(), y)
                numeric = act.check.numerical_gradient(lambda v: xent(v, y), Z)
                err = act.check.rel_error(got, numeric)
                assert err < 1e-7, f"batch of 4: relative error {err:.1e}"
                with np.errstate(all="ignore"):
                    got = crossentropy_grad(np.array([[1000.0, 0.0, -1000.0]]), np.array([2]))
                np.testing.assert_allclose(got, [[1.0, 0.0, -1.0]], atol=1e-12,
                                           err_msg="logits [1000, 0, -1000], label 2")
                """),
            hidden_points=1,
        ),
        Task(
            title="Train a softmax classifier",
            text=_md(r"""
                A linear softmax classifier computes logits $Z = XW + b$. Train one on the three
                clusters below: write `train_softmax(X, y, steps=200, lr=0.5)` that starts from
                $W = 0$ (shape d × k, with $k$ = `y.max() + 1` classes) and $b = 0$ (shape k),
                takes `steps` full-batch gradient-descent steps on the mean cross-entropy, and
                returns `(W, b)`. Backpropagate with your `crossentropy_grad`:
                $\partial L/\partial W = X^\top \partial L/\partial Z$,
                $\partial L/\partial b = \sum_{\text{rows}} \partial L/\partial Z$.
                """),
            given=_d("""
                # Data for task 4 (given): three clusters of 100 points in the plane.
                rng = np.random.default_rng(0)
                angles = np.deg2rad([90, 210, 330])
                centres = 2 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
                y_blobs = np.repeat([0, 1, 2], 100)
                X_blobs = centres[y_blobs] + rng.normal(0, 0.7, size=(300, 2))
                """),
            solution=_d("""
                def train_softmax(X, y, steps=200, lr=0.5):
                    \"\"\"(W, b) of a linear softmax classifier, by gradient descent.\"\"\"
                    ### BEGIN SOLUTION
                    W = np.zeros((X.shape[1], int(y.max()) + 1))
                    b = np.zeros(W.shape[1])
                    for _ in range(steps):
                        dZ = crossentropy_grad(X @ W + b, y)
                        W = W - lr * X.T @ dZ
                        b = b - lr * dZ.sum(axis=0)
                    return W, b
                    ### END SOLUTION
                """),
            wrong=_d("""
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
                """),
            visible=_d("""
                # Tests (1 point): the shapes, and at least 90% of the training points right.
                W, b = train_softmax(X_blobs, y_blobs)
                assert np.shape(W) == (2, 3) and np.shape(b) == (3,), "W is d x k, b has k entries"
                accuracy = np.mean(np.argmax(X_blobs @ W + b, axis=1) == y_blobs)
                assert accuracy >= 0.9, f"training accuracy {accuracy:.2f}"
                print(f"✅ training accuracy {accuracy:.3f}")
                """),
            hidden_note="on clusters of 40, 80 and 120 points, one step of lr = 1 from zero "
                        "equals minus the numerical gradient of the loss (W and b), and 200 steps "
                        "reach 90%.",
            hidden=_d("""
                rng = np.random.default_rng(1)
                y2 = np.repeat([0, 1, 2], [40, 80, 120])
                X2 = centres[y2] + [0.5, -0.3] + rng.normal(0, 0.7, size=(240, 2))
                W, b = train_softmax(X2, y2, steps=1, lr=1.0)
                W0, b0 = np.zeros((2, 3)), np.zeros(3)
                gW = act.check.numerical_gradient(lambda v: xent(X2 @ v + b0, y2), W0)
                gb = act.check.numerical_gradient(lambda v: xent(X2 @ W0 + v, y2), b0)
                np.testing.assert_allclose(W, -gW, rtol=1e-6, atol=1e-9, err_msg="W after one step")
                np.testing.assert_allclose(b, -gb, rtol=1e-6, atol=1e-9, err_msg="b after one step")
                W, b = train_softmax(X2, y2)
                accuracy = np.mean(np.argmax(X2 @ W + b, axis=1) == y2)
                assert accuracy >= 0.9, f"training accuracy {accuracy:.2f} after 200 steps"
                """),
            hidden_points=1,
        ),
    ),
    closing=_md("""
        **What you showed.** Softmax is unchanged by a shift of the logits, and shifting by the
        largest one makes it safe for any finite input. Its Jacobian is
        $\\operatorname{diag}(p) - pp^\\top$, and with cross-entropy the chain rule collapses to
        $P - Y$: the whole backward pass of a softmax classifier in one line.
        """),
)

ASSIGNMENTS = (SIGMOID, RELU, VARIANTS, SOFTMAX)


# --------------------------------------------------------------------------------------- cells

def _meta(grade_id: str, *, grade=False, solution=False, locked=True, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(grade_id: str, text: str):
    return nbformat.v4.new_markdown_cell(text, id=grade_id, metadata=_meta(grade_id))


def _code(grade_id: str, source: str, **meta):
    return nbformat.v4.new_code_cell(source, id=grade_id, metadata=_meta(grade_id, **meta))


def _intro(a: Assignment) -> str:
    learn = "\n".join(f"- {line}" for line in a.learn)
    rows = "\n".join(f"| {i} | {t.title} | {t.points} |" for i, t in enumerate(a.tasks, 1))
    return (f"# Assignment {a.id[:2]} · {a.title}\n\n"
            f"A graded companion to the lesson *{a.lesson}* of the actlib collection. "
            "You will:\n\n"
            f"{learn}\n\n"
            "**How it works.** Each task has a code cell that says `raise NotImplementedError`: "
            "replace that line with your code. Run the test cell below it: it prints ✅, or stops "
            "with an `AssertionError` that says what is wrong. A second test cell holds hidden "
            "tests that run only when your notebook is graded; its comment says what they check. "
            "Use NumPy and `actlib` (`act`); do not edit or delete the test cells. It runs "
            "wherever the lessons run: locally (`make lab`), on Binder, and on Colab, where "
            "the first cell installs actlib.\n\n"
            f"| task | what | points |\n|---|---|---|\n{rows}\n| | **total** | "
            f"**{a.points}** |")


def install_cell() -> str:
    """The lessons' Colab install cell, from scripts/launch_links.py: installs actlib on Colab
    (from the repository in pyproject.toml), does nothing elsewhere."""
    spec = importlib.util.spec_from_file_location("launch_links",
                                                  HERE.parent / "scripts" / "launch_links.py")
    links = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(links)
    return links.install_cell_source(links.repository_url(HERE.parent / "pyproject.toml"))


IMPORTS = """\
import numpy as np

import actlib as act

print("actlib", act.__version__, "| NumPy", np.__version__)"""

SUBMIT = """\
## Before you submit

1. *Kernel → Restart Kernel and Run All Cells*: your code must run top to bottom in a fresh \
kernel, the way the grader runs it.
2. Every visible test prints ✅. The hidden tests check more (each cell's comment says what): \
test your functions on those cases yourself.
3. Save the notebook, and hand in this file under its original name."""


def hidden_source(task: Task) -> str:
    note = f"# Hidden tests ({task.hidden_points} point{'s' * (task.hidden_points > 1)}), " \
           f"run when your notebook is graded: {task.hidden_note}"
    return f"{_wrap_comment(note)}\n### BEGIN HIDDEN TESTS\n{task.hidden}\n### END HIDDEN TESTS"


def _wrap_comment(text: str, width: int = 99) -> str:
    lines, line = [], "#"
    for word in text[2:].split():
        if len(line) + 1 + len(word) > width:
            lines.append(line)
            line = "#"
        line += " " + word
    return "\n".join([*lines, line])


def notebook(a: Assignment):
    cells = [_markdown("intro", _intro(a)), _code("colab_install", install_cell()),
             _code("imports", IMPORTS)]
    for i, t in enumerate(a.tasks, 1):
        cells.append(_markdown(f"task{i}", f"## Task {i} · {t.title} ({t.points} points)\n\n"
                                           f"{t.text}"))
        if t.given:
            cells.append(_code(f"task{i}_data", t.given))
        cells.append(_code(f"task{i}_answer", t.solution, solution=True, locked=False))
        cells.append(_code(f"task{i}_tests", t.visible, grade=True, points=t.visible_points))
        cells.append(_code(f"task{i}_hidden", hidden_source(t), grade=True,
                           points=t.hidden_points))
        if t.demo:
            cells.append(_code(f"task{i}_demo", t.demo))
    cells.append(_markdown("closing", f"## Summary\n\n{a.closing}"))
    cells.append(_markdown("submit", SUBMIT))
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


#: For each assignment, each solution cell's grade_id -> a plausible wrong answer (the whole cell).
WRONG = {a.id: {f"task{i}_answer": t.wrong for i, t in enumerate(a.tasks, 1)}
         for a in ASSIGNMENTS}


def build(out: Path = HERE / "source") -> list[Path]:
    """Write every assignment's source notebook under ``out``; returns the paths."""
    paths = []
    for a in ASSIGNMENTS:
        path = out / a.id / f"{a.id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(a), path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "source",
                        help="the course's source directory (default: %(default)s)")
    for path in build(parser.parse_args().out):
        print("wrote", path)


if __name__ == "__main__":
    main()
