"""Multiclass wrappers: One-vs-All and One-vs-One make several binary classifiers of one learner.

They take a learner on their input port and give a learner; nothing is fitted until Train Model.
"""
from __future__ import annotations

from .base import NodeError, Port
from .learners import LearnerNode
from .schema import LearnerSchema, PortType

__all__ = ["OneVsAllMulticlassNode", "OneVsOneMulticlassNode", "NODE_TYPES"]


class _WrapperNode(LearnerNode):
    task = "classification"
    inputs = (Port("learner", PortType.LEARNER, "The classifier learner to wrap."),)
    outputs = (Port("learner", PortType.LEARNER, "The wrapped, untrained classifier."),)

    def _refuse(self, task: str):
        return NodeError(f"{self.title} wraps a classifier; the learner on its input is a "
                         f"{task} learner.", "Connect a classification learner such as "
                         "Logistic Regression or Support Vector Machine Classifier.",
                         port="learner")

    def infer(self, inputs, params, ctx):
        inner = inputs.get("learner")
        if inner is not None and inner.task != "classification":
            raise self._refuse(inner.task)
        return super().infer(inputs, params, ctx)

    def run(self, inputs, params, ctx):
        from .values import Learner
        inner = inputs["learner"]
        if inner.task != "classification":
            raise self._refuse(inner.task)
        # Like every scikit-learn meta-estimator, the wrapper keeps the inner estimator as given;
        # Train Model fits clones, so the upstream learner is never changed.
        return {"learner": Learner(self.estimator_class()(inner.estimator), self.task)}

    def emit(self, params, ctx):
        module, name = self.estimator.rsplit(".", 1)
        return f"from {module} import {name}\n{ctx.out('learner')} = {name}({ctx.inp('learner')})\n"


class OneVsAllMulticlassNode(_WrapperNode):
    type_id = "one_vs_all_multiclass"
    title = "One-vs-All Multiclass"
    doc = ("scikit-learn's OneVsRestClassifier: one binary classifier per class (that class "
           "against all others); the most confident one wins. Class probabilities are the "
           "normalised binary ones when the wrapped learner gives probabilities.")
    estimator = "sklearn.multiclass.OneVsRestClassifier"


class OneVsOneMulticlassNode(_WrapperNode):
    type_id = "one_vs_one_multiclass"
    title = "One-vs-One Multiclass"
    doc = ("scikit-learn's OneVsOneClassifier: one binary classifier per pair of classes; the "
           "class with most votes wins. It gives no class probabilities, so ROC AUC and log "
           "loss are null.")
    estimator = "sklearn.multiclass.OneVsOneClassifier"


NODE_TYPES = [OneVsAllMulticlassNode, OneVsOneMulticlassNode]
