"""Small node types that exercise the engine itself: sleeping, failing and crashing nodes.

Their values are plain numbers; the engine neither knows nor cares what flows on a port.
"""
import os
import time

from nodes.base import NodeError, NodeType, Port
from nodes.params import Float, Int, String
from nodes.registry import NodeRegistry
from nodes.schema import PortType

T = PortType.TABLE


class Number(NodeType):
    type_id, title, category = "number", "Number", "Data Input and Output"
    outputs = (Port("data", T),)
    params = (Int("value", 1),)

    def run(self, inputs, params, ctx):
        return {"data": params["value"]}


class Add(NodeType):
    type_id, title, category = "add", "Add", "Data Transformation"
    inputs = (Port("data", T), Port("data_b", T, optional=True))
    outputs = (Port("data", T),)
    params = (Int("plus", 0),)

    def run(self, inputs, params, ctx):
        return {"data": inputs["data"] + inputs.get("data_b", 0) + params["plus"]}


class Sleep(NodeType):
    type_id, title, category = "sleep", "Sleep", "Data Transformation"
    inputs = (Port("data", T),)
    outputs = (Port("data", T),)
    params = (Float("seconds", 1.0, low=0), String("marker", ""))

    def run(self, inputs, params, ctx):
        steps = 10
        for i in range(steps):
            time.sleep(params["seconds"] / steps)
            ctx.progress((i + 1) / steps, f"step {i + 1} of {steps}")
        if params["marker"]:
            with open(params["marker"], "a") as f:
                f.write(f"{ctx.node_id}\n")
        print(f"slept {params['seconds']} s")
        return {"data": inputs["data"]}


class Fail(NodeType):
    type_id, title, category = "fail", "Fail", "Data Transformation"
    inputs = (Port("data", T),)
    outputs = (Port("data", T),)

    def run(self, inputs, params, ctx):
        raise NodeError("The column 'age' has text values.", "Convert it with Edit Metadata.",
                        column="age")


class Crash(NodeType):
    type_id, title, category = "crash", "Crash", "Data Transformation"
    inputs = (Port("data", T),)
    outputs = (Port("data", T),)

    def run(self, inputs, params, ctx):
        os.abort()  # like a segfault in native code: the interpreter dies without a word


class Pid(NodeType):
    """Reports the worker's process id, so tests can check for orphans."""
    type_id, title, category = "pid", "Pid", "Data Transformation"
    inputs = (Port("data", T),)
    outputs = (Port("data", T),)

    def run(self, inputs, params, ctx):
        return {"data": os.getpid()}


def toy_registry() -> NodeRegistry:
    registry = NodeRegistry()
    registry._loaded = True  # only these types; no built-ins, no plug-ins
    for cls in (Number, Add, Sleep, Fail, Crash, Pid):
        registry.add(cls)
    return registry
