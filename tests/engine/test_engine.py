"""The engine's own behaviour: order, failure isolation, crashes, cancel, parallel branches, cache."""
import os
import threading
import time

import pytest

from designer.engine import Engine
from designer.engine.events import (NodeCancelled, NodeFailed, NodeFinished, NodeLog,
                                    NodeProgress, NodeSkipped, NodeStarted, RunFinished)
from designer.model import Edge, Node, Pipeline
from toy_nodes import toy_registry


def build(nodes, edges):
    p = Pipeline("toy", registry=toy_registry())
    for node_id, type_id, params in nodes:
        p.add_node(Node(node_id, type_id, params))
    for source, target, port in edges:
        p.connect(Edge(source, "data", target, port))
    return p


@pytest.fixture
def engine(tmp_path):
    e = Engine(cache_dir=tmp_path / "cache", workers=2, cache_secret=b"k" * 32, preload=())
    yield e
    e.close()


def run(engine, pipeline, tmp_path, **kw):
    events = []
    result = engine.run(pipeline, tmp_path, listener=events.append, **kw)
    return result, events


def test_linear_pipeline_runs_in_order_and_outputs_are_kept(engine, tmp_path):
    p = build([("a", "number", {"value": 2}), ("b", "add", {"plus": 3}), ("c", "add", {"plus": 10})],
              [("a", "b", "data"), ("b", "c", "data")])
    result, events = run(engine, p, tmp_path)
    assert result.status == "succeeded"
    assert result.node_states == {"a": "done", "b": "done", "c": "done"}
    assert engine.output("c", "data") == 15
    started = [e.node_id for e in events if isinstance(e, NodeStarted)]
    assert started == ["a", "b", "c"]
    assert isinstance(events[-1], RunFinished) and events[-1].status == "succeeded"


def test_unchanged_rerun_is_all_cached_and_a_changed_param_recomputes_only_downstream(engine, tmp_path):
    p = build([("a", "number", {"value": 2}), ("b", "add", {"plus": 3}), ("c", "add", {"plus": 10})],
              [("a", "b", "data"), ("b", "c", "data")])
    run(engine, p, tmp_path)
    again, _ = run(engine, p, tmp_path)
    assert set(again.node_states.values()) == {"cached"}
    assert engine.output("c", "data") == 15  # read back from the cache folder
    p.set_param("b", "plus", 4)
    third, _ = run(engine, p, tmp_path)
    assert third.node_states == {"a": "cached", "b": "done", "c": "done"}
    assert engine.output("c", "data") == 16


def test_a_new_engine_uses_the_cache_folder_and_ignores_entries_signed_by_another_key(tmp_path):
    p = build([("a", "number", {"value": 2}), ("b", "add", {"plus": 3})], [("a", "b", "data")])
    first = Engine(tmp_path / "cache", workers=1, cache_secret=b"k" * 32, preload=())
    run(first, p, tmp_path)
    first.close()
    same = Engine(tmp_path / "cache", workers=1, cache_secret=b"k" * 32, preload=())
    assert set(run(same, p, tmp_path)[0].node_states.values()) == {"cached"}
    same.close()
    foreign = Engine(tmp_path / "cache", workers=1, cache_secret=b"x" * 32, preload=())
    assert set(run(foreign, p, tmp_path)[0].node_states.values()) == {"done"}
    foreign.close()


def test_no_cache_recomputes_everything(engine, tmp_path):
    p = build([("a", "number", {}), ("b", "add", {})], [("a", "b", "data")])
    run(engine, p, tmp_path)
    result, _ = run(engine, p, tmp_path, use_cache=False)
    assert set(result.node_states.values()) == {"done"}


def test_a_failure_stops_only_its_dependants(engine, tmp_path):
    p = build([("a", "number", {}), ("bad", "fail", {}), ("after", "add", {}),
               ("good", "add", {"plus": 1}), ("good2", "add", {"plus": 1})],
              [("a", "bad", "data"), ("bad", "after", "data"), ("a", "good", "data"),
               ("good", "good2", "data")])
    result, events = run(engine, p, tmp_path)
    assert result.status == "failed"
    assert result.node_states == {"a": "done", "bad": "failed", "after": "skipped",
                                  "good": "done", "good2": "done"}
    failed = next(e for e in events if isinstance(e, NodeFailed))
    assert failed.message == ("Fail (bad): The column 'age' has text values. "
                              "Convert it with Edit Metadata.")
    assert "Traceback" in failed.details
    skipped = next(e for e in events if isinstance(e, NodeSkipped))
    assert skipped.node_id == "after" and "Fail (bad)" in skipped.reason
    assert events[-1].error == failed.message


def test_a_node_that_kills_its_interpreter_fails_alone(engine, tmp_path):
    p = build([("a", "number", {}), ("boom", "crash", {}), ("good", "add", {"plus": 5})],
              [("a", "boom", "data"), ("a", "good", "data")])
    result, events = run(engine, p, tmp_path)
    assert result.node_states == {"a": "done", "boom": "failed", "good": "done"}
    assert "stopped unexpectedly" in result.errors["boom"]
    assert engine.output("good", "data") == 6
    # the pool recovers: the next run works
    p2 = build([("a", "number", {"value": 7})], [])
    assert run(engine, p2, tmp_path)[0].status == "succeeded"


def test_independent_branches_run_at_the_same_time(engine, tmp_path):
    p = build([("a", "number", {}), ("s1", "sleep", {"seconds": 0.6}),
               ("s2", "sleep", {"seconds": 0.6})],
              [("a", "s1", "data"), ("a", "s2", "data")])
    result, events = run(engine, p, tmp_path)
    assert result.status == "succeeded"
    kinds = [(type(e).__name__, getattr(e, "node_id", None)) for e in events
             if isinstance(e, (NodeStarted, NodeFinished)) and e.node_id in ("s1", "s2")]
    # both started before either finished
    assert [k for k, _ in kinds[:2]] == ["NodeStarted", "NodeStarted"]


def test_progress_and_printed_output_reach_the_listener(engine, tmp_path):
    p = build([("a", "number", {}), ("s", "sleep", {"seconds": 0.1})], [("a", "s", "data")])
    _, events = run(engine, p, tmp_path)
    fractions = [e.fraction for e in events if isinstance(e, NodeProgress)]
    assert fractions[-1] == 1.0 and len(fractions) == 10
    assert any("slept 0.1 s" in e.text for e in events if isinstance(e, NodeLog))


def test_cancel_stops_a_running_node_at_once_and_leaves_no_worker(engine, tmp_path):
    marker = tmp_path / "finished.txt"
    p = build([("a", "number", {}), ("pid", "pid", {}),
               ("long", "sleep", {"seconds": 30, "marker": str(marker)}),
               ("after", "add", {})],
              [("a", "pid", "data"), ("pid", "long", "data"), ("long", "after", "data")])
    started = threading.Event()
    events = []

    def listener(event):
        events.append(event)
        if isinstance(event, NodeStarted) and event.node_id == "long":
            started.set()

    box = {}
    thread = threading.Thread(target=lambda: box.update(r=engine.run(p, tmp_path, listener=listener)))
    thread.start()
    assert started.wait(60)
    workers = [w.process.pid for w in engine.pool.workers]
    cancelled_at = time.monotonic()
    engine.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - cancelled_at < 2.0
    result = box["r"]
    assert result.status == "cancelled"
    assert result.node_states["long"] == "cancelled"
    assert result.node_states["after"] == "cancelled"
    assert any(isinstance(e, NodeCancelled) and e.node_id == "long" for e in events)
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not marker.exists()


def test_a_worker_that_dies_mid_node_is_kept_until_its_node_is_failed():
    from designer.engine.pool import WorkerPool
    pool = WorkerPool(size=2, preload=())
    try:
        pool.ensure_started(1)
        (worker,) = pool.workers
        worker.busy_with = "boom"
        worker.process.kill()              # dies between the runner's look and the next start
        worker.process.join(10)
        pool.ensure_started(2)
        assert worker in pool.busy()       # the runner still sees it, and fails "boom"
        assert len([w for w in pool.workers if w.alive]) == 1
    finally:
        pool.close()
