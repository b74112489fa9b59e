#!/usr/bin/env python3
"""actgen's fused forms beside PyTorch on the CPU, on the same buffers, in one process (issue 12's peer table).

    /usr/bin/python3 bench/forms_torch.py [--lib build/libactgen.so] [--repeats 5] [--min-time 0.2] [--filter S]

Needs PyTorch (Debian: `apt-get install python3-torch`, which installs it for Debian's /usr/bin/python3; not in
scripts/setup.sh, whose CI run does not use it).
Both sides run on one thread (torch.set_num_threads(1), actgen_set_num_threads(1)) on the same float32 tensors
(actgen through ctypes on their data pointers). PyTorch has no fused bias + activation, swiglu or per-channel prelu
with its weight gradient in one pass on the CPU, so each case is what a PyTorch user calls, at the ATen level (no
autograd graph, which would only add to PyTorch's time):

  gated silu   forward  F.silu(a) * g                        actgen_gated_forward (a, g halves of a [rows, 2d] x)
               backward fa = F.silu(a); dg = dy * fa;         actgen_gated_backward
                        da = aten.silu_backward(dy * g, a)
  glu          forward  F.glu(x) (PyTorch's own fused op)      actgen_gated_forward_packed ("glu")
               backward aten.glu_backward(dy, x, -1)           actgen_gated_backward_packed
  bias gelu    forward  F.gelu(x + b)                          actgen_bias_forward
               backward dx = aten.gelu_backward(dy, x + b);    actgen_bias_backward (dx and db)
                        db = dx summed over all but channels
  prelu        forward  F.prelu(x, w)                          actgen_channel_forward
               backward aten.prelu_backward(dy, x, w)          actgen_channel_backward (dx and dw)
                        (PyTorch 1.13's CPU kernel: dx and dw)

Shapes as bench_forms: gated [64, 1024] and [4096, 4096] outputs; bias and prelu channels-last [64, 1024] and
[4096, 4096], NCHW [8, 8, 1024] and [16, 256, 4096]. Time: the calling thread's wall clock around a loop of calls
(at least --min-time seconds), the best of --repeats loops, per output element; both sides include their Python
call overhead (ctypes for actgen: about a microsecond per call; PyTorch's dispatcher per op). Prints a Markdown
table: ns per output for each side, actgen / PyTorch (below 1: actgen faster), and the largest relative difference
between the two sides' outputs on the same inputs (a check that both computed the same thing).
"""
import argparse
import ctypes
import os
import sys
import time

import torch
import torch.nn.functional as F

ACTGEN_F32, ACTGEN_FORWARD, ACTGEN_BACKWARD = 0, 0, 1
ACTGEN_FORM_GATED, ACTGEN_FORM_BIAS, ACTGEN_FORM_CHANNEL = 1, 2, 3


class Desc(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("activation", ctypes.c_char_p), ("params", ctypes.c_char_p),
                ("dtype", ctypes.c_int), ("direction", ctypes.c_int), ("form", ctypes.c_int),
                ("target", ctypes.c_char_p)]


class Actgen:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.actgen_last_error.restype = ctypes.c_char_p
        self.lib.actgen_kernel_target.restype = ctypes.c_char_p
        self.lib.actgen_kernel_target.argtypes = [ctypes.c_void_p]
        self.lib.actgen_kernel_create_desc.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(Desc)]
        size, ptr = ctypes.c_size_t, ctypes.c_void_p
        sigs = {
            "actgen_gated_forward": [ptr, size, size, ptr, ptr, size, ptr, size],
            "actgen_gated_backward": [ptr, size, size, ptr, ptr, size, ptr, size, ptr, ptr, size],
            "actgen_gated_forward_packed": [ptr, size, size, ptr, ptr],
            "actgen_gated_backward_packed": [ptr, size, size, ptr, ptr, ptr],
            "actgen_bias_forward": [ptr, size, size, size, ptr, ptr, ptr],
            "actgen_bias_backward": [ptr, size, size, size, ptr, ptr, ptr, ptr, ptr],
            "actgen_channel_forward": [ptr, size, size, size, ptr, ptr, ptr],
            "actgen_channel_backward": [ptr, size, size, size, ptr, ptr, ptr, ptr, ptr],
        }
        for name, args in sigs.items():
            getattr(self.lib, name).argtypes = args
            getattr(self.lib, name).restype = ctypes.c_int
        if self.lib.actgen_set_num_threads(1) != 0:
            sys.exit("actgen_set_num_threads failed")

    def kernel(self, activation, form, direction):
        desc = Desc(ctypes.sizeof(Desc), activation.encode(), b"", ACTGEN_F32, direction, form, None)
        k = ctypes.c_void_p()
        if self.lib.actgen_kernel_create_desc(ctypes.byref(k), ctypes.byref(desc)) != 0:
            sys.exit(f"{activation}: {self.lib.actgen_last_error().decode()}")
        return k

    def call(self, name, *args):
        if getattr(self.lib, name)(*args) != 0:
            sys.exit(f"{name}: {self.lib.actgen_last_error().decode()}")


def best_ns_per_out(fn, n, repeats, min_time):
    fn()  # warm-up (and first-touch of the outputs)
    best = float("inf")
    for _ in range(repeats):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / calls)
    return best * 1e9 / n


def p(t):
    return ctypes.c_void_p(t.data_ptr())


def cases(ag):
    """(name, outputs, actgen call, torch call, output tensors) for every case and shape."""
    gen = torch.Generator().manual_seed(12345)

    def uniform(shape, lo, hi):
        return torch.rand(shape, generator=gen) * (hi - lo) + lo

    out = []
    for rows, d in [(64, 1024), (4096, 4096)]:
        n = rows * d
        x = uniform((rows, 2 * d), -6, 6)
        a, g = x[:, :d], x[:, d:]  # strided views: row stride 2d, as actgen's a and g pointers
        dy = uniform((rows, d), -1, 1)
        y = torch.empty(rows, d)
        dx = torch.empty(rows, 2 * d)
        da, dg = dx[:, :d], dx[:, d:]
        kf, kb = ag.kernel("silu", ACTGEN_FORM_GATED, ACTGEN_FORWARD), ag.kernel("silu", ACTGEN_FORM_GATED, ACTGEN_BACKWARD)
        out.append((f"fwd gated silu {rows}x{d}", n,
                    lambda kf=kf, x=x, y=y, rows=rows, d=d: ag.call("actgen_gated_forward", kf, rows, d, p(x),
                                                                    ctypes.c_void_p(x.data_ptr() + 4 * d), 2 * d, p(y), d),
                    lambda a=a, g=g, y=y: torch.mul(F.silu(a), g, out=y), [y]))
        out.append((f"bwd gated silu {rows}x{d}", n,
                    lambda kb=kb, x=x, dy=dy, dx=dx, rows=rows, d=d: ag.call(
                        "actgen_gated_backward", kb, rows, d, p(x), ctypes.c_void_p(x.data_ptr() + 4 * d), 2 * d, p(dy), d,
                        p(dx), ctypes.c_void_p(dx.data_ptr() + 4 * d), 2 * d),
                    lambda a=a, g=g, dy=dy, da=da, dg=dg: (torch.mul(dy, F.silu(a), out=dg),
                                                           da.copy_(torch.ops.aten.silu_backward(dy * g, a))), [dx]))
        gf, gb = ag.kernel("glu", ACTGEN_FORM_GATED, ACTGEN_FORWARD), ag.kernel("glu", ACTGEN_FORM_GATED, ACTGEN_BACKWARD)
        out.append((f"fwd glu {rows}x{d}", n,
                    lambda gf=gf, x=x, y=y, rows=rows, d=d: ag.call("actgen_gated_forward_packed", gf, rows, d, p(x), p(y)),
                    lambda x=x, y=y: torch.ops.aten.glu.out(x, -1, out=y), [y]))
        out.append((f"bwd glu {rows}x{d}", n,
                    lambda gb=gb, x=x, dy=dy, dx=dx, rows=rows, d=d: ag.call("actgen_gated_backward_packed", gb, rows, d,
                                                                             p(x), p(dy), p(dx)),
                    lambda x=x, dy=dy, dx=dx: torch.ops.aten.glu_backward.grad_input(dy, x, -1, grad_input=dx), [dx]))
    for layout, (outer, c, inner) in [("cl", (64, 1024, 1)), ("cl", (4096, 4096, 1)), ("nchw", (8, 8, 1024)),
                                      ("nchw", (16, 256, 4096))]:
        n = outer * c * inner
        x = uniform((outer, c, inner), -6, 6)
        b = uniform((c,), -1, 1)
        w = uniform((c,), 0.05, 0.5)
        dy = uniform((outer, c, inner), -1, 1)
        y, dx = torch.empty(outer, c, inner), torch.empty(outer, c, inner)
        db = torch.empty(c)
        bview = b.view(1, c, 1)
        shape = f"{layout} {outer}x{c}x{inner}"
        bf, bb = ag.kernel("gelu", ACTGEN_FORM_BIAS, ACTGEN_FORWARD), ag.kernel("gelu", ACTGEN_FORM_BIAS, ACTGEN_BACKWARD)
        out.append((f"fwd bias gelu {shape}", n,
                    lambda bf=bf, x=x, b=b, y=y, o=outer, c=c, i=inner: ag.call("actgen_bias_forward", bf, o, c, i, p(x),
                                                                                p(b), p(y)),
                    lambda x=x, bview=bview, y=y: y.copy_(F.gelu(x + bview)), [y]))
        out.append((f"bwd bias gelu {shape}", n,
                    lambda bb=bb, x=x, b=b, dy=dy, dx=dx, db=db, o=outer, c=c, i=inner: ag.call(
                        "actgen_bias_backward", bb, o, c, i, p(x), p(b), p(dy), p(dx), p(db)),
                    lambda x=x, bview=bview, dy=dy, dx=dx, db=db: (
                        dx.copy_(torch.ops.aten.gelu_backward(dy, x + bview)), torch.sum(dx, dim=(0, 2), out=db)),
                    [dx, db]))
        # PyTorch's prelu takes the channels as dimension 1: [outer, C, inner] as it is (channels-last: [rows, C]).
        xt, dyt, yt, dxt = (t.view(outer, c) if inner == 1 else t for t in (x, dy, y, dx))
        pf, pb = ag.kernel("prelu", ACTGEN_FORM_CHANNEL, ACTGEN_FORWARD), ag.kernel("prelu", ACTGEN_FORM_CHANNEL,
                                                                                    ACTGEN_BACKWARD)
        out.append((f"fwd prelu {shape}", n,
                    lambda pf=pf, x=x, w=w, y=y, o=outer, c=c, i=inner: ag.call("actgen_channel_forward", pf, o, c, i,
                                                                                p(x), p(w), p(y)),
                    lambda xt=xt, w=w, yt=yt: yt.copy_(F.prelu(xt, w)), [y]))

        def torch_prelu_bwd(xt=xt, w=w, dyt=dyt, dxt=dxt, db=db):
            gx, gw = torch.ops.aten.prelu_backward(dyt, xt, w)
            dxt.copy_(gx)
            db.copy_(gw)

        out.append((f"bwd prelu {shape}", n,
                    lambda pb=pb, x=x, w=w, dy=dy, dx=dx, db=db, o=outer, c=c, i=inner: ag.call(
                        "actgen_channel_backward", pb, o, c, i, p(x), p(w), p(dy), p(dx), p(db)),
                    torch_prelu_bwd, [dx, db]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--lib", default=os.path.join(here, "..", "build", "libactgen.so"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--filter", default="", help="only cases whose name contains this")
    args = ap.parse_args()
    torch.set_num_threads(1)
    ag = Actgen(args.lib)
    print(f"PyTorch {torch.__version__}, 1 thread; actgen {args.lib}")
    print("| case | actgen ns/out | PyTorch ns/out | actgen / PyTorch | max relative difference |")
    print("|---|---|---|---|---|")
    for name, n, actgen_fn, torch_fn, outputs in cases(ag):
        if args.filter not in name:
            continue
        # The two sides' results on the same inputs: the largest |actgen - PyTorch| over max(|PyTorch|, 1e-3) (the
        # channel sums, db and dw, are sums of thousands of terms summed in different orders).
        actgen_fn()
        mine = [o.clone() for o in outputs]
        torch_fn()
        diff = max(float(((m - o).abs() / o.abs().clamp(min=1e-3)).max()) for m, o in zip(mine, outputs))
        a = best_ns_per_out(actgen_fn, n, args.repeats, args.min_time)
        t = best_ns_per_out(torch_fn, n, args.repeats, args.min_time)
        print(f"| {name} | {a:.3f} | {t:.3f} | {a / t:.2f} | {diff:.1e} |", flush=True)


if __name__ == "__main__":
    main()
