"""Writes the PyTorch reference fixtures that the C# tests compare against.

Run from anywhere with the Debian Python that has torch (1.13):

    /usr/bin/python3 src/Foundations.Tests/Fixtures/make_fixtures.py

Every tensor is stored as {"shape": [...], "data": [flat row-major values]}; NaN and
infinities, which JSON has no numbers for, are the strings "nan", "inf" and "-inf".
Inputs are rounded to a few decimals before use, so they print short and the files stay
small; every output is torch's float32 result, written with the fewest digits that read
back as the same float32.
"""

import json
import math
import os

import numpy as np
import torch

SEED = 0
HERE = os.path.dirname(os.path.abspath(__file__))


def number(v):
    v = float(np.float32(v))
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # str of a numpy float32 is its shortest round-trip form ("0.1", not "0.10000000149011612").
    text = str(np.float32(v))
    if v.is_integer() and abs(v) < 2**24 and math.copysign(1.0, v) > 0:
        return int(v)
    return float(text)


def encode(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [number(v) for v in t.reshape(-1).tolist()]}


def rounded(t, decimals):
    scale = 10.0**decimals
    return torch.round(t * scale) / scale


def write(name, document):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def header():
    return {"torch_version": torch.__version__, "seed": SEED}


def lin_relu_lin_mse():
    """Chapter 5's model: out = relu(x @ w1 + b1) @ w2 + b2, loss = mean((out[:, 0] - y)^2)."""
    torch.manual_seed(SEED)
    n, n_in, nh = 32, 20, 10
    x = rounded(torch.randn(n, n_in), 3).requires_grad_()
    y = rounded(torch.randn(n), 3)
    # Non-zero weights and biases of a sensible scale: all-zero ones would hide a wrong backward.
    w1 = rounded(torch.randn(n_in, nh) / math.sqrt(n_in), 4).requires_grad_()
    b1 = rounded(torch.randn(nh) * 0.5, 4).requires_grad_()
    w2 = rounded(torch.randn(nh, 1) / math.sqrt(nh), 4).requires_grad_()
    b2 = rounded(torch.randn(1) * 0.5, 4).requires_grad_()
    assert (w1 != 0).all() and (b1 != 0).all() and (w2 != 0).all() and (b2 != 0).all()

    hidden = (x @ w1 + b1).clamp_min(0.0)
    out = hidden @ w2 + b2
    out.retain_grad()
    loss = (out.squeeze(-1) - y).pow(2).mean()
    loss.backward()
    # Both sides of the ReLU are exercised: some hidden units are off, some on.
    active = (hidden > 0).float().mean().item()
    assert 0.2 < active < 0.8, active

    tensors = {
        "x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "out": out, "loss": loss,
        "x.grad": x.grad, "w1.grad": w1.grad, "b1.grad": b1.grad, "w2.grad": w2.grad,
        "b2.grad": b2.grad,
    }
    write("lin_relu_lin_mse.json", {**header(), "tensors": {k: encode(v) for k, v in tensors.items()}})


def shared_tensors():
    """Tensors read in two places, where gradients must add up: a residual block, one weight in two
    layers, one layer applied twice, and two backward passes without zeroing in between."""
    torch.manual_seed(SEED)
    n, d, h = 8, 4, 6
    tensors = {}

    def leaf(shape, scale, decimals=4):
        t = rounded(torch.randn(*shape) * scale, decimals)
        assert (t != 0).all()
        return t.requires_grad_()

    def mse(pred, y):
        return (pred.squeeze(-1) - y).pow(2).mean()

    def save(prefix, named, loss):
        tensors[f"{prefix}/loss"] = encode(loss)
        for name, t in named.items():
            tensors[f"{prefix}/{name}"] = encode(t)
            if t.grad is not None:
                tensors[f"{prefix}/{name}.grad"] = encode(t.grad)

    # Residual: out = x + relu(x @ w1 + b1) @ w2 + b2, then a head to one output. x has two consumers.
    x, y = leaf((n, d), 1.0, 3), rounded(torch.randn(n), 3)
    w1, b1 = leaf((d, h), 1 / math.sqrt(d)), leaf((h,), 0.5)
    w2, b2 = leaf((h, d), 1 / math.sqrt(h)), leaf((d,), 0.5)
    w3, b3 = leaf((d, 1), 1 / math.sqrt(d)), leaf((1,), 0.5)

    def residual(xb):
        hidden = (xb @ w1 + b1).clamp_min(0.0)
        active = (hidden > 0).float().mean().item()
        assert 0.2 < active < 0.8, active
        return (xb + hidden @ w2 + b2) @ w3 + b3

    loss = mse(residual(x), y)
    loss.backward()
    save("residual", {"x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "w3": w3, "b3": b3}, loss)

    # Two backward passes without zero_grad: every parameter's .grad is the sum of the two.
    x2, y2 = rounded(torch.randn(n, d), 3), rounded(torch.randn(n), 3)
    loss2 = mse(residual(x2), y2)
    loss2.backward()
    save("twice", {"x2": x2, "y2": y2, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "w3": w3, "b3": b3}, loss2)

    # One weight in two layers: relu(relu(x @ w + b1) @ w + b2) @ w3 + b3, w square.
    x, y = leaf((n, d), 1.0, 3), rounded(torch.randn(n), 3)
    w, b1, b2 = leaf((d, d), 1 / math.sqrt(d)), leaf((d,), 0.5), leaf((d,), 0.5)
    w3, b3 = leaf((d, 1), 1 / math.sqrt(d)), leaf((1,), 0.5)
    loss = mse(((x @ w + b1).clamp_min(0.0) @ w + b2).clamp_min(0.0) @ w3 + b3, y)
    loss.backward()
    save("tied", {"x": x, "y": y, "w": w, "b1": b1, "b2": b2, "w3": w3, "b3": b3}, loss)

    # One layer (weight and bias) applied twice: relu(relu(x @ w + b) @ w + b) @ w3 + b3.
    x, y = leaf((n, d), 1.0, 3), rounded(torch.randn(n), 3)
    w, b = leaf((d, d), 1 / math.sqrt(d)), leaf((d,), 0.5)
    w3, b3 = leaf((d, 1), 1 / math.sqrt(d)), leaf((1,), 0.5)
    loss = mse(((x @ w + b).clamp_min(0.0) @ w + b).clamp_min(0.0) @ w3 + b3, y)
    loss.backward()
    save("same_layer", {"x": x, "y": y, "w": w, "b": b, "w3": w3, "b3": b3}, loss)

    write("shared_grads.json", {**header(), "tensors": tensors})


def shape_name(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


class Ops:
    """Collects named cases; each names its input and output tensors in one shared table."""

    def __init__(self):
        self.tensors = {}
        self.cases = []
        self.reprs = []

    def tensor(self, key, value):
        if key in self.tensors:
            raise KeyError(key)
        self.tensors[key] = encode(value)
        return key

    def case(self, name, op, inputs, output, **args):
        keys = []
        for i, t in enumerate(inputs):
            keys.append(self.tensor(f"{name}/in{i}", t))
        self.tensor(f"{name}/out", output)
        self.cases.append({"name": name, "op": op, "inputs": keys, "output": f"{name}/out", "args": args})

    def repr_case(self, name, t):
        key = self.tensor(f"repr/{name}", t)
        self.reprs.append({"name": name, "tensor": key, "repr": repr(t)})


def operand(shape, kind):
    if kind == "int":
        # Small integers, so that equal pairs occur and == != <= >= are all exercised.
        return torch.randint(-2, 3, shape).float()
    t = rounded(torch.randn(shape), 3)
    if kind == "divisor":
        # Kept away from zero so the quotient is well conditioned.
        t = torch.where(t >= 0, t + 0.5, t - 0.5)
    return t


def ops():
    torch.manual_seed(SEED)
    o = Ops()

    pairs = [((3,), (3, 1)), ((1, 3), (3, 1)), ((2, 3, 4), (4,)), ((2, 3, 4), (2, 1, 4)),
             ((2, 3, 4), (1,)), ((2, 3, 4), ()), ((3,), ()), ((), ()), ((4,), (2, 1, 4)),
             ((2, 1, 4), (3, 1)), ((2, 1, 3, 1), (4, 1, 5)), ((3, 4), (3, 4))]
    arithmetic = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    comparisons = {"gt": torch.gt, "ge": torch.ge, "lt": torch.lt, "le": torch.le,
                   "eq": torch.eq, "ne": torch.ne}
    for sa, sb in pairs:
        for op, fn in arithmetic.items():
            a = operand(sa, "float")
            b = operand(sb, "divisor" if op == "div" else "float")
            o.case(f"{op} {shape_name(sa)} {shape_name(sb)}", op, [a, b], fn(a, b))
        for op, fn in comparisons.items():
            a, b = operand(sa, "int"), operand(sb, "int")
            o.case(f"{op} {shape_name(sa)} {shape_name(sb)}", op, [a, b], fn(a, b).float())

    # Tensor with a float on either side: t + 2.5 and 2.5 - t.
    for op, fn in arithmetic.items():
        a = operand((2, 3), "divisor")
        o.case(f"{op} tensor scalar", op + "_scalar", [a], fn(a, 2.5), scalar=2.5)
        o.case(f"{op} scalar tensor", "scalar_" + op, [a], fn(torch.tensor(2.5), a), scalar=2.5)
    a = operand((2, 3), "int")
    o.case("gt tensor scalar", "gt_scalar", [a], (a > 0.0).float(), scalar=0.0)
    o.case("le tensor scalar", "le_scalar", [a], (a <= 1.0).float(), scalar=1.0)

    for shape in [(5,), (3, 4), (2, 3, 4), (2, 1, 3), ()]:
        x = operand(shape, "float")
        sn = shape_name(shape)
        whole = {"sum": x.sum(), "mean": x.mean(), "std": x.std(), "max": x.max(),
                 "min": x.min(), "argmax": x.argmax().float()}
        for op, value in whole.items():
            if shape == () and op == "std":
                continue
            o.case(f"{op} {sn}", op, [x], value)
        for dim in range(len(shape)):
            for keep in (False, True):
                per_dim = {
                    "sum": x.sum(dim, keepdim=keep),
                    "mean": x.mean(dim, keepdim=keep),
                    "std": x.std(dim, keepdim=keep),
                    "max": x.max(dim, keepdim=keep).values,
                    "min": x.min(dim, keepdim=keep).values,
                    "argmax": x.argmax(dim, keepdim=keep).float(),
                }
                for op, value in per_dim.items():
                    o.case(f"{op} {sn} dim={dim} keepdim={keep}", op, [x], value, dim=dim, keepdim=keep)
        # A 0-d tensor takes dim 0 or -1, and stays 0-d even with keepdim.
        if shape == ():
            for dim, keep in [(0, True), (-1, False)]:
                o.case(f"sum {sn} dim={dim} keepdim={keep}", "sum", [x], x.sum(dim, keepdim=keep), dim=dim, keepdim=keep)
                o.case(f"max {sn} dim={dim} keepdim={keep}", "max", [x], x.max(dim, keepdim=keep).values, dim=dim, keepdim=keep)
        # A negative dim counts from the end, as in PyTorch.
        if len(shape) >= 2:
            o.case(f"sum {sn} dim=-1 keepdim=True", "sum", [x], x.sum(-1, keepdim=True), dim=-1, keepdim=True)
        o.case(f"norm {sn}", "norm", [x], x.norm())

    x = operand((3, 4), "float")
    positive = x.abs() + 0.1
    o.case("neg", "neg", [x], -x)
    o.case("abs", "abs", [x], x.abs())
    o.case("exp", "exp", [x], x.exp())
    o.case("sqrt", "sqrt", [positive], positive.sqrt())
    o.case("log", "log", [positive], positive.log())
    o.case("pow 2", "pow", [x], x.pow(2), exponent=2.0)
    o.case("pow 3", "pow", [x], x.pow(3), exponent=3.0)
    o.case("pow 0.5", "pow", [positive], positive.pow(0.5), exponent=0.5)
    o.case("pow -1", "pow", [positive], positive.pow(-1), exponent=-1.0)
    o.case("clamp_min 0", "clamp_min", [x], x.clamp_min(0.0), min=0.0)
    o.case("clamp_min 0.3", "clamp_min", [x], x.clamp_min(0.3), min=0.3)

    # Shape ops: the output carries the new shape and the values read in row-major order.
    x = operand((2, 3), "float")
    for dim in range(-3, 3):
        o.case(f"unsqueeze (2, 3) {dim}", "unsqueeze", [x], x.unsqueeze(dim), dim=dim)
    y = operand((1, 3, 1, 2), "float")
    o.case("squeeze (1, 3, 1, 2)", "squeeze", [y], y.squeeze())
    for dim in range(-4, 4):
        o.case(f"squeeze (1, 3, 1, 2) {dim}", "squeeze_dim", [y], y.squeeze(dim), dim=dim)
    z = operand((2, 3, 4), "float")
    for d0, d1 in [(0, 1), (0, 2), (1, 2), (-1, 0), (2, 2)]:
        o.case(f"transpose (2, 3, 4) {d0} {d1}", "transpose", [z], z.transpose(d0, d1), dim0=d0, dim1=d1)
    m = operand((3, 5), "float")
    o.case("t (3, 5)", "t", [m], m.t())
    for source, target in [((3, 1), (3, 4)), ((3, 1), (2, 3, 4)), ((1,), (5,)), ((), (2, 2)),
                           ((1, 4), (3, -1)), ((2, 1, 4), (2, 3, 4))]:
        s = operand(source, "float")
        o.case(f"expand {shape_name(source)} {shape_name(target)}", "expand", [s], s.expand(*target), shape=list(target))
    w = operand((2, 3, 4), "float")
    for target in [(6, 4), (4, -1), (24,), (2, 12), (-1,)]:
        o.case(f"reshape (2, 3, 4) {shape_name(target)}", "reshape", [w], w.reshape(*target), shape=list(target))
    v = operand((4, 3), "float")
    o.case("reshape of transpose (4, 3) (12,)", "transpose_reshape", [v], v.t().reshape(12), shape=[12])

    reprs = {
        "int 1-d": torch.tensor([1.0, 2.0, 3.0]),
        "int negative 2-d": torch.tensor([[1.0, -2.0], [30.0, 4.0]]),
        "int wide": torch.tensor([1.0, 5000.0]),
        "int huge": torch.tensor([1.0e9, 2.0]),
        "fixed 1-d": torch.tensor([1.5, 2.25, -3.125]),
        "fixed 2-d random": rounded(torch.randn(3, 4), 4),
        "fixed rounding": torch.tensor([0.12345, 0.00015, 2.71828]),
        "sci small": torch.tensor([1.0e-5, 0.5]),
        "sci wide": torch.tensor([1.0e-3, 1.0, 1000.5]),
        "negative fixed": torch.tensor([-0.5, -1.25, -10.0625]),
        "0-d fixed": torch.tensor(3.5),
        "0-d int": torch.tensor(2.0),
        "0-d negative sci": torch.tensor(-1.5e-7),
        "ties round to even": torch.tensor([0.03125, 1.03125, 0.5]),
        "sci ties round to even": torch.tensor([1.03125, 2.0**-20]),
        "zeros": torch.zeros(3),
        "zeros 2-d": torch.zeros(2, 2),
        "negative zero": torch.tensor([-0.0, 1.0]),
        "negative zero fixed": torch.tensor([-0.0, 1.5]),
        "nan and inf": torch.tensor([1.0, float("nan"), float("inf"), float("-inf")]),
        "3-d": torch.arange(12.0).reshape(2, 2, 3) - 5,
        "long 1-d wraps": rounded(torch.randn(20), 4),
        "wide 2-d wraps": torch.ones(2, 20),
        "wide 2-d wraps, width 3": torch.arange(40.0).reshape(2, 20),
        "column": torch.tensor([[0.25], [-1.0], [3.0]]),
        "single element 2-d": torch.tensor([[7.0]]),
        "empty 1-d": torch.zeros(0),
    }
    for name, t in reprs.items():
        o.repr_case(name, t)

    write("ops.json", {**header(), "tensors": o.tensors, "cases": o.cases, "reprs": o.reprs})


def matmul():
    torch.manual_seed(SEED)
    tensors, cases = {}, []
    shapes = [(1, 7, 5), (6, 1, 4), (9, 13, 1), (1, 11, 1), (5, 784, 10), (17, 33, 19),
              (13, 8, 16), (7, 9, 23), (3, 300, 2)]
    for m, k, n in shapes:
        name = f"({m}, {k}) @ ({k}, {n})"
        a = rounded(torch.randn(m, k), 3)
        b = rounded(torch.randn(k, n), 3)
        tensors[f"{name}/a"] = encode(a)
        tensors[f"{name}/b"] = encode(b)
        tensors[f"{name}/out"] = encode(a @ b)
        cases.append({"name": name, "a": f"{name}/a", "b": f"{name}/b", "output": f"{name}/out"})
    write("matmul.json", {**header(), "tensors": tensors, "cases": cases})


def autograd_mlp():
    """Chapter 7's check: a small classifier, logits = relu(x @ w1 + b1) @ w2 + b2 (the biases are
    broadcast adds), loss = cross_entropy(logits, labels), with autograd's gradient for every leaf."""
    torch.manual_seed(SEED)
    n, n_in, nh, classes = 16, 6, 8, 4
    x = rounded(torch.randn(n, n_in), 3).requires_grad_()
    w1 = rounded(torch.randn(n_in, nh) / math.sqrt(n_in), 4).requires_grad_()
    b1 = rounded(torch.randn(nh) * 0.5, 4).requires_grad_()
    w2 = rounded(torch.randn(nh, classes) / math.sqrt(nh), 4).requires_grad_()
    b2 = rounded(torch.randn(classes) * 0.5, 4).requires_grad_()
    labels = torch.arange(n) % classes
    assert (w1 != 0).all() and (b1 != 0).all() and (w2 != 0).all() and (b2 != 0).all()

    hidden = (x @ w1 + b1).clamp_min(0.0)
    logits = hidden @ w2 + b2
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    active = (hidden > 0).float().mean().item()
    assert 0.2 < active < 0.8, active

    tensors = {
        "x": x, "labels": labels.float(), "w1": w1, "b1": b1, "w2": w2, "b2": b2, "logits": logits,
        "log_softmax": torch.log_softmax(logits, dim=1), "loss": loss,
        "x.grad": x.grad, "w1.grad": w1.grad, "b1.grad": b1.grad, "w2.grad": w2.grad, "b2.grad": b2.grad,
    }
    write("autograd_mlp.json", {**header(), "tensors": {k: encode(v) for k, v in tensors.items()}})


if __name__ == "__main__":
    lin_relu_lin_mse()
    shared_tensors()
    ops()
    matmul()
    autograd_mlp()
