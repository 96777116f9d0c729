"""The live figure of backpropagation (``mfnet_book.live_figure``), driven in Chromium.

The widget's HTML is written into a temporary page (no book build needed) and
opened in headless Chromium (``tests/_chromium.py``). The test moves its
controls as a reader does (sets a slider's value and dispatches ``input``,
picks from a ``select`` and dispatches ``change``, clicks) and reads every
number the figure shows from its SVG ``<text>`` elements (``data-value``,
the full float64 the script computed). Each is compared with

* mfnet's own forward and backward pass on the same modified inputs or
  weights (to 1e-12 of the matrix's largest entry), and
* an independent computation: exact rational arithmetic (``fractions``) for
  chapter 6's initial state, and centred finite differences of a plain numpy
  loss for every ``dJ/dW`` after a change (the network is linear, so J is
  quadratic in each weight and the difference is exact but for rounding).

Without chromium the browser tests are skipped with the reason;
``MFNET_REQUIRE_BROWSER=1`` (set by ``.ci/run`` when chromium is installed)
makes that a failure.
"""
from __future__ import annotations

import base64
import html.parser
import os
import re
from fractions import Fraction

import numpy as np
import pytest

import _chromium
import mfnet
from mfnet_book.live_figure import backprop_widget

REQUIRED = os.environ.get("MFNET_REQUIRE_BROWSER", "") not in ("", "0")

# Chapter 6's inputs: mfnet_book.worked_example.SOURCE where the chapter keeps
# them there (branch ch04-06), else the literal inputs of the chapter on main
# (the source's four samples and three weight matrices). Inputs, not results.
try:
    from mfnet_book.worked_example import SOURCE, SOURCE_PRINTS
except ImportError:
    SOURCE = dict(
        X=np.array([[1, 1, 2, 2], [2, 2, 2, 3]], dtype=float),
        Y=np.array([[1, 1, 2, 2]], dtype=float),
        W1=np.array([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0]], dtype=float),
        W2=np.array([[1, 0, 0, 0], [1, 1, 0, 1], [-1, 1, 2, -2]], dtype=float),
        W3=np.array([[1, 0, 0], [0, 1, -1]], dtype=float))
    SOURCE_PRINTS = None
X = SOURCE["X"]
W1, W2, W3 = SOURCE["W1"], SOURCE["W2"], SOURCE["W3"]
A0 = mfnet.augment(X.T)
Y = mfnet.augment(SOURCE["Y"].T)


def skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (MFNET_REQUIRE_BROWSER is set, so this cannot be skipped)")
    print(f"SKIPPED live-figure browser test: {reason}")
    pytest.skip(reason)


# -- references ---------------------------------------------------------------------------
def mfnet_pass(Ws, A, Yt):
    """Activations, errors Delta, dJ/dW and J by mfnet's layers, one call at a time."""
    layers = []
    for W in Ws:
        lin = mfnet.Linear(W.shape[1] - 1, W.shape[0] - 1, init="zeros")
        lin.W = W
        layers += [lin, mfnet.Identity()]
    loss = mfnet.MSE()
    As = [A]
    for lin, act in zip(layers[::2], layers[1::2]):
        As.append(act.forward(lin.forward(As[-1])))
    J = loss.forward(As[-1], Yt)
    dA, Ds = loss.backward(), []
    for lin, act in zip(layers[-2::-2], layers[::-2]):
        Ds.insert(0, act.backward(dA))
        dA = lin.backward(Ds[0])
    return As, Ds, [lin.dW.copy() for lin in layers[::2]], J


def exact_pass(Ws, A, Yt):
    """The same in exact rationals, written out from (4.1)-(4.7) and (6.1)."""
    def mat(M):
        return [[Fraction(float(v)) for v in row] for row in np.asarray(M)]

    def mul(P, Q):
        return [[sum(P[i][k] * Q[k][j] for k in range(len(Q)))
                 for j in range(len(Q[0]))] for i in range(len(P))]

    def T(P):
        return [list(col) for col in zip(*P)]

    Ws_q, As = [mat(W) for W in Ws], [mat(A)]
    Yq = mat(Yt)
    m = len(Yq[0])
    for W in Ws_q:
        As.append(mul(W, As[-1]))
    E = [[As[-1][r][c] - Yq[r][c] for c in range(m)] for r in range(len(Yq))]
    J = sum(E[r][c] ** 2 for r in range(1, len(E)) for c in range(m)) / (2 * m)
    dA = [[E[r][c] / m if r else Fraction(0) for c in range(m)] for r in range(len(E))]
    Ds, Gs = [None] * len(Ws_q), [None] * len(Ws_q)
    for l in range(len(Ws_q) - 1, -1, -1):
        D = [[v if r else Fraction(0) for v in row] for r, row in enumerate(dA)]
        Ds[l], Gs[l] = D, mul(D, T(As[l]))
        dA = mul(T(Ws_q[l]), D)
    return As, Ds, Gs, J


def numpy_loss(Ws, A, Yt) -> float:
    """J by plain matrix products, for finite differences (no mfnet)."""
    for W in Ws:
        A = W @ A
    E = A[1:] - Yt[1:]
    return float(np.sum(E * E)) / (2 * A.shape[1])


def finite_differences(Ws, A, Yt, eps=1e-6):
    grads = []
    for l, W in enumerate(Ws):
        G = np.zeros_like(W)
        for j in range(1, W.shape[0]):
            for k in range(W.shape[1]):
                plus = [V.copy() for V in Ws]
                minus = [V.copy() for V in Ws]
                plus[l][j, k] += eps
                minus[l][j, k] -= eps
                G[j, k] = (numpy_loss(plus, A, Yt) - numpy_loss(minus, A, Yt)) / (2 * eps)
        grads.append(G)
    return grads


# -- the page -----------------------------------------------------------------------------
READ = """[...document.querySelectorAll('.mfnet-live text[data-q]')].map(e => ({
  q: e.dataset.q, l: +e.dataset.l, j: +e.dataset.j,
  k: e.dataset.k === undefined ? null : +e.dataset.k,
  value: e.dataset.value === undefined ? null : Number(e.dataset.value),
  text: e.textContent}))"""


class Widget:
    """One widget in a Chromium tab, driven like a reader."""

    def __init__(self, browser, tmp_path, **kwargs):
        self.html = backprop_widget([W1, W2, W3], A0, Y, **kwargs).html()
        page = tmp_path / "widget.html"
        page.write_text('<!doctype html><html><head><meta charset="utf-8"></head>'
                        f"<body>{self.html}</body></html>", encoding="utf-8")
        self.page = browser.open(page, width=390, settle=0.05, mathjax=False)
        self.page.wait_for("document.querySelector('.mfnet-live[data-ready]')", timeout=20)

    def read(self) -> list[dict]:
        return self.page.evaluate(READ)

    def slide(self, selector: str, value: float) -> None:
        self.page.evaluate(
            f"(() => {{ const s = document.querySelector({selector!r}); s.value = {value};"
            " s.dispatchEvent(new Event('input', {bubbles: true})); })()")

    def choose(self, selector: str, value: str) -> None:
        self.page.evaluate(
            f"(() => {{ const s = document.querySelector({selector!r}); s.value = {value!r};"
            " s.dispatchEvent(new Event('change', {bubbles: true})); })()")

    def click(self, selector: str) -> None:
        self.page.evaluate(f"document.querySelector({selector!r}).dispatchEvent("
                           "new MouseEvent('click', {bubbles: true}))")


@pytest.fixture(scope="module")
def browser():
    if _chromium.chromium() is None:
        skip_or_fail("chromium is not installed (Debian: apt-get install chromium)")
    with _chromium.Browser(timeout=60) as b:
        yield b


@pytest.fixture
def widget(browser, tmp_path):
    w = Widget(browser, tmp_path)
    yield w
    w.page.close()


def expected_numbers(Ws, A, Yt, sample, As, Ds, Gs, J):
    """{(q, l, j, k): value} of every number the figure should show."""
    L = len(Ws)
    out = {("J", L, 0, None): J, ("y", L, 1, None): Yt[1][sample]}
    for l, Al in enumerate(As):
        for j in range(1, len(Al)):
            out[("a", l, j, None)] = Al[j][sample]
    for l in range(1, L + 1):
        for j in range(1, len(Ds[l - 1])):
            out[("d", l, j, None)] = Ds[l - 1][j][sample]
            for k in range(len(Gs[l - 1][0])):
                out[("w", l, j, k)] = Ws[l - 1][j][k]
                out[("g", l, j, k)] = Gs[l - 1][j][k]
    return out


def compare_with_mfnet(shown, Ws, A, Yt, sample) -> None:
    """Every number shown equals mfnet's to 1e-12 of its matrix's scale."""
    As, Ds, Gs, J = mfnet_pass(Ws, A, Yt)
    expected = expected_numbers(Ws, A, Yt, sample, As, Ds, Gs, J)
    scale = {"a": max(np.max(np.abs(M)) for M in As), "d": max(np.max(np.abs(M)) for M in Ds),
             "g": max(np.max(np.abs(M)) for M in Gs), "w": max(np.max(np.abs(W)) for W in Ws),
             "J": abs(J), "y": np.max(np.abs(Yt))}
    got = {(n["q"], n["l"], n["j"], n["k"]): n for n in shown}
    assert set(got) == set(expected), (
        f"the figure shows {sorted(set(got) - set(expected))[:5]} extra and misses "
        f"{sorted(set(expected) - set(got))[:5]}")
    for key, want in expected.items():
        value = got[key]["value"]
        assert value is not None, f"{key}: no data-value (the script did not write it)"
        assert abs(value - want) <= 1e-12 * max(scale[key[0]], 1e-300), (
            f"{key}: the figure computes {value!r}, mfnet {want!r}")
        # The text is the value to 4 significant digits (typographic minus).
        text = float(got[key]["text"].replace("\u2212", "-"))
        digit = 10.0 ** (np.floor(np.log10(abs(value))) - 3) if value else 0.0
        assert abs(text - value) <= digit / 2 + 1e-12 * abs(value), (
            f"{key}: shows {got[key]['text']!r} for {value!r}")


# -- tests --------------------------------------------------------------------------------
def test_initial_state_is_chapter_6_exactly(widget):
    shown = widget.read()
    # 20 arrows (weight, gradient), 8 unit values, 6 errors, the target, J
    assert len(shown) == 2 * 20 + 8 + 6 + 2, len(shown)
    compare_with_mfnet(shown, [W1, W2, W3], A0, Y, 0)
    As, Ds, Gs, J = exact_pass([W1, W2, W3], A0, Y)
    expected = expected_numbers([W1, W2, W3], A0, Y, 0, As, Ds, Gs, J)
    for n in shown:
        want = expected[(n["q"], n["l"], n["j"], n["k"])]
        assert Fraction(n["value"]) == Fraction(want), (n, want)   # exact
    if SOURCE_PRINTS is not None:
        # the source document's own printed loss and gradients (exact for
        # these inputs, see mfnet_book.worked_example)
        printed = {("J", 3, 0, None): SOURCE_PRINTS["J"]}
        for l in (1, 2, 3):
            G = SOURCE_PRINTS[f"dW{l}"]
            printed.update({("g", l, j, k): G[j, k] for j in range(1, G.shape[0])
                            for k in range(G.shape[1])})
        for n in shown:
            key = (n["q"], n["l"], n["j"], n["k"])
            if key in printed:
                assert n["value"] == printed[key], (n, printed[key])


def test_every_sample_matches_mfnet(widget):
    for sample in range(A0.shape[1]):
        widget.choose('select[id$="-s"]', str(sample))
        compare_with_mfnet(widget.read(), [W1, W2, W3], A0, Y, sample)


def test_moving_a_feature_recomputes_forward_and_backward(widget):
    widget.choose('select[id$="-s"]', "2")                 # sample 3
    widget.slide('input[data-feature="2"]', -1.75)
    A = A0.copy()
    A[2, 2] = -1.75
    shown = widget.read()
    compare_with_mfnet(shown, [W1, W2, W3], A, Y, 2)
    fd = finite_differences([W1, W2, W3], A, Y)
    largest = max(np.max(np.abs(G)) for G in fd)
    for n in shown:
        if n["q"] == "g":
            # quadratic in each weight: rounding only, eps * J / 1e-6 ~ 1e-9
            assert abs(n["value"] - fd[n["l"] - 1][n["j"], n["k"]]) <= 1e-6 * largest, n
    J = next(n["value"] for n in shown if n["q"] == "J")
    assert J == pytest.approx(numpy_loss([W1, W2, W3], A, Y), rel=1e-14)


def test_moving_a_weight_recomputes_forward_and_backward(widget):
    widget.choose('select[id$="-ws"]', "2,2,3")           # w^[2]_23
    widget.slide('input[id$="-w"]', 0.75)
    Ws = [W1.copy(), W2.copy(), W3.copy()]
    Ws[1][2, 3] = 0.75
    shown = widget.read()
    compare_with_mfnet(shown, Ws, A0, Y, 0)
    fd = finite_differences(Ws, A0, Y)
    largest = max(np.max(np.abs(G)) for G in fd)
    for n in shown:
        if n["q"] == "g":
            assert abs(n["value"] - fd[n["l"] - 1][n["j"], n["k"]]) <= 1e-6 * largest, n
    # a second weight, picked by tapping its label on the drawing
    widget.click('.mf-label[data-l="1"][data-j="3"][data-k="1"]')
    assert widget.page.evaluate("document.querySelector('select[id$=\"-ws\"]').value") \
        == "1,3,1"
    widget.slide('input[id$="-w"]', -2.5)
    Ws[0][3, 1] = -2.5
    compare_with_mfnet(widget.read(), Ws, A0, Y, 0)


def test_reset_restores_chapter_6(widget):
    before = widget.read()
    widget.slide('input[data-feature="1"]', 3.25)
    widget.slide('input[id$="-w"]', -3)
    assert widget.read() != before
    widget.click(".mf-reset")
    assert widget.read() == before


def test_static_numbers_match_the_script(widget):
    """Without JavaScript the SVG shows mfnet's numbers; the script writes the same text."""
    static = {}

    class Texts(html.parser.HTMLParser):
        key = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.key = ((a["data-q"], int(a["data-l"]), int(a["data-j"]),
                         int(a["data-k"]) if "data-k" in a else None)
                        if tag == "text" and "data-q" in a else None)

        def handle_data(self, data):
            if self.key:
                static[self.key] = data
                self.key = None

    Texts().feed(widget.html)
    shown = {(n["q"], n["l"], n["j"], n["k"]): n["text"] for n in widget.read()}
    assert static == shown


# -- without a browser --------------------------------------------------------------------
def test_one_output_with_html_and_png():
    bundle = backprop_widget([W1, W2, W3], A0, Y)._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    page = bundle["text/html"]
    # nothing from the network, no module script (file:// in the offline archive)
    assert not re.search(r"\b(src|href)=|https?://|type=\"module\"|import\s*\(", page)
    script = re.search(r"<script>(.*)</script>", page, re.S).group(1)
    assert len(script.encode()) < 8000, len(script.encode())
    # accessible: the drawing has a name, every control a label
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="([\w-]+)"', page)
    for control in re.findall(r'<(?:input|select)[^>]*id="([\w-]+)"', page):
        assert f'<label for="{control}">' in page, control


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match=r"row 0 of weights\[1\]"):
        backprop_widget([W1, W2 * 2, W3], A0, Y)
    with pytest.raises(ValueError, match=r"weights\[2\] has shape \(2, 4\)"):
        backprop_widget([W1, W2, np.hstack([W3, [[0], [1]]])], A0, Y)
    with pytest.raises(ValueError, match="row 0 of inputs"):
        backprop_widget([W1, W2, W3], np.vstack([X[:1] * 0, X]), Y)
    with pytest.raises(ValueError, match="sample must be"):
        backprop_widget([W1, W2, W3], A0, Y, sample=4)
    relu = mfnet.Sequential(mfnet.Linear(2, 1), mfnet.ReLU())
    with pytest.raises(ValueError, match="identity activations only; the model has ReLU"):
        backprop_widget(relu, A0, Y)


# -- the second live figure: gradient descent on chapter 9's bowl -------------------------
from mfnet_book.live_figure import descent_widget  # noqa: E402

LAM, W_STAR, W_START = np.array([1.0, 8.0]), np.array([1.0, -0.5]), np.array([-2.0, 0.2])


def numpy_descent(lr: float, steps: int) -> np.ndarray:
    """w <- w - lr * grad J, grad J = diag(lambda) (w - w*): chapter 9's bowl."""
    w, path = W_START.copy(), [W_START.copy()]
    for _ in range(steps):
        w = w - lr * (np.diag(LAM) @ (w - W_STAR))
        path.append(w.copy())
    return np.array(path)


def test_descent_iterates_follow_the_slider(browser, tmp_path):
    html = descent_widget(LAM, W_STAR, W_START, lr=0.02, steps=25).html()
    page_file = tmp_path / "descent.html"
    page_file.write_text(f'<!doctype html><meta charset="utf-8"><body>{html}</body>',
                         encoding="utf-8")
    page = browser.open(page_file, width=390, settle=0.05, mathjax=False)
    try:
        page.wait_for("document.querySelector('.mfnet-live[data-ready]')", timeout=20)
        read = ("[...document.querySelectorAll('circle[data-t]')].map(c => "
                "[+c.dataset.t, Number(c.dataset.w1), Number(c.dataset.w2)])")
        for lr in (0.02, 0.22, 0.245, 0.27):     # slow, good, near and past 2/8
            page.evaluate("(() => { const s = document.querySelector('input[type=range]');"
                          f" s.value = {lr}; s.dispatchEvent(new Event('input')); }})()")
            shown = np.array(page.evaluate(read))
            want = numpy_descent(lr, 25)
            assert shown[:, 0].tolist() == list(range(26))
            scale = np.max(np.abs(want))
            assert np.max(np.abs(shown[:, 1:] - want)) <= 1e-12 * scale, lr
            J = page.evaluate("Number(document.querySelector('[data-q=\"J\"]').dataset.value)")
            e = want[-1] - W_STAR
            assert J == pytest.approx(0.5 * (LAM @ (e * e)), rel=1e-12)
        # past 2 / lambda_max the steep direction grows: the last iterate is
        # farther from w* than the start
        assert abs(shown[-1, 2] - W_STAR[1]) > abs(W_START[1] - W_STAR[1])
    finally:
        page.close()


def test_descent_widget_refuses_bad_input():
    with pytest.raises(ValueError, match="curvatures must be positive"):
        descent_widget([1.0, -8.0], W_STAR, W_START, lr=0.1)
    with pytest.raises(ValueError, match="lr must be positive"):
        descent_widget(LAM, W_STAR, W_START, lr=0.0)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        descent_widget(LAM, W_STAR, [1.0, np.nan], lr=0.1)
