"""The numpy tree walk for a few rows gives scikit-learn's HistGradientBoosting answers exactly."""
import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression

from designer.serving.fast_trees import MAX_ROWS, fast_trees
from designer.serving.validation import predict_with_proba


def _with_missing(X, seed=0):
    X = X.copy()
    rng = np.random.default_rng(seed)
    X[rng.random(X.shape) < 0.1] = np.nan       # trains missing-value directions too
    return X


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_walk_equals_sklearn_bit_for_bit(n_classes):
    X, y = make_classification(n_samples=800, n_features=8, n_informative=5,
                               n_classes=n_classes, random_state=n_classes)
    X = _with_missing(X)
    labels = np.array(["no", "yes", "maybe"])[y]
    model = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(X[:600], labels[:600])
    fast = fast_trees(model)
    assert fast.walkable
    rows = X[600:600 + MAX_ROWS]
    np.testing.assert_array_equal(fast.raw(rows), model._raw_predict(rows))
    predictions, probabilities = fast.predict_both(rows)
    np.testing.assert_array_equal(predictions, model.predict(rows))
    np.testing.assert_array_equal(probabilities, model.predict_proba(rows))
    one = X[700:701]
    np.testing.assert_array_equal(fast.predict_proba(one), model.predict_proba(one))


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_walk_equals_sklearn_bit_for_bit(loss):
    X, y = make_regression(n_samples=900, n_features=6, noise=5, random_state=0)
    if loss == "poisson":
        y = np.exp(y / y.std())
    X = _with_missing(X, seed=1)
    model = HistGradientBoostingRegressor(loss=loss, max_iter=30, random_state=0)
    model.fit(X[:500], y[:500])
    # a request's rows with the model's trees; all 400 rows with trees rebuilt from their spec
    for trees, rows in ((fast_trees(model), X[500:520]), (_rebuilt(model), X[500:])):
        predictions, probabilities = trees.predict_both(rows)
        assert probabilities is None
        np.testing.assert_array_equal(predictions, model.predict(rows))


def test_a_raw_score_of_exactly_zero_is_the_first_class_as_in_sklearn():
    X, y = make_classification(n_samples=300, n_features=4, random_state=3)
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    fast = fast_trees(model)
    # cancel the score on purpose: sklearn says raw > 0 is class 1, so 0 is class 0
    assert list(fast._label(np.zeros((2, 1)))) == [model.classes_[0]] * 2


def test_categorical_splits_and_large_inputs_use_sklearns_own_pass():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 5, 500), rng.normal(size=500)]).astype(float)
    y = (X[:, 0] % 2 == 0) ^ (X[:, 1] > 0.5)
    model = HistGradientBoostingClassifier(categorical_features=[0], max_iter=20,
                                           random_state=0).fit(X, y)
    fast = fast_trees(model)
    assert not fast.walkable
    predictions, probabilities = fast.predict_both(X[:10])
    np.testing.assert_array_equal(predictions, model.predict(X[:10]))
    np.testing.assert_array_equal(probabilities, model.predict_proba(X[:10]))
    many = np.repeat(X, 3, axis=0)
    assert len(many) > MAX_ROWS
    np.testing.assert_array_equal(fast.predict(many), model.predict(many))


def test_other_estimators_are_not_taken():
    X, y = make_classification(n_samples=100, random_state=0)
    assert fast_trees(LogisticRegression().fit(X, y)) is None


def test_one_pass_labels_for_gradient_boosting_follow_its_raw_score_rule():
    X, y = make_classification(n_samples=400, random_state=4)
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X[:300], y[:300])
    predictions, probabilities = predict_with_proba(model, X[300:])
    np.testing.assert_array_equal(predictions, model.predict(X[300:]))
    np.testing.assert_array_equal(probabilities, model.predict_proba(X[300:]))


def test_a_model_is_laid_out_once_not_per_request():
    X, y = make_classification(n_samples=200, random_state=5)
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    assert fast_trees(model) is fast_trees(model)


def _rebuilt(model):
    """The model's trees through spec() and a pickle round trip, as a server's snapshot has
    them: no estimator left."""
    import pickle

    from designer.serving.fast_trees import FastTrees
    spec = fast_trees(model).spec()
    assert spec is not None
    rebuilt = FastTrees.from_spec(pickle.loads(pickle.dumps(spec)))
    assert rebuilt.estimator is None
    return rebuilt


@pytest.mark.parametrize("n_classes", [2, 3])
def test_trees_from_their_spec_answer_as_sklearn_for_any_number_of_rows(n_classes):
    X, y = make_classification(n_samples=1400, n_features=8, n_informative=5,
                               n_classes=n_classes, random_state=n_classes)
    X = _with_missing(X, seed=n_classes)
    labels = np.array(["no", "yes", "maybe"])[y]
    model = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(X[:600], labels[:600])
    rebuilt = _rebuilt(model)
    for rows in (X[600:601], X[600:600 + MAX_ROWS], X[600:]):     # 800 rows: blocks of walks
        predictions, probabilities = rebuilt.predict_both(rows)
        np.testing.assert_array_equal(predictions, model.predict(rows))
        np.testing.assert_array_equal(probabilities, model.predict_proba(rows))


def test_categorical_trees_have_no_spec():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.integers(0, 5, 300), rng.normal(size=300)]).astype(float)
    model = HistGradientBoostingClassifier(categorical_features=[0], max_iter=5,
                                           random_state=0).fit(X, X[:, 0] > 2)
    assert fast_trees(model).spec() is None


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regressor"])
def test_large_inputs_scored_on_bins_equal_sklearn_bit_for_bit(kind):
    X, y = make_classification(n_samples=3000, n_features=6, n_informative=4,
                               n_classes=3 if kind == "multiclass" else 2, random_state=7)
    X = _with_missing(X, seed=7)
    if kind == "regressor":
        target = y[:1000] + np.random.default_rng(0).normal(0, 0.1, 1000)
        model = HistGradientBoostingRegressor(max_iter=30, random_state=0).fit(X[:1000], target)
    else:
        model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X[:1000], y[:1000])
    rows = X[1000:].copy()
    # values beyond the training range, infinities, and values exactly on split thresholds
    rows[:50] *= 1e6
    rows[50:60, 1] = np.inf
    rows[60:70, 2] = -np.inf
    thresholds = [n["num_threshold"] for p in model._predictors[0] for n in p.nodes
                  if not n["is_leaf"]]
    rows[70:70 + len(thresholds[:100]), 0] = thresholds[:100]
    fast = fast_trees(model)
    np.testing.assert_array_equal(fast.raw(rows), model._raw_predict(rows))
    assert fast._binned                   # the binned pass was checked and taken
    np.testing.assert_array_equal(fast.predict(rows), model.predict(rows))
