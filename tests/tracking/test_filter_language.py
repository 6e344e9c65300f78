"""The run filter language: what it reads, what it refuses (with the place), and that values are
bound parameters, never SQL text."""
from __future__ import annotations

import pytest

from designer.store import NewRun
from designer.tracking import FilterError, count_runs, parse_filter, parse_sort, search_runs
from designer.tracking.filterlang import And, Compare, Field, Not, Or

PIPE = {"name": "p", "parameters": {"seed": 1}, "nodes": []}


def test_precedence_parentheses_and_values():
    tree = parse_filter('not status = "failed" and (metrics.a >= -1.5e2 or tags.`my key` != null)'
                        ' or params.train.label_column in ("a", \'b\', 3, true)')
    assert isinstance(tree, Or) and isinstance(tree.items[0], And)
    left = tree.items[0]
    assert left.items[0] == Not(Compare(Field(("status",)), "=", "failed"))
    assert left.items[1] == Or((Compare(Field(("metrics", "a")), ">=", -150.0),
                                Compare(Field(("tags", "my key")), "!=", None)))
    assert tree.items[1] == Compare(Field(("params", "train", "label_column")), "in",
                                    ("a", "b", 3, True))
    assert parse_filter("metrics.x == 1") == parse_filter("metrics.x = 1")
    assert parse_filter("  ") is None
    assert [(str(k.field), k.descending) for k in parse_sort(
        "-metrics.f1, started_at asc,  tags.stage DESC")] == [
        ("metrics.f1", True), ("started_at", False), ("tags.stage", True)]


@pytest.mark.parametrize("text, message", [
    ("metrics.accuracy >", "expected a value .* at position 19, found the end"),
    ("metrics.accuracy > 0.9 and", "expected a field .* found the end"),
    ("(status = 'failed'", "expected '\\)'"),
    ("status = failed", "expected a value .* found 'failed'"),
    ("status ~ 'x'", "cannot read .~ 'x'. at position 8"),
    ("metrics.accuracy 0.9", "expected a comparison after metrics.accuracy"),
    ("status = 'a' 'b'", "expected 'and', 'or' or the end"),
])
def test_unreadable_filters_say_where(text, message):
    with pytest.raises(FilterError, match=message):
        parse_filter(text)


def test_values_are_bound_never_spliced_into_sql(project):
    project.runs.log(NewRun("r1", PIPE, tags={"stage": "prod"}))
    for hostile in ['status = "x\' OR 1=1 --"', "tags.stage = \"prod' OR '1'='1\"",
                    'params.`a"); DROP TABLE runs; --`.b = 1', 'metrics.`x\' OR 1=1 --` > 0']:
        assert count_runs(project, hostile) == 0
    assert count_runs(project) == 1


def test_semantics_over_logged_runs(project):
    project.runs.log_many([
        NewRun("a", PIPE, params={"train": {"label_column": "species", "flag": True}},
               metrics={"evaluate": {"accuracy": 0.95, "b.accuracy": 0.5}}, tags={"stage": "prod"}),
        NewRun("b", {**PIPE, "name": "q", "parameters": {"seed": 2}},
               params={"train": {"label_column": "target"}},
               metrics={"evaluate": {"accuracy": 0.85}, "eval2": {"accuracy": 0.99}},
               status="failed"),
        NewRun("c", PIPE, params={"other": {"label_column": "species"}}, seconds=3.0),
    ])

    def ids(text, sort=None):
        return [r.id for r in search_runs(project, text, sort)]

    assert ids('metrics.accuracy > 0.9 and params.train.label_column = "species"') == ["a"]
    assert sorted(ids("metrics.accuracy > 0.9")) == ["a", "b"]        # any evaluate node
    assert ids("metrics.evaluate.accuracy > 0.9") == ["a"]            # node-qualified
    assert ids("metrics.b.accuracy = 0.5") == ["a"]                   # a dotted metric name
    assert ids("metrics.evaluate.b.accuracy < 1") == ["a"]
    assert sorted(ids('params.label_column = "species"')) == ["a", "c"]   # any node
    assert ids("params.train.flag = true") == ["a"]
    assert ids('tags.stage = "prod"') == ["a"] and ids('status = "failed"') == ["b"]
    assert sorted(ids('not status = "failed"')) == ["a", "c"]
    assert ids("not metrics.accuracy > 0") == ["c"]                   # no metric at all
    assert ids('pipeline = "q" or seconds >= 3', "id") == ["b", "c"]
    assert ids("parameters.seed = 2") == ["b"]
    assert ids('pipeline like "%q%"') == ["b"]
    assert ids('started_at > "2000-01-01" and id in ("a", "c")', "id desc") == ["c", "a"]
    assert ids(None, "-metrics.evaluate.accuracy") == ["a", "b", "c"]  # missing ones last
    assert ids(None, "metrics.evaluate.accuracy") == ["b", "a", "c"]
    with pytest.raises(FilterError, match="compares with numbers"):
        ids('metrics.accuracy > "high"')
    with pytest.raises(FilterError, match="date or time"):
        ids('started_at > "yesterday"')
    with pytest.raises(FilterError, match="Cannot sort by 'params.x'"):
        ids(None, "params.x")
