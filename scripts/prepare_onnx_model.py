#!/usr/bin/env python3
"""Rewrites a YOLO ONNX export so that Footfall's detector can run it with Debian 12's OpenCV 4.6.

A YOLOv8 model exported to ONNX does not run as exported in OpenCV 4.6's DNN module, for two
reasons this script removes without changing what the model computes:

1. `Identity` nodes. PyTorch's exporter writes them when a constant is used twice (for example
   a reshape target). OpenCV 4.6 fails to load a model with an Identity node on a constant:
   "Node [Identity@ai.onnx]:(...) parse error: ... (-215:Assertion failed) inputs.size() in
   function 'getMemoryShapes'". The script deletes every Identity node in the main graph and
   points its consumers at the Identity's input. When the Identity's output is a graph output,
   the output keeps its name: the tensor feeding the Identity is renamed instead.

2. A broadcast OpenCV 4.6 cannot do. The last step of YOLOv8 multiplies the boxes [1, 4, N] by
   a constant of strides [1, N]. OpenCV 4.6 loads the model but fails on the first forward pass:
   "(-215:Assertion failed) start <= (int)shape.size() && end <= (int)shape.size() && start <=
   end in function 'total'". For every Mul, Div, Add or Sub with one constant input of shape
   [N], [1, N] or [1, 1, N] and another input of shape [1, C, N] with C > 1 (learned from ONNX's
   shape inference), the script replaces the constant with a copy tiled to [1, C, N]. The
   result is the same numbers; the file grows by (C - 1)·N values. One case is left alone,
   with a warning: a Div whose dividend is the constant, because OpenCV 4.6 divides the other
   way round (tensor / constant) and would run it with wrong numbers.

It prints what it changed on one line ("removed 3 Identity nodes, tiled 1 constant"), checks
the result with ONNX's checker and saves it. A model that needs nothing is saved unchanged.

    prepare_onnx_model.py IN.onnx OUT.onnx [--verbose]

Needs the Python `onnx` package (pip install onnx==1.17.0) and numpy.
"""

import argparse
import os
import sys
from typing import NoReturn

BROADCAST_OPS = ("Mul", "Div", "Add", "Sub")


def fail(message: str) -> NoReturn:
    print(f"prepare_onnx_model.py: {message}", file=sys.stderr)
    sys.exit(1)


try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
except ImportError as error:
    fail(f"{error.name or 'onnx'} is not installed: pip install onnx==1.17.0 (it brings numpy)")


def subgraphs(node):
    """The graphs held by a node's attributes (If, Loop, Scan bodies)."""
    for attr in node.attribute:
        if attr.type == onnx.AttributeProto.GRAPH:
            yield attr.g
        elif attr.type == onnx.AttributeProto.GRAPHS:
            yield from attr.graphs


def rename_uses(graph, old: str, new: str) -> None:
    """Makes every node input named `old`, in this graph and the graphs nested in it, read `new`."""
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
        for sub in subgraphs(node):
            rename_uses(sub, old, new)


def used_names(graph, names: set) -> None:
    for node in graph.node:
        names.update(node.input)
        for sub in subgraphs(node):
            used_names(sub, names)


def remove_identities(model, log) -> int:
    graph = model.graph
    outputs = {o.name for o in graph.output}
    inputs = {i.name for i in graph.input}
    initializers = {t.name: t for t in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    removed = 0
    for node in [n for n in graph.node if n.op_type == "Identity" and n.domain in ("", "ai.onnx")]:
        src, dst = node.input[0], node.output[0]
        if dst not in outputs:
            rename_uses(graph, dst, src)
        elif src in producers and src not in outputs and src not in inputs:
            # The graph output keeps its name: the tensor feeding the Identity takes it.
            producer = producers.pop(src)
            producer.output[list(producer.output).index(src)] = dst
            producers[dst] = producer
            rename_uses(graph, src, dst)
            for info in graph.value_info:
                if info.name == src:
                    info.name = dst
        elif src in initializers and src not in outputs:
            copy = onnx.TensorProto()
            copy.CopyFrom(initializers[src])
            copy.name = dst
            graph.initializer.append(copy)
        else:
            print(f"prepare_onnx_model.py: kept Identity '{node.name or dst}': it joins a graph input or "
                  f"output to another graph output", file=sys.stderr)
            continue
        graph.node.remove(node)
        for info in [v for v in graph.value_info if v.name == dst]:
            graph.value_info.remove(info)
        producers.pop(dst, None)
        removed += 1
        log(f"removed Identity '{node.name or dst}' ({src} -> {dst})")
    return removed


def constant_value(graph, name: str, initializers: dict, constant_nodes: dict):
    """The value of a constant tensor (initializer or Constant node output), or None."""
    if name in initializers:
        return numpy_helper.to_array(initializers[name])
    node = constant_nodes.get(name)
    if node is None:
        return None
    for attr in node.attribute:
        if attr.name == "value":
            return numpy_helper.to_array(attr.t)
        if attr.name == "value_floats":
            return np.array(attr.floats, dtype=np.float32)
        if attr.name == "value_ints":
            return np.array(attr.ints, dtype=np.int64)
    return None


def inferred_shapes(model) -> dict:
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception as error:  # noqa: BLE001 - inference is a help, not a requirement
        print(f"prepare_onnx_model.py: ONNX shape inference failed ({error}); no constants tiled",
              file=sys.stderr)
        return {}
    shapes = {}
    graph = inferred.graph
    for info in list(graph.value_info) + list(graph.input) + list(graph.output):
        tensor = info.type.tensor_type
        if tensor.HasField("shape"):
            shapes[info.name] = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    return shapes


def tile_constants(model, log) -> int:
    graph = model.graph
    shapes = inferred_shapes(model)
    if not shapes:
        return 0
    initializers = {t.name: t for t in graph.initializer}
    constant_nodes = {n.output[0]: n for n in graph.node if n.op_type == "Constant"}
    taken = set(initializers) | {o for n in graph.node for o in n.output} | {i.name for i in graph.input}
    tiled: dict = {}  # (constant name, C) -> tiled initializer name
    replaced = set()
    for node in graph.node:
        if node.op_type not in BROADCAST_OPS or len(node.input) != 2:
            continue
        for side in (0, 1):
            const_name, other_name = node.input[side], node.input[1 - side]
            value = constant_value(graph, const_name, initializers, constant_nodes)
            if value is None or constant_value(graph, other_name, initializers, constant_nodes) is not None:
                continue
            n = value.shape[-1] if value.ndim else 0
            if n < 2 or value.shape not in ((n,), (1, n), (1, 1, n)):
                continue
            other = shapes.get(other_name)
            if other is None or len(other) != 3 or other[0] not in (1, None):
                continue
            c = other[1]
            if c is None or c < 2 or other[2] not in (n, None):
                continue
            if node.op_type == "Div" and side == 0:
                # Measured: OpenCV 4.6 computes a constant divided by a tensor as the tensor
                # divided by the constant, so tiling would make it run with wrong numbers.
                print(f"prepare_onnx_model.py: left Div '{node.name or node.output[0]}' alone: its dividend "
                      f"is the constant '{const_name}', which OpenCV 4.6 gets wrong even when tiled",
                      file=sys.stderr)
                continue
            key = (const_name, c)
            if key not in tiled:
                new_name = f"{const_name}_tiled_{c}"
                while new_name in taken:
                    new_name += "_"
                taken.add(new_name)
                graph.initializer.append(numpy_helper.from_array(
                    np.ascontiguousarray(np.broadcast_to(value.reshape(1, 1, n), (1, c, n))), new_name))
                tiled[key] = new_name
                log(f"tiled '{const_name}' {list(value.shape)} -> [1, {c}, {n}] for {node.op_type} "
                    f"'{node.name or node.output[0]}'")
            node.input[side] = tiled[key]
            replaced.add(const_name)

    # Drop the original constants nothing reads any more.
    still_used: set = set()
    used_names(graph, still_used)
    still_used.update(o.name for o in graph.output)
    for name in replaced - still_used:
        if name in initializers:
            graph.initializer.remove(initializers[name])
            for info in [i for i in graph.input if i.name == name]:
                graph.input.remove(info)
        elif name in constant_nodes:
            graph.node.remove(constant_nodes[name])
        for info in [v for v in graph.value_info if v.name == name]:
            graph.value_info.remove(info)
    return len(tiled)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="IN.onnx")
    parser.add_argument("output", metavar="OUT.onnx")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print each change")
    args = parser.parse_args()

    if not os.path.isfile(args.input):
        fail(f"{args.input}: no such file")
    try:
        model = onnx.load(args.input)
    except Exception as error:  # noqa: BLE001 - protobuf raises several kinds
        fail(f"{args.input} is not an ONNX model ({type(error).__name__}: {error})")
    if not model.opset_import or not model.graph.node:
        fail(f"{args.input} is not an ONNX model (no graph nodes or opset)")
    try:
        onnx.checker.check_model(model)
    except Exception as error:  # noqa: BLE001
        fail(f"{args.input} fails ONNX's checker before any change: {error}")

    log = (lambda line: print(f"  {line}")) if args.verbose else (lambda line: None)
    removed = remove_identities(model, log)
    tiled = tile_constants(model, log)
    try:
        onnx.checker.check_model(model)
    except Exception as error:  # noqa: BLE001
        fail(f"the rewritten model fails ONNX's checker, not saved: {error}")
    try:
        onnx.save(model, args.output)
    except OSError as error:
        fail(f"cannot write {args.output}: {error}")
    if removed or tiled:
        print(f"removed {plural(removed, 'Identity node')}, tiled {plural(tiled, 'constant')}")
    else:
        print("nothing to change: no Identity nodes, no constants to tile")


if __name__ == "__main__":
    main()
