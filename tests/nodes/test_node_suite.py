"""One suite over every registered node type: declarations, parameter checks, run, infer, emit."""
from __future__ import annotations

import importlib
import json
import re

import pandas as pd
import pytest

from designer.engine.schemas import propagate_schemas
from nodes import ops
from nodes.base import CATEGORIES, EmitContext
from nodes.kernels import EXTRA
from nodes.params import (Bool, Choice, Column, Columns, Float, Int, Literal, Param, Path,
                          String, Union)
from nodes.registry import registry
from nodes.schema import (LearnerSchema, MetricsSchema, ModelSchema, TableSchema,
                          TransformSchema, kind_of_dtype)
from nodes.values import Learner, Metrics, Model, Table, Transform
from tests.nodes.inprocess import run_pipeline
from tests.nodes.node_examples import EXAMPLES, prepare, write_tiny_csv

NODE_TYPES = registry.all()
IDS = [t.type_id for t in NODE_TYPES]
# Core ids fixed by the design that are not the snake_case of their title.
FIXED_IDS = {"kmeans"}


def snake_case(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


@pytest.fixture(params=NODE_TYPES, ids=IDS)
def node_type(request):
    return request.param


# -- declarations ----------------------------------------------------------------------------

def test_declaration_is_sane(node_type):
    assert node_type.title.strip() and node_type.doc.strip()
    assert node_type.category in CATEGORIES
    assert node_type.type_id == snake_case(node_type.title) or node_type.type_id in FIXED_IDS
    for ports in (node_type.inputs, node_type.outputs):
        names = [p.name for p in ports]
        assert len(names) == len(set(names)), f"duplicate port names in {names}"
    names = [p.name for p in node_type.params]
    assert len(names) == len(set(names))
    for param in node_type.params:
        assert param.doc, f"parameter {param.name} has no doc"
        if not param.required:
            assert param.check(param.default, node_type.title) == param.default


def _invalid_value(param: Param):
    """A value the declaration must refuse."""
    if isinstance(param, Union):
        return {"not": "valid"}
    if isinstance(param, (Int, Float)):
        if param.high is not None:
            return param.high + 1
        if param.low is not None:
            return param.low - 1
        return "ten"
    if isinstance(param, Bool):
        return "yes"
    if isinstance(param, Choice):
        return "no_such_option"
    if isinstance(param, Columns):
        return "not a list"
    if isinstance(param, (String, Path, Column)):
        return 42
    if isinstance(param, Literal):
        return "something else"
    return object()


def test_each_parameter_rejects_an_invalid_value(node_type):
    for param in node_type.params:
        values = {p.name: p.default for p in node_type.params if not p.required}
        values.update({p.name: "x" for p in node_type.params if p.required})
        values[param.name] = _invalid_value(param)
        _, errors = node_type.check_params(values)
        assert [e.param for e in errors] == [param.name], errors
        message = str(errors[0])
        assert f"'{param.name}'" in message and node_type.title in message, message


def test_every_node_type_has_an_example(node_type):
    assert node_type.type_id in EXAMPLES, (
        f"Add a tiny example pipeline for '{node_type.type_id}' to tests/nodes/node_examples.py")


# -- run, infer and emit on the example ------------------------------------------------------

@pytest.fixture
def example(node_type, tmp_path):
    if node_type.type_id not in EXAMPLES:
        pytest.fail(f"no example for '{node_type.type_id}'")
    write_tiny_csv(tmp_path)
    pipeline = EXAMPLES[node_type.type_id].pipeline()
    assert pipeline.node("n").type == node_type.type_id
    prepare(EXAMPLES[node_type.type_id], pipeline, tmp_path)  # extra files; trust
    outputs = run_pipeline(pipeline, tmp_path)
    schemas = propagate_schemas(pipeline, tmp_path)
    return pipeline, outputs, schemas, tmp_path


def _check_table(schema: TableSchema, table: Table):
    columns = [str(c) for c in table.df.columns]
    if schema.open:  # the known columns appear, in the same order
        positions = [columns.index(n) for n in schema.names]
        assert positions == sorted(positions), (schema.names, columns)
    else:
        assert schema.names == columns
    for info in schema.columns:
        assert info.kind == kind_of_dtype(table.df[info.name].dtype), info
        if info.has_missing is not None:
            assert info.has_missing == bool(table.df[info.name].isna().any()), info
    assert schema.lineage == table.lineage_ids
    assert schema.roles == table.roles     # column roles travel alike before and at run time
    assert (schema.scored is None) == (table.scored is None)
    if schema.scored is not None:
        assert (schema.scored.task, schema.scored.label, schema.scored.prediction) == \
            (table.scored.task, table.scored.label, table.scored.prediction)


def test_infer_agrees_with_run(node_type, example):
    pipeline, outputs, schemas, _ = example
    info = schemas["n"]
    assert not info.param_errors and info.infer_error is None, info
    for port in node_type.outputs:
        schema, value = info.outputs[port.name], outputs["n"][port.name]
        assert schema is not None, f"infer gave no schema for '{port.name}'"
        if isinstance(value, Table):
            _check_table(schema, value)
        elif isinstance(value, Learner):
            assert isinstance(schema, LearnerSchema)
            assert (schema.task, schema.estimator) == (value.task, type(value.estimator).__name__)
        elif isinstance(value, Transform):
            assert isinstance(schema, TransformSchema) and schema.node == value.step.step_id
        elif isinstance(value, Model):
            assert isinstance(schema, ModelSchema)
            assert (schema.task, schema.label, schema.node) == (value.task, value.label, value.node)
            assert list(schema.lineage) == value.transform_ids
            assert set(schema.features) <= set(value.features)
        elif isinstance(value, Metrics):
            assert isinstance(schema, MetricsSchema) and schema.task == value.task
            assert list(schema.names) == list(value.flat())
            json.dumps(value.to_json())  # plain Python all the way down
        else:
            pytest.fail(f"unexpected output {type(value).__name__}")


def _script_value(value):
    """What a port's value is in the exported script."""
    if isinstance(value, Table):
        return value.df
    if isinstance(value, Transform):
        return value.step.estimator
    if isinstance(value, Learner):
        return value.estimator
    if isinstance(value, Model):
        return value.pipeline
    if isinstance(value, Metrics):
        out = {k: v for k, v in value.to_json().items() if k != "b"}
        out["b"] = value.b.to_json() if value.b else None
        return out
    return value


def _estimator_params(estimator):
    """Type and parameters, nested estimators (e.g. a wrapped SVC) compared by value too."""
    return type(estimator), {k: _estimator_params(v) if hasattr(v, "get_params") else v
                             for k, v in estimator.get_params(deep=False).items()}


def _assert_same(run_value, script_value, data: pd.DataFrame | None):
    if isinstance(run_value, Table):
        pd.testing.assert_frame_equal(script_value, run_value.df)
    elif isinstance(run_value, Learner):
        assert _estimator_params(script_value) == _estimator_params(run_value.estimator)
    elif isinstance(run_value, Transform):
        pd.testing.assert_frame_equal(script_value.transform(data),
                                      run_value.step.estimator.transform(data))
    elif isinstance(run_value, Model):
        assert list(script_value.predict(data)) == list(run_value.pipeline.predict(data))
    elif isinstance(run_value, Metrics):
        expected = _script_value(run_value)
        expected["b"] = {k: v for k, v in expected["b"].items() if k != "b"} \
            if expected["b"] else None
        assert json.dumps(script_value, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_emitted_code_computes_what_run_computes(node_type, example):
    pipeline, outputs, schemas, base_dir = example
    namespace = {k: v for k, v in vars(ops).items() if not k.startswith("__")}
    for kernel in EXTRA:  # what the exporter pastes after ops.py
        module = importlib.import_module(f"nodes.{kernel}")
        namespace.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    namespace["SCRIPT_DIR"] = base_dir
    variables = {}
    for node_id, values in outputs.items():
        if node_id != "n":
            for port, value in values.items():
                variables[(node_id, port)] = f"{node_id}_{port}"
                namespace[f"{node_id}_{port}"] = _script_value(value)
    inputs = {e.target_port: variables[(e.source, e.source_port)] for e in pipeline.in_edges("n")}
    ctx = EmitContext("n", inputs, {p.name: f"out_{p.name}" for p in node_type.outputs},
                      schemas["n"].inputs, variables)
    code = node_type.emit(schemas["n"].params, ctx)
    compile(code, "<emitted>", "exec")
    exec(code, namespace)
    data_edge = pipeline.edge_into("n", "data")
    data = outputs[data_edge.source][data_edge.source_port].df if data_edge else None
    for port in node_type.outputs:
        _assert_same(outputs["n"][port.name], namespace[f"out_{port.name}"], data)
