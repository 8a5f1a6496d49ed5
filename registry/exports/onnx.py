"""ONNX export of fitted pipelines, a parity check against scikit-learn, and ONNX prediction (pure: no Django).

The ONNX graph has one named input per feature, in signature order, each of shape ``[None, 1]``: ``double`` for
``numeric`` and ``integer`` features, ``string`` for ``categorical``, ``boolean`` and ``text`` features (the pipeline
one-hot encodes booleans as the strings ``"True"``/``"False"``, so they are strings here too). Classifiers output
``label`` and ``probabilities`` (a tensor, no ZipMap, columns in ``signature["output"]["classes"]`` order);
regressors output ``variable``. The signature travels inside the file as the metadata property ``keel.signature``.
A pipeline whose first step is not a ``ColumnTransformer`` (a bare estimator, ``StandardScaler`` -> model) converts
when every feature is numeric: the copy converted gets a pass-through ``ColumnTransformer`` in front.

Precision follows scikit-learn's: scalers, linear models, neural networks and neighbours compute in double, so the
graph does. Decision trees, random forests, extra trees and gradient boosting cast their input to float32 and compare
it with double thresholds, so the converted copy casts to float32 in front of them (``CastTransformer``) and each
threshold ``t`` is stored as the largest float32 not above ``t`` (:func:`float32_threshold`): for a float32 ``x``,
``x <= t`` exactly when ``x <= float32_threshold(t)``, so every split decides as scikit-learn's does.

Why the pipeline is rebuilt for conversion rather than given a custom converter: the categorical branch is
``to_category_strings`` -> ``SimpleImputer(missing_values=nan)`` -> encoder. An identity converter for the function
would not be enough, because skl2onnx imputes strings only when the missing marker is itself a string, and
registering it would change skl2onnx's global converter for every ``FunctionTransformer`` in the process. So a copy
of the pipeline drops the function step and gives the imputer the marker ``""``; :func:`onnx_feeds` does the
function's work on the way in (values as text, ``1.0`` -> ``"1"``, ``True`` -> ``"True"``, missing -> ``""``).
A consequence: an empty string sent as a category is treated as missing.

Histogram gradient boosting (``HistGradientBoostingClassifier``/``Regressor``) predicts in double: it compares the
double input with double thresholds, sends a missing value to the side it learned, and sums double leaf values. The
graph does the same: no float32 cast, and each tree ensemble's thresholds, leaf values and baseline are replaced by
scikit-learn's doubles (the ``*_as_tensor`` attributes of ``ai.onnx.ml`` 3, which onnxruntime evaluates in double
for double inputs; skl2onnx stores them as float32, which moves a threshold by up to half a float32 step), after
checking that the graph's splits line up with scikit-learn's (:func:`_hist_trees_in_double`). The ensemble's
scores leave it as float32 (its only output type) and are cast to double: probabilities move by at most 6e-8,
regression values by a relative 6e-8. The learned side of a missing value is the node's
``nodes_missing_value_tracks_true``. Two gaps remain on scikit-learn: categorical
splits (``categorical_features``; skl2onnx writes only numeric thresholds) and a regressor's non-identity link
(``loss="poisson"`` or ``"gamma"``; skl2onnx leaves out the ``exp``).

Why a wrapped converter for histogram gradient boosting: skl2onnx 1.20's tree walk
(``add_tree_to_attribute_pairs_hist_gradient_boosting``) puts the Python boolean ``False`` in the integer list
``nodes_missing_value_tracks_true`` for leaves, which onnx 1.23 refuses (``TypeError: Field
onnx.AttributeProto.ints: Expected an int, got a boolean``), so no such model converts. The fix is one coercion:
:func:`_register_hist_gradient_boosting` re-registers skl2onnx's own converters for the two estimators (same
shape calculators, same options) behind a container that passes that attribute as integers. Nothing of skl2onnx
is copied, the change affects only these two estimators, which did not convert at all before, and it is a no-op
once skl2onnx writes integers itself.

What converts (skl2onnx 1.20): most estimators with their default options, knn only with the metrics skl2onnx
implements (not chebyshev, for instance), not ``max_categories`` (infrequent categories) and not datetime features.
Converting is not the same as agreeing (class probabilities of a forest are summed in float32, a regression tree's
value is a float32): run :func:`onnx_parity` before trusting a file.

Prediction needs only numpy and onnxruntime (skl2onnx and sklearn are imported inside the conversion functions), so
an edge client can copy this file on its own::

    session = onnx_session(model_bytes)
    onnx_predict(session, [{"mean radius": 14.1, "colour": "red"}], signature)
    # {"predictions": ["yes"], "probabilities": [[0.12, 0.88]], "classes": ["no", "yes"]}
"""

from __future__ import annotations

import copy
import json
import math
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import onnxruntime as ort

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

STRING_KINDS = frozenset({"categorical", "boolean", "text"})  # as training.trainers.pipeline.CATEGORICAL_KINDS
FLOAT_KINDS = frozenset({"numeric", "integer"})
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
MISSING_TEXT = ""
SIGNATURE_KEY = "keel.signature"
CATEGORY_TEXT_FUNCTION = "training.trainers.pipeline.to_category_strings"
# estimators whose predict casts X to float32 and compares it with double thresholds
FLOAT32_TREES = frozenset(
    {
        "DecisionTreeClassifier",
        "DecisionTreeRegressor",
        "ExtraTreeClassifier",
        "ExtraTreeRegressor",
        "RandomForestClassifier",
        "RandomForestRegressor",
        "ExtraTreesClassifier",
        "ExtraTreesRegressor",
        "GradientBoostingClassifier",
        "GradientBoostingRegressor",
    }
)
# estimators whose predict compares the double input with double thresholds (binned only while fitting)
HIST_TREES = frozenset({"HistGradientBoostingClassifier", "HistGradientBoostingRegressor"})

__all__ = [
    "OnnxExportError",
    "OnnxInputError",
    "category_text",
    "convert_to_onnx",
    "float32_threshold",
    "onnx_feeds",
    "onnx_parity",
    "onnx_predict",
    "onnx_session",
]


class OnnxExportError(ValueError):
    """The pipeline cannot be exported to ONNX; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OnnxInputError(ValueError):
    """Rows given to :func:`onnx_predict` do not match the signature."""


# --- conversion -------------------------------------------------------------------------------------------------


def convert_to_onnx(pipeline: Pipeline, signature: Mapping[str, Any]) -> bytes:
    """The fitted pipeline as a serialized ONNX model; raises ``OnnxExportError`` if it does not convert."""
    initial_types = _initial_types(signature)
    _check_estimator(pipeline)
    model = _convert(_for_conversion(pipeline, signature), initial_types, _is_classifier(signature))
    _round_thresholds_down(model, pipeline)
    _hist_trees_in_double(model, pipeline)
    _impute_in_double(model, pipeline)
    _restore_input_names(model, [name for name, _ in initial_types])
    model.metadata_props.add(key=SIGNATURE_KEY, value=json.dumps(signature, sort_keys=True))
    data: bytes = model.SerializeToString()
    _check_loads(data)
    return data


def _initial_types(signature: Mapping[str, Any]) -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    types: list[tuple[str, Any]] = []
    for feature in signature["inputs"]:
        name, kind = feature["name"], feature["kind"]
        if kind in FLOAT_KINDS:
            types.append((name, DoubleTensorType([None, 1])))
        elif kind in STRING_KINDS:
            types.append((name, StringTensorType([None, 1])))
        else:
            raise OnnxExportError(f"feature {name!r} is of kind {kind!r}; only {_kinds()} features export to ONNX")
    return types


def _kinds() -> str:
    return ", ".join(sorted(FLOAT_KINDS | STRING_KINDS))


def _is_classifier(signature: Mapping[str, Any]) -> bool:
    return bool(signature["output"]["task_type"] == "classification")


def _check_estimator(pipeline: Pipeline) -> None:
    from skl2onnx import get_model_alias

    estimator = pipeline.steps[-1][1]
    try:
        get_model_alias(type(estimator))
    except RuntimeError as exc:
        raise OnnxExportError(f"skl2onnx has no converter for the estimator {type(estimator).__name__}") from exc
    if type(estimator).__name__ in HIST_TREES:
        _check_hist_trees(estimator)


def _check_hist_trees(estimator: Any) -> None:
    name = type(estimator).__name__
    categorical = getattr(estimator, "is_categorical_", None)
    if categorical is not None and np.any(categorical):
        raise OnnxExportError(
            f"{name} has categorical features (categorical_features), whose splits skl2onnx does not convert "
            "(it writes only numeric thresholds)"
        )
    link = type(getattr(getattr(estimator, "_loss", None), "link", None)).__name__
    if name == "HistGradientBoostingRegressor" and link != "IdentityLink":
        raise OnnxExportError(
            f"{name} with loss={estimator.loss!r} predicts through an inverse link that skl2onnx leaves out"
        )


def _qualified_name(func: Any) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}"


def _for_conversion(pipeline: Pipeline, signature: Mapping[str, Any]) -> Pipeline:
    """A copy whose categorical branches start at the imputer, which treats ``""`` as missing, with a pass-through
    ``ColumnTransformer`` in front when it has none, and a float32 cast in front of a tree estimator."""
    converted = copy.deepcopy(pipeline)
    if not getattr(converted, "steps", None):
        raise OnnxExportError(f"{type(pipeline).__name__} is not a Pipeline")
    if hasattr(converted.steps[0][1], "transformers_"):
        preprocess = converted.steps[0][1]
        preprocess.transformers_ = [
            (name, _branch_for_conversion(name, transformer), columns)
            for name, transformer, columns in preprocess.transformers_
        ]
    else:
        converted.steps.insert(0, ("keel_inputs", _passthrough(signature)))
    if type(converted.steps[-1][1]).__name__ in FLOAT32_TREES:
        from skl2onnx.sklapi import CastTransformer

        converted.steps.insert(len(converted.steps) - 1, ("keel_float32", CastTransformer(dtype=np.float32)))
    return converted


def _passthrough(signature: Mapping[str, Any]) -> Any:
    """A fitted ``ColumnTransformer`` that stacks the numeric features in signature order."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer

    features = signature["inputs"]
    not_numeric = [f["name"] for f in features if f["kind"] not in FLOAT_KINDS]
    if not_numeric:
        raise OnnxExportError(
            f"feature {not_numeric[0]!r} is not numeric, and the pipeline has no ColumnTransformer to encode it; "
            "ONNX export feeds one input per feature"
        )
    names = [f["name"] for f in features]
    return ColumnTransformer([("features", "passthrough", names)]).fit(
        pd.DataFrame([[0.0] * len(names)], columns=names)
    )


def float32_threshold(threshold: float) -> np.float32:
    """The largest float32 not above ``threshold``: for any float32 ``x``, ``x <= threshold`` exactly when
    ``x <= float32_threshold(threshold)``. Plain rounding to nearest can land above ``threshold`` and send an ``x``
    equal to it to the wrong side."""
    rounded = np.float32(threshold)
    if float(rounded) > threshold:
        rounded = np.nextafter(rounded, np.float32(-np.inf))
    return rounded


def _impute_in_double(model: Any, pipeline: Pipeline) -> None:
    """ONNX's ``Imputer`` computes in float32 only (and onnxruntime has no double kernel for it): each one becomes
    ``Where(IsNaN(x), statistics, x)`` with the double statistics of the ``SimpleImputer`` it came from (matched by
    their float32 values, which skl2onnx stored)."""
    from onnx import helper, numpy_helper

    imputers = [
        step
        for step in _all_steps(pipeline)
        if type(step).__name__ == "SimpleImputer" and np.asarray(step.statistics_).dtype.kind == "f"
    ]
    graph = model.graph
    for node in list(graph.node):
        if node.op_type != "Imputer":
            continue
        attributes = {a.name: a for a in node.attribute}
        if "imputed_value_floats" not in attributes or not math.isnan(attributes["replaced_value_float"].f):
            raise OnnxExportError("an imputer replaces a value other than NaN, which ONNX cannot do in double")
        stored = np.asarray(attributes["imputed_value_floats"].floats, dtype=np.float32)
        source = next((i for i in imputers if np.array_equal(np.asarray(i.statistics_, np.float32), stored)), None)
        if source is None:
            raise OnnxExportError("an ONNX imputer does not match any SimpleImputer of the pipeline")
        statistics = np.asarray(source.statistics_, dtype=np.float64).reshape(1, -1)
        name = f"{node.name}_statistics"
        graph.initializer.append(numpy_helper.from_array(statistics, name))
        missing = f"{node.name}_isnan"
        replacement = [
            helper.make_node("IsNaN", [node.input[0]], [missing], name=f"{node.name}_IsNaN"),
            helper.make_node("Where", [missing, name, node.input[0]], [node.output[0]], name=f"{node.name}_Where"),
        ]
        position = list(graph.node).index(node)
        graph.node.remove(node)
        for offset, new in enumerate(replacement):
            graph.node.insert(position + offset, new)


def _all_steps(estimator: Any) -> list[Any]:
    """Every estimator inside ``estimator``: pipeline steps and column transformer branches, recursively."""
    found = [estimator]
    for _, step in getattr(estimator, "steps", []):
        found += _all_steps(step)
    for _, branch, _ in getattr(estimator, "transformers_", []):
        if not isinstance(branch, str):
            found += _all_steps(branch)
    return found


def _round_thresholds_down(model: Any, pipeline: Pipeline) -> None:
    """Store each split threshold of a float32 tree estimator as :func:`float32_threshold` of scikit-learn's double.

    skl2onnx writes the nodes tree by tree (``estimators_`` in row-major order), node by node; the split nodes' features
    are checked against scikit-learn's before any threshold is replaced, so a different layout is refused, not
    mis-patched."""
    estimator = pipeline.steps[-1][1]
    if type(estimator).__name__ not in FLOAT32_TREES:
        return
    trees = [estimator.tree_] if hasattr(estimator, "tree_") else [e.tree_ for e in np.ravel(estimator.estimators_)]
    split = [tree.children_left != tree.children_right for tree in trees]
    features = np.concatenate([tree.feature[s] for tree, s in zip(trees, split, strict=True)])
    thresholds = np.concatenate([tree.threshold[s] for tree, s in zip(trees, split, strict=True)])
    nodes = [n for n in model.graph.node if n.op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor")]
    if len(nodes) != 1:
        raise OnnxExportError(f"expected one tree ensemble in the converted graph, found {len(nodes)}")
    attributes = {a.name: a for a in nodes[0].attribute}
    modes = [m.decode() for m in attributes["nodes_modes"].strings]
    branch = [i for i, mode in enumerate(modes) if mode != "LEAF"]
    graph_features = np.asarray(attributes["nodes_featureids"].ints)[branch]
    if any(modes[i] != "BRANCH_LEQ" for i in branch) or not np.array_equal(graph_features, features):
        raise OnnxExportError("the converted tree ensemble's splits do not line up with scikit-learn's trees")
    values = np.asarray(attributes["nodes_values"].floats, dtype=np.float32)
    values[branch] = [float32_threshold(float(t)) for t in thresholds]
    del attributes["nodes_values"].floats[:]
    attributes["nodes_values"].floats.extend(values.tolist())


def _hist_nodes(estimator: Any) -> list[np.ndarray]:
    """The node arrays of a histogram gradient boosting model's trees, in skl2onnx's order: iteration by iteration,
    class by class within an iteration."""
    return [predictor.nodes for iteration in estimator._predictors for predictor in iteration]


def _hist_trees_in_double(model: Any, pipeline: Pipeline) -> None:
    """Give a histogram gradient boosting ensemble scikit-learn's double thresholds, leaf values and baseline.

    skl2onnx stores them as float32 (``nodes_values``, ``class_weights`` or ``target_weights``, ``base_values``);
    they become the double ``*_as_tensor`` attributes of ``ai.onnx.ml`` 3, so onnxruntime compares the double input
    with the double threshold and sums double leaves, as scikit-learn does. The graph's split features, missing-value
    sides and float32 values are checked against scikit-learn's nodes first: a different layout is refused, not
    mis-patched."""
    from onnx import helper, numpy_helper

    estimator = pipeline.steps[-1][1]
    if type(estimator).__name__ not in HIST_TREES:
        return
    trees = _hist_nodes(estimator)
    nodes = np.concatenate(trees)
    branch = ~nodes["is_leaf"].astype(bool)
    ensembles = [n for n in model.graph.node if n.op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor")]
    if len(ensembles) != 1:
        raise OnnxExportError(f"expected one tree ensemble in the converted graph, found {len(ensembles)}")
    node = ensembles[0]
    attributes = {a.name: a for a in node.attribute}
    weights = "class_weights" if node.op_type == "TreeEnsembleClassifier" else "target_weights"
    modes = np.asarray([m.decode() for m in attributes["nodes_modes"].strings])
    stored_weights = np.asarray(attributes[weights].floats, dtype=np.float32)
    lined_up = (
        len(modes) == len(nodes)
        and np.array_equal(modes != "LEAF", branch)
        and np.all(modes[branch] == "BRANCH_LEQ")
        and np.array_equal(np.asarray(attributes["nodes_featureids"].ints)[branch], nodes["feature_idx"][branch])
        and np.array_equal(
            np.asarray(attributes["nodes_missing_value_tracks_true"].ints)[branch],
            nodes["missing_go_to_left"][branch].astype(np.int64),
        )
        and np.array_equal(stored_weights, nodes["value"][~branch].astype(np.float32))
    )
    if not lined_up:
        raise OnnxExportError("the converted tree ensemble's nodes do not line up with scikit-learn's trees")
    thresholds = np.where(branch, nodes["num_threshold"], 0.0).astype(np.float64)
    replacements = {
        "nodes_values": thresholds,
        weights: nodes["value"][~branch].astype(np.float64),
        "base_values": np.asarray(estimator._baseline_prediction, dtype=np.float64).ravel(),
    }
    for name, values in replacements.items():
        if name in attributes:
            node.attribute.remove(attributes[name])
        tensor = numpy_helper.from_array(values, f"{name}_as_tensor")
        node.attribute.append(helper.make_attribute(f"{name}_as_tensor", tensor))
    for opset in model.opset_import:
        if opset.domain == "ai.onnx.ml" and opset.version < 3:
            opset.version = 3  # the *_as_tensor attributes; the other ai.onnx.ml operators are unchanged at 3
    _scores_to_double(model, node)


def _scores_to_double(model: Any, node: Any) -> None:
    """A tree ensemble's scores are float32 (the operator's only output type), which skl2onnx declares as double
    when the input is double: a ``Cast`` to double follows them. The ensemble sums and transforms in double inside;
    the float32 rounding moves a probability by at most 6e-8."""
    from onnx import TensorProto, helper

    graph = model.graph
    declared = {v.name: v.type.tensor_type.elem_type for v in [*graph.output, *graph.value_info]}
    position = list(graph.node).index(node)
    index = 1 if node.op_type == "TreeEnsembleClassifier" else 0
    name = node.output[index]
    if declared.get(name) != TensorProto.DOUBLE:
        return
    node.output[index] = f"{name}_float32"
    cast = helper.make_node("Cast", [node.output[index]], [name], to=TensorProto.DOUBLE, name=f"{node.name}_double")
    graph.node.insert(position + 1, cast)


def _branch_for_conversion(name: str, branch: Any) -> Any:
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    if not isinstance(branch, Pipeline):
        return branch
    steps = list(branch.steps)
    first = steps[0][1]
    if isinstance(first, FunctionTransformer) and first.func is not None:
        function = _qualified_name(first.func)
        if function != CATEGORY_TEXT_FUNCTION:
            raise OnnxExportError(f"the {name!r} columns go through {function}, which has no ONNX equivalent")
        steps = steps[1:]
        if steps and isinstance(steps[0][1], SimpleImputer):
            steps[0][1].missing_values = MISSING_TEXT  # a deep copy already: the caller's pipeline is untouched
    return Pipeline(steps)


class _IntegerMissingTracks:
    """skl2onnx's conversion container, passing ``nodes_missing_value_tracks_true`` to ONNX as integers (skl2onnx
    1.20 puts ``False`` there for the leaves of histogram gradient boosting trees; see the module docstring)."""

    def __init__(self, container: Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> Any:
        return getattr(self._container, name)

    def add_node(self, *args: Any, **attributes: Any) -> Any:
        tracks = attributes.get("nodes_missing_value_tracks_true")
        if tracks is not None:
            attributes["nodes_missing_value_tracks_true"] = [int(v) for v in tracks]
        return self._container.add_node(*args, **attributes)


_HIST_REGISTERED = False
_HIST_LOCK = threading.Lock()


def _register_hist_gradient_boosting() -> None:
    """Re-register skl2onnx's converters of the two histogram gradient boosting estimators behind
    :class:`_IntegerMissingTracks` (same converter, shape calculator and options); once per process."""
    global _HIST_REGISTERED
    from skl2onnx import update_registered_converter
    from skl2onnx.common._registration import get_converter, get_shape_calculator
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    with _HIST_LOCK:
        if _HIST_REGISTERED:
            return
        for model in (HistGradientBoostingClassifier, HistGradientBoostingRegressor):
            alias = f"Sklearn{model.__name__}"
            registered = get_converter(alias)
            update_registered_converter(
                model,
                alias,
                get_shape_calculator(alias),
                _with_integer_missing_tracks(registered),
                overwrite=True,
                options=registered.get_allowed_options(),
            )
        _HIST_REGISTERED = True


def _with_integer_missing_tracks(registered: Any) -> Any:
    def convert(scope: Any, operator: Any, container: Any) -> Any:
        return registered(scope, operator, _IntegerMissingTracks(container))

    return convert


def _convert(pipeline: Pipeline, initial_types: list[tuple[str, Any]], classifier: bool) -> Any:
    from skl2onnx import convert_sklearn

    _register_hist_gradient_boosting()
    options = {id(pipeline.steps[-1][1]): {"zipmap": False}} if classifier else None
    try:
        return convert_sklearn(pipeline, initial_types=initial_types, options=options, target_opset=TARGET_OPSET)
    except Exception as exc:  # skl2onnx raises RuntimeError, NotImplementedError, TypeError, ... for gaps
        raise OnnxExportError(f"skl2onnx cannot convert this pipeline: {_reason(exc)}") from exc


def _restore_input_names(model: Any, names: list[str]) -> None:
    """skl2onnx turns ``"mean radius"`` into ``"mean_radius"``; the graph's inputs get the feature names back."""
    graph = model.graph
    if len(graph.input) != len(names):
        raise OnnxExportError(f"the converted graph has {len(graph.input)} inputs for {len(names)} features")
    renames = {item.name: name for item, name in zip(graph.input, names, strict=True) if item.name != name}
    for item in graph.input:
        item.name = renames.get(item.name, item.name)
    for node in graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]


def _check_loads(data: bytes) -> None:
    try:
        onnx_session(data)
    except Exception as exc:  # onnxruntime raises its own exception types
        raise OnnxExportError(f"onnxruntime cannot load the converted model: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """The exception's first line, and its root cause's: skl2onnx wraps errors in messages that dump whole nodes."""
    root = exc
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    return _line(exc) if root is exc else f"{_line(exc)} (caused by {_line(root)})"


def _line(exc: BaseException, limit: int = 160) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    return f"{type(exc).__name__}: {text if len(text) <= limit else text[: limit - 3] + '...'}"


# --- prediction -------------------------------------------------------------------------------------------------


def onnx_session(onnx_bytes: bytes) -> ort.InferenceSession:
    """An onnxruntime session on the CPU for a model made by :func:`convert_to_onnx`."""
    return ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])


def onnx_predict(
    model: bytes | ort.InferenceSession, rows: Sequence[Mapping[str, Any]], signature: Mapping[str, Any]
) -> dict[str, Any]:
    """``{"predictions": [...]}`` plus ``"probabilities"`` (one list per row) and ``"classes"`` for classifiers."""
    session = onnx_session(model) if isinstance(model, bytes) else model
    outputs = session.run(None, onnx_feeds(rows, signature))
    predictions = np.asarray(outputs[0]).ravel().tolist()
    if not _is_classifier(signature):
        return {"predictions": predictions}
    probabilities = np.asarray(outputs[1], dtype="float64").tolist()
    return {"predictions": predictions, "probabilities": probabilities, "classes": signature["output"]["classes"]}


def onnx_feeds(rows: Sequence[Mapping[str, Any]], signature: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The ONNX input tensors for ``rows`` (dicts keyed by feature name; ``None`` is missing)."""
    features = [(entry["name"], entry["kind"]) for entry in signature["inputs"]]
    _check_rows(rows, {name for name, _ in features})
    return {name: _column([row[name] for row in rows], name, kind) for name, kind in features}


def _check_rows(rows: Sequence[Mapping[str, Any]], names: set[str]) -> None:
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise OnnxInputError(f"row {index} is not an object")
        missing, unknown = sorted(names - set(row)), sorted(set(row) - names)
        if missing or unknown:
            raise OnnxInputError(f"row {index}: missing features {missing}, unknown features {unknown}")


def _column(values: list[Any], name: str, kind: str) -> np.ndarray:
    if kind in STRING_KINDS:
        return np.asarray([category_text(value) for value in values], dtype=object).reshape(-1, 1)
    return np.asarray([_number(value, name) for value in values], dtype=np.float64).reshape(-1, 1)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def category_text(value: Any) -> str:
    """A categorical value as the pipeline sees it: ``1.0`` -> ``"1"``, ``True`` -> ``"True"``, missing -> ``""``."""
    if _is_missing(value):
        return MISSING_TEXT
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, name: str) -> float:
    if _is_missing(value):
        return math.nan
    if isinstance(value, bool | int | float | np.number):
        return float(value)
    raise OnnxInputError(f"feature {name!r} must be a number, got {type(value).__name__}")


# --- parity -----------------------------------------------------------------------------------------------------


def onnx_parity(
    pipeline: Pipeline,
    onnx_bytes: bytes,
    frame: pd.DataFrame,
    signature: Mapping[str, Any],
    *,
    atol: float = 1e-4,
    rtol: float = 1e-5,
) -> dict[str, Any]:
    """Compare onnxruntime with the pipeline on ``frame``; a JSON-safe report with ``passed``.

    Classifiers pass when every label agrees and no probability differs by more than ``atol``. Regressors pass when
    every value is within ``atol + rtol * |sklearn value|`` (float32 inputs make exact equality unreachable).
    """
    classifier = _is_classifier(signature)
    if len(frame) == 0:
        return _report(False, 0, None, 0.0, atol, "no rows to compare") | {"max_rel_diff": None, "rtol": rtol}
    inputs = frame[[entry["name"] for entry in signature["inputs"]]]
    got = onnx_predict(onnx_bytes, _frame_rows(inputs), signature)
    if classifier:
        return _classifier_parity(pipeline, inputs, got, atol)
    return _regressor_parity(pipeline, inputs, got, atol, rtol)


def _frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(plain.columns, values, strict=True)) for values in plain.itertuples(index=False, name=None)]


def _classifier_parity(pipeline: Pipeline, frame: pd.DataFrame, got: dict[str, Any], atol: float) -> dict[str, Any]:
    expected_labels = np.asarray(pipeline.predict(frame)).tolist()
    agree, n_rows = sum(a == b for a, b in zip(expected_labels, got["predictions"], strict=True)), len(frame)
    diff = _max_abs(np.asarray(pipeline.predict_proba(frame)), np.asarray(got["probabilities"]))
    passed = agree == n_rows and diff <= atol
    detail = f"labels agree on {agree}/{n_rows} rows; max |probability difference| {diff:.3g} (atol {atol:g})"
    return _report(passed, n_rows, agree / n_rows, diff, atol, detail) | {"max_rel_diff": None, "rtol": None}


def _regressor_parity(
    pipeline: Pipeline, frame: pd.DataFrame, got: dict[str, Any], atol: float, rtol: float
) -> dict[str, Any]:
    expected = np.asarray(pipeline.predict(frame), dtype="float64").ravel()
    actual = np.asarray(got["predictions"], dtype="float64")
    scale = np.maximum(np.abs(expected), 1e-12)
    diff, relative = _max_abs(expected, actual), _max_abs(expected / scale, actual / scale)
    passed = bool(np.allclose(actual, expected, atol=atol, rtol=rtol))
    detail = f"max |difference| {diff:.3g}, max relative {relative:.3g} (atol {atol:g} + rtol {rtol:g} * |value|)"
    report = _report(passed, len(frame), None, diff, atol, detail)
    return report | {"max_rel_diff": relative if math.isfinite(relative) else None, "rtol": rtol}


def _max_abs(expected: np.ndarray, actual: np.ndarray) -> float:
    """The largest absolute difference; infinity if either side holds NaN, so a check against it fails."""
    diff = float(np.max(np.abs(expected - actual)))
    return diff if math.isfinite(diff) else math.inf


def _report(
    passed: bool, n_rows: int, agreement: float | None, diff: float, atol: float, detail: str
) -> dict[str, Any]:
    return {
        "passed": bool(passed),
        "n_rows": int(n_rows),
        "label_agreement": agreement,
        "max_abs_diff": diff if math.isfinite(diff) else None,
        "atol": float(atol),
        "detail": detail,
    }
