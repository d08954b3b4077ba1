"""Fit the rational tanh of learners/kit/src/tanh.rs (needs numpy).

tanh(x) ~ t P(t^2) / Q(t^2) with t = x / 8 on 0 < x <= 7.90531 (the clamp), P of degree 5
and Q of degree 3 in t^2, Q's constant term 1. Lawson's iteration on the linearised
least-squares problem t P - y Q = 0 drives the largest error, in f32 ULPs of tanh(x), down;
the coefficients are then checked in f32 arithmetic (Horner's rule, as the Rust code does)
from -12 to 12. Prints the coefficients and both errors.
"""
from functools import reduce

import numpy as np

CLAMP, SCALE, P_TERMS, Q_TERMS = 7.90531110763549805, 8.0, 6, 4
f32 = np.float32

x = np.linspace(0, CLAMP, 40001)[1:]
y = np.tanh(x)
t = x / SCALE
z = t * t
ulp = np.spacing(y.astype(f32)).astype(np.float64)

weights, best = np.ones_like(x), None
for _ in range(80):
    columns = [t * z**k for k in range(P_TERMS)] + [-y * z**k for k in range(1, Q_TERMS)]
    scale = np.sqrt(weights) / ulp
    coef, *_ = np.linalg.lstsq(np.column_stack(columns) * scale[:, None], y * scale, rcond=None)
    p, q = coef[:P_TERMS], np.concatenate([[1.0], coef[P_TERMS:]])
    fitted = t * np.polyval(p[::-1], z) / np.polyval(q[::-1], z)
    error = np.abs(fitted - y) / ulp
    if best is None or error.max() < best[0]:
        best = (error.max(), p.copy(), q.copy())
    weights = weights * (error / error.max() + 1e-3)
    weights /= weights.mean()
worst, p, q = best


def in_f32(xs):
    xs = np.clip(xs.astype(f32), f32(-CLAMP), f32(CLAMP))
    tt = xs * f32(1 / SCALE)
    zz = tt * tt
    def horner(c):
        return reduce(lambda acc, k: acc * zz + f32(k), c[-2::-1], f32(c[-1]))

    return tt * horner(p) / horner(q)


grid = np.linspace(-12, 12, 2000001).astype(f32)
exact = np.tanh(grid.astype(np.float64))
got = in_f32(grid).astype(np.float64)
grid_ulp = np.spacing(np.abs(exact).astype(f32)).astype(np.float64)
print(f"fit: {worst:.2f} ULP; in f32: {np.max(np.abs(got - exact) / grid_ulp):.2f} ULP, {np.max(np.abs(got - exact)):.2e} absolute")
print("P =", [float(v) for v in p])
print("Q =", [float(v) for v in q], "(all positive:", bool(np.all(q > 0)), ")")
