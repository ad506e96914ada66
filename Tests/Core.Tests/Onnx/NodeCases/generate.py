#!/usr/bin/python3
"""Writes the ONNX specification's own node tests of the CNN operators as small files for OnnxNodeCaseTests.

Run with Debian's python3-onnx (1.12): /usr/bin/python3 generate.py. Each case becomes a folder holding model.onnx, in
which every input but the first is an initializer (a weight, a bias, a shape or an index, as in an exported network),
input.pb (the first input) and output_K.pb (each expected output), plus the case's tolerances in tolerance.txt.
Cases whose tensors are not float32 (the core computes in float32) or that cannot be expressed with one computed input
are listed in skipped.txt with the reason.
"""
import os
import shutil
import sys

import numpy as np

# python3-onnx 1.12's case generators still use the aliases NumPy 1.24 removed.
for alias, value in (("float", float), ("int", int), ("bool", bool), ("object", object)):
    if not hasattr(np, alias):
        setattr(np, alias, value)

import onnx
from onnx import numpy_helper
from onnx.backend.test.case import node as node_cases

# The ops a CNN export uses (issue 15): layers, activations and elementwise math, joins, views, reductions, resampling.
CNN_OPS = {
    "Conv", "ConvTranspose", "BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization",
    "LRN", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Pad", "Dropout", "Identity",
    "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Sigmoid", "HardSigmoid", "HardSwish",
    "Tanh", "Mish", "ThresholdedRelu", "Clip", "Softmax", "LogSoftmax",
    "Exp", "Log", "Sqrt", "Pow", "Neg", "Abs", "Reciprocal", "Erf", "Atanh",
    "Add", "Sub", "Mul", "Div", "Sum", "Mean", "Max", "Min", "MatMul", "Gemm",
    "Concat", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Expand", "Tile", "Slice", "Split", "Gather",
    "ReduceMean", "ReduceMax", "ReduceSum", "ReduceL2", "Resize", "Upsample",
}

# The ops whose float inputs are all activations inside a network (the others' extra inputs are weights, shapes or scales).
JOIN_OPS = {"Add", "Sub", "Mul", "Div", "Pow", "Sum", "Mean", "Max", "Min", "MatMul", "Concat"}


def tensors(values):
    """The case's values as arrays (a few generators give NumPy scalars); None where one is not a tensor."""
    return [np.asarray(v) if isinstance(v, (np.ndarray, np.generic)) else None for v in values]


def skip_reason(case):
    graph = case.model.graph
    if len(graph.node) != 1:
        return "expanded into a function body of several nodes (the op's own case is kept)"
    inputs, outputs = (tensors(v) for v in case.data_sets[0])
    if any(v is None for v in inputs + outputs):
        return "a sequence or optional value, not a tensor"
    if not inputs or inputs[0].dtype != np.float32:
        return f"first input is {inputs[0].dtype if inputs else 'absent'}, not float32"
    if any(o.dtype != np.float32 for o in outputs if o.dtype.kind == "f"):
        return "a float output is not float32"
    if any(i.dtype.kind == "f" and i.dtype != np.float32 for i in inputs):
        return "a float input is not float32"
    if inputs[0].ndim == 0 or inputs[0].size == 0:
        return "the input is a scalar or empty, which the core's tensors (rank 1 or more, every dim at least 1) cannot hold"
    node = graph.node[0]
    if node.op_type == "Dropout" and len(node.input) > 2:
        return "training-mode Dropout draws random masks"
    if len(inputs[0].shape) == 5 and node.op_type in ("Conv", "ConvTranspose", "MaxPool", "AveragePool"):
        return "3-D convolution or pooling: the core convolves images (1-D and 2-D)"
    if node.op_type == "BatchNormalization" and any(a.name == "training_mode" and a.i == 1 for a in node.attribute):
        return "training-mode BatchNormalization outputs the batch statistics"
    return None


def write(case, folder):
    case.model_copy = onnx.ModelProto()
    case.model_copy.CopyFrom(case.model)
    model = case.model
    graph = model.graph
    inputs, outputs = (tensors(v) for v in case.data_sets[0])
    # Every input but the first becomes an initializer of the value the test feeds.
    for info, value in list(zip(graph.input, inputs))[1:]:
        tensor = numpy_helper.from_array(value, info.name)
        graph.initializer.append(tensor)
    keep = [graph.input[0]]
    del graph.input[:]
    graph.input.extend(keep)
    os.makedirs(folder)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    with open(os.path.join(folder, "input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(inputs[0], graph.input[0].name).SerializeToString())
    for k, (info, value) in enumerate(zip(graph.output, outputs)):
        with open(os.path.join(folder, f"output_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value, info.name).SerializeToString())
    with open(os.path.join(folder, "tolerance.txt"), "w") as f:
        f.write(f"{case.rtol} {case.atol}\n")
    write_all_inputs(case, folder)


def write_all_inputs(case, folder):
    """For a join of several float inputs, also model_inputs.onnx: every float input computed (a graph input, fed from
    input_K.pb), the others initializers — Add of two computed tensors, as inside a network."""
    model = case.model_copy
    if model.graph.node[0].op_type not in JOIN_OPS:
        return
    graph = model.graph
    inputs = tensors(case.data_sets[0][0])
    floats = [(info, value) for info, value in zip(graph.input, inputs) if value.dtype == np.float32]
    if len(floats) < 2 or any(value.ndim == 0 for _, value in floats):
        return  # a scalar stays a constant: the core's tensors have one axis at least
    for info, value in zip(graph.input, inputs):
        if value.dtype != np.float32:
            graph.initializer.append(numpy_helper.from_array(value, info.name))
    keep = [info for info, _ in floats]
    del graph.input[:]
    graph.input.extend(keep)
    onnx.save(model, os.path.join(folder, "model_inputs.onnx"))
    for k, (info, value) in enumerate(floats):
        with open(os.path.join(folder, f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value, info.name).SerializeToString())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "cases")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    skipped = []
    count = 0
    # A few generators register the same case twice; one copy of each name.
    cases = {c.name: c for c in node_cases.collect_testcases(None)}
    for case in sorted(cases.values(), key=lambda c: c.name):
        ops = {n.op_type for n in case.model.graph.node}
        op = case.model.graph.node[0].op_type if len(case.model.graph.node) == 1 else None
        if not ops & CNN_OPS:
            continue
        if op not in CNN_OPS:
            skipped.append((case.name, skip_reason(case) or "not a single CNN op"))
            continue
        reason = skip_reason(case)
        if reason:
            skipped.append((case.name, reason))
            continue
        write(case, os.path.join(out, case.name[len("test_"):]))
        count += 1
    with open(os.path.join(here, "skipped.txt"), "w") as f:
        f.write(f"# Node tests of the CNN ops left out by generate.py (onnx {onnx.__version__}), with the reason.\n")
        for name, reason in skipped:
            f.write(f"{name}: {reason}\n")
    print(f"{count} cases written, {len(skipped)} skipped (skipped.txt)", file=sys.stderr)


if __name__ == "__main__":
    main()
