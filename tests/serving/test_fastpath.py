"""The server's compiled path through a model answers exactly as the model's own Pipeline."""
import numpy as np
import pandas as pd

from designer.serving.fast_trees import FastTrees
from designer.serving.fastpath import CompiledPipeline, probe_rows, scorer_for
from designer.serving.validation import predict_frame, rows_to_frame

from .helpers import json_rows


def _frame(rows, schema):
    accepting = {**schema, "policies": {**schema.get("policies", {}),
                                        "unknown_categories": "accept"}}
    return rows_to_frame({"rows": rows}, accepting)[0]


def test_churn_model_compiles_with_its_trees_walked_in_numpy(churn):
    scorer = scorer_for(churn.model.pipeline, churn.schema)
    assert isinstance(scorer, CompiledPipeline)
    assert isinstance(scorer.estimator, FastTrees)


def test_compiled_answers_equal_the_pipeline_row_by_row(churn, churn_rows):
    pipeline, schema = churn.model.pipeline, churn.schema
    scorer = scorer_for(pipeline, schema)
    accepting = {**schema, "policies": {**schema["policies"], "unknown_categories": "accept"}}
    # real rows, and rows with nulls and unseen categories, one at a time as requests come;
    # the server hands the compiled path plain arrays, not a DataFrame
    rows = json_rows(churn_rows.head(30)) + probe_rows(schema, n=20)
    for row in rows:
        X = _frame([row], schema)
        arrays = rows_to_frame({"rows": [row]}, accepting, as_arrays=True)[0]
        assert isinstance(arrays, dict)
        for given in (X, arrays):
            predictions, probabilities = predict_frame(scorer, given, schema)
            np.testing.assert_array_equal(predictions, pipeline.predict(X))
            np.testing.assert_array_equal(probabilities, pipeline.predict_proba(X))


def test_a_large_chunk_takes_sklearns_pass_with_the_same_answers(churn, churn_rows):
    pipeline, schema = churn.model.pipeline, churn.schema
    scorer = scorer_for(pipeline, schema)
    X = _frame(json_rows(pd.concat([churn_rows] * 3)), schema)
    predictions, probabilities = predict_frame(scorer, X, schema)
    np.testing.assert_array_equal(predictions, pipeline.predict(X))
    np.testing.assert_array_equal(probabilities, pipeline.predict_proba(X))


def test_a_pipeline_with_other_steps_is_served_as_it_is(churn):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer
    pipeline = churn.model.pipeline
    odd = Pipeline([("identity", FunctionTransformer()), *pipeline.steps])
    assert scorer_for(odd, churn.schema) is odd


def test_a_files_arrow_text_columns_score_as_the_pipeline_scores_them(churn, churn_rows,
                                                                      tmp_path):
    from designer.serving.validation import check_frame, transform_frame
    pipeline, schema = churn.model.pipeline, churn.schema
    rows = pd.concat([churn_rows] * 2, ignore_index=True)
    rows.loc[3, "payment_method"] = None          # nullable: imputed
    rows.loc[5, "contract"] = "weekly"            # unknown: no category column set
    rows.to_csv(tmp_path / "rows.csv", index=False)
    chunk = pd.read_csv(tmp_path / "rows.csv")
    assert isinstance(chunk["contract"].dtype, pd.StringDtype)
    X, notes = check_frame(chunk, schema)
    assert [(n["column"], n["line"]) for n in notes] == [("contract", 5)]
    scorer = scorer_for(pipeline, schema)
    as_objects = X.astype({c: object for c in ("contract", "payment_method", "senior")})
    np.testing.assert_array_equal(transform_frame(scorer, X), transform_frame(scorer, as_objects))
    predictions, probabilities = predict_frame(scorer, X, schema)
    np.testing.assert_array_equal(predictions, pipeline.predict(X))
    np.testing.assert_array_equal(probabilities, pipeline.predict_proba(X))
