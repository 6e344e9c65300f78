"""One probability pass gives the labels only where scikit-learn defines predict that way."""
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from designer.serving.validation import LABEL_IS_ARGMAX_OF_PROBA, predict_with_proba


@pytest.mark.parametrize("estimator", [
    RandomForestClassifier(n_estimators=15, random_state=0),
    ExtraTreesClassifier(n_estimators=15, random_state=0),
    DecisionTreeClassifier(random_state=0),
], ids=lambda e: type(e).__name__)
def test_labels_from_probabilities_equal_predict(estimator):
    X, y = make_classification(n_samples=600, n_classes=3, n_informative=5, random_state=1)
    labels = np.array(["a", "b", "c"])[y]
    estimator.fit(X[:400], labels[:400])
    assert type(estimator).__name__ in LABEL_IS_ARGMAX_OF_PROBA
    predictions, probabilities = predict_with_proba(estimator, X[400:])
    np.testing.assert_array_equal(predictions, estimator.predict(X[400:]))
    np.testing.assert_array_equal(probabilities, estimator.predict_proba(X[400:]))


def test_an_svm_keeps_its_own_predict():
    # SVC's Platt-scaled probabilities can disagree with its decision function
    X, y = make_classification(n_samples=300, random_state=2, flip_y=0.3)
    svm = SVC(probability=True, random_state=0).fit(X[:200], y[:200])
    predictions, _ = predict_with_proba(svm, X[200:])
    np.testing.assert_array_equal(predictions, svm.predict(X[200:]))
