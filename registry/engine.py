"""Which engine answers a model version's predictions, and the engines themselves (pure: no Django).

ONNX Runtime answers a version when its ONNX conversion (registry/exports/onnx.py) gives scikit-learn's answers on
generated rows and on the input example: labels identical, class probabilities (or regression values) within
``TOLERANCE``. That is decided once, at registration (:func:`choose_engine`), and recorded on the version's
capabilities with the figures; serving then loads one :class:`OnnxEngine` per process. A version whose conversion
fails, or disagrees, is answered by scikit-learn (:func:`sklearn_predict`) and its capabilities say why.

Two rules keep labels exact where ONNX Runtime's float32 arithmetic could not:

- **Near ties.** A forest's class probabilities are summed in float32; where scikit-learn has an exact tie (50 of
  100 trees each way) ONNX Runtime has 0.4999999 against 0.5000001. A row whose two highest probabilities are
  within ``2 * TOLERANCE`` could go either way, so scikit-learn answers that row. Outside that margin, probabilities
  within ``TOLERANCE`` of scikit-learn's cannot rank the classes differently.
- **Missing values.** scikit-learn trees send a missing value to a learned side; the ONNX graphs skl2onnx writes for
  decision trees and forests always take one branch. When generated rows with missing values disagree, rows with a
  missing numeric value go to scikit-learn (``missing_values: "sklearn"`` in the capabilities). Histogram gradient
  boosting's graph carries the learned sides, so its rows with missing values normally stay on ONNX Runtime.

Histogram gradient boosting needs neither float32 rule for its splits: scikit-learn compares the double input with
double thresholds (the bin edges), and the graph does too (registry/exports/onnx.py). Its threshold rows are at
those bin edges and one double either side.
"""

from __future__ import annotations

import math
import operator
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
from onnx import TensorProto, helper, numpy_helper

from registry.exports.onnx import FLOAT32_TREES, HIST_TREES, STRING_KINDS, category_text, convert_to_onnx

TOLERANCE = 1e-6
MATRIX_INPUT = "keel_numeric"
PARITY_ROWS = 2000
MISSING_ROWS = 200
THRESHOLD_ROWS = 1000
PROBA_ARGMAX = frozenset(
    {
        "LogisticRegression",
        "DecisionTreeClassifier",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "GradientBoostingClassifier",
        "HistGradientBoostingClassifier",
        "GaussianNB",
    }
)
_NUMERIC = ("numeric", "integer")


# --- scikit-learn -------------------------------------------------------------------------------------------------


def frame(rows: Sequence[Mapping[str, Any]], signature: Mapping[str, Any]) -> pd.DataFrame:
    """scikit-learn's input: a DataFrame with the signature's columns in order."""
    names = [spec["name"] for spec in signature.get("inputs") or []] or list(rows[0])
    return pd.DataFrame(list(rows), columns=names)


def final_estimator(pipeline: Any) -> Any:
    steps = getattr(pipeline, "steps", None)
    return steps[-1][1] if steps else pipeline


def is_classifier(pipeline: Any) -> bool:
    return hasattr(pipeline, "classes_") and hasattr(pipeline, "predict_proba")


def sklearn_predict(pipeline: Any, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
    """(labels or values, class probabilities or None); one pass through the pipeline where ``predict`` is by the
    estimator's construction the arg-max of ``predict_proba``."""
    if not is_classifier(pipeline):
        return np.asarray(pipeline.predict(X)), None
    probabilities = np.asarray(pipeline.predict_proba(X))
    if type(final_estimator(pipeline)).__name__ in PROBA_ARGMAX:
        return np.asarray(pipeline.classes_)[probabilities.argmax(axis=1)], probabilities
    return np.asarray(pipeline.predict(X)), probabilities


# --- ONNX Runtime -------------------------------------------------------------------------------------------------


def session_options() -> ort.SessionOptions:
    """One thread per session: a web process already runs one request per thread."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options


class OnnxEngine:
    """A version's ONNX graph in an onnxruntime session, with scikit-learn behind it for the rows it cannot decide."""

    def __init__(
        self, onnx_bytes: bytes, pipeline: Any, signature: Mapping[str, Any], *, missing_to_sklearn: bool = False
    ) -> None:
        self.numeric = [s["name"] for s in signature["inputs"] if s["kind"] not in STRING_KINDS]
        self.strings = [s["name"] for s in signature["inputs"] if s["kind"] in STRING_KINDS]
        self.pipeline, self.signature, self.missing_to_sklearn = pipeline, signature, missing_to_sklearn
        self.classes = np.asarray(pipeline.classes_) if is_classifier(pipeline) else None
        self.proba_label = type(final_estimator(pipeline)).__name__ in PROBA_ARGMAX
        self.outputs = _served_outputs(onnx_bytes, self.classes is not None and self.proba_label)
        graph = _served_graph(onnx_bytes, self.numeric, self.outputs)
        self.session = ort.InferenceSession(graph, session_options(), providers=["CPUExecutionProvider"])
        self.by_label = {_label_key(c): i for i, c in enumerate(self.classes)} if self.classes is not None else {}
        self._numbers = operator.itemgetter(*self.numeric) if len(self.numeric) > 1 else None

    def _feeds(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
        feeds = {name: np.array([[category_text(r[name])] for r in rows], dtype=object) for name in self.strings}
        if self._numbers is not None:
            feeds[MATRIX_INPUT] = np.array([self._numbers(r) for r in rows], dtype=np.float64)
        elif self.numeric:
            feeds[self.numeric[0]] = np.array([[r[self.numeric[0]]] for r in rows], dtype=np.float64)
        return feeds

    def predict(self, rows: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray | None]:
        """(labels or values, class probabilities or None), as :func:`sklearn_predict` answers."""
        feeds = self._feeds(rows)
        outputs = self.session.run(self.outputs, feeds)
        probabilities: np.ndarray | None = None
        if self.classes is None:
            values = np.asarray(outputs[0], dtype=np.float64).ravel()
            undecided = np.zeros(len(rows), dtype=bool)
        elif self.proba_label:
            probabilities = np.asarray(outputs[0], dtype=np.float64)
            values, undecided = self.classes[probabilities.argmax(axis=1)], _near_ties(probabilities)
        else:
            probabilities = np.asarray(outputs[1], dtype=np.float64)
            values = self.classes[[self.by_label[_label_key(v)] for v in np.asarray(outputs[0]).ravel()]]
            undecided = _near_ties(probabilities)
        if self.missing_to_sklearn and self.numeric:
            numbers = feeds.get(MATRIX_INPUT)
            numbers = numbers if numbers is not None else feeds[self.numeric[0]]
            undecided |= np.isnan(numbers).any(axis=1)
        if undecided.any():
            return self._with_sklearn(rows, values, probabilities, undecided)
        return values, probabilities

    def _with_sklearn(
        self, rows: Sequence[Mapping[str, Any]], values: np.ndarray, probabilities: np.ndarray | None, rows_mask: Any
    ) -> tuple[np.ndarray, np.ndarray | None]:
        index = np.flatnonzero(rows_mask)
        labels, proba = sklearn_predict(self.pipeline, frame([rows[int(i)] for i in index], self.signature))
        values = values.astype(object) if values.dtype != labels.dtype else values.copy()
        values[index] = labels
        if probabilities is not None and proba is not None:
            probabilities = probabilities.copy()
            probabilities[index] = proba
        return values, probabilities


def _served_outputs(onnx_bytes: bytes, probabilities_only: bool) -> list[str]:
    """The graph outputs serving reads: the probabilities alone where the label is their arg-max, else all."""
    outputs = [o.name for o in onnx.load_from_string(onnx_bytes).graph.output]
    return outputs[1:2] if probabilities_only else outputs


def _served_graph(onnx_bytes: bytes, numeric: list[str], outputs: list[str]) -> bytes:
    """The graph as one session serves it: numeric features from one matrix (:func:`_numeric_matrix_input`), only
    the nodes ``outputs`` need (:func:`_keep_only`). The same operators compute the same values; parity at
    registration runs on this graph."""
    model = onnx.load_from_string(onnx_bytes)
    if len(numeric) > 1:
        _numeric_matrix_input(model, numeric)
    _keep_only(model, outputs)
    data: bytes = model.SerializeToString()
    return data


def _numeric_matrix_input(model: Any, names: list[str]) -> None:
    """Feed the per-feature numeric inputs from one ``[None, len(names)]`` double matrix: building one array per
    request is much cheaper than one per feature.

    skl2onnx's ``ColumnTransformer`` concatenates the columns it takes; a ``Concat`` of the features is the matrix
    itself (all of them, in order) or a ``Gather`` of its columns (some of them), so the matrix is split into one
    column per feature only for nodes that read single features (one-hot encoders, for instance). Each split
    output and gather is one memory copy fewer per request and the values are identical."""
    graph = model.graph
    kept = [i for i in graph.input if i.name not in set(names)]
    matrix = helper.make_tensor_value_info(MATRIX_INPUT, TensorProto.DOUBLE, [None, len(names)])
    del graph.input[:]
    graph.input.extend([matrix, *kept])
    column = {name: i for i, name in enumerate(names)}
    graph_outputs = {o.name for o in graph.output}
    renames: dict[str, str] = {}
    for node in list(graph.node):
        axis = next((a.i for a in node.attribute if a.name == "axis"), None)
        if node.op_type != "Concat" or axis not in (1, -1) or not all(i in column for i in node.input):
            continue
        if node.output[0] in graph_outputs:
            continue
        position = list(graph.node).index(node)
        graph.node.remove(node)
        if list(node.input) == names:
            renames[node.output[0]] = MATRIX_INPUT
            continue
        indices = f"{node.output[0]}_columns"
        graph.initializer.append(
            numpy_helper.from_array(np.asarray([column[i] for i in node.input], dtype=np.int64), indices)
        )
        gather = helper.make_node("Gather", [MATRIX_INPUT, indices], list(node.output), axis=1, name=node.name)
        graph.node.insert(position, gather)
    for node in graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]
    if any(name in column for node in graph.node for name in node.input):
        graph.node.insert(0, helper.make_node("Split", [MATRIX_INPUT], names, axis=1, name="keel_split_features"))


def _keep_only(model: Any, outputs: list[str]) -> None:
    """Drop the graph outputs serving does not read and the nodes only they needed (a classifier's label branch
    where the label is the probabilities' arg-max)."""
    graph = model.graph
    needed, kept = set(outputs), []
    for node in reversed(list(graph.node)):
        if any(name in needed for name in node.output):
            kept.append(node)
            needed.update(name for name in node.input if name)
            needed.update(_subgraph_inputs(node))
    del graph.node[:]
    graph.node.extend(reversed(kept))
    unread = [o for o in graph.output if o.name not in outputs]
    for output in unread:
        graph.output.remove(output)
    for initializer in [i for i in graph.initializer if i.name not in needed]:
        graph.initializer.remove(initializer)


def _subgraph_inputs(node: Any) -> set[str]:
    """Names a node's subgraphs (``If``, ``Loop``, ``Scan``) read from the enclosing graph."""
    names: set[str] = set()
    for attribute in node.attribute:
        for subgraph in [attribute.g] if attribute.HasField("g") else list(attribute.graphs):
            for inner in subgraph.node:
                names.update(inner.input)
                for nested in inner.attribute:
                    if nested.HasField("g") or nested.graphs:
                        names.update(_subgraph_inputs(inner))
    return names


def _label_key(value: Any) -> Any:
    return value if isinstance(value, str) else float(value)


def _near_ties(probabilities: np.ndarray) -> np.ndarray:
    if probabilities.shape[1] == 2:
        return np.asarray(np.abs(probabilities[:, 1] - probabilities[:, 0]) <= 2 * TOLERANCE)
    top = np.sort(probabilities, axis=1)[:, -2:]
    return np.asarray(top[:, 1] - top[:, 0] <= 2 * TOLERANCE)


# --- parity and the choice ----------------------------------------------------------------------------------------


def parity(engine: OnnxEngine, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{rows, label_mismatches, max_proba_diff}`` (classifiers) or ``{rows, max_abs_diff, max_rel_diff}``
    between ``engine`` and scikit-learn on ``rows``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected, expected_proba = sklearn_predict(engine.pipeline, frame(rows, engine.signature))
    got, got_proba = engine.predict(rows)
    if engine.classes is None:
        want, have = expected.astype(np.float64), got.astype(np.float64)
        diff = np.abs(want - have)
        relative = diff / np.maximum(np.abs(want), 1.0)
        return {"rows": len(rows), "max_abs_diff": _finite(diff.max()), "max_rel_diff": _finite(relative.max())}
    mismatches = int(sum(a != b for a, b in zip(expected.tolist(), got.tolist(), strict=True)))
    assert expected_proba is not None and got_proba is not None
    return {
        "rows": len(rows),
        "label_mismatches": mismatches,
        "max_proba_diff": _finite(np.abs(expected_proba - got_proba).max()),
    }


def _finite(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def agrees(report: dict[str, Any]) -> bool:
    if "label_mismatches" in report:
        diff = report["max_proba_diff"]
        return report["label_mismatches"] == 0 and diff is not None and diff <= TOLERANCE
    relative = report["max_rel_diff"]
    return relative is not None and relative <= TOLERANCE


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    merged = {"rows": a["rows"] + b["rows"]}
    for key in ("label_mismatches",):
        if key in a:
            merged[key] = a[key] + b[key]
    for key in ("max_proba_diff", "max_abs_diff", "max_rel_diff"):
        if key in a:
            values = [a[key], b[key]]
            merged[key] = None if None in values else max(values)
    return merged


@dataclass
class EngineChoice:
    capabilities: dict[str, Any]  # engine, parity, missing_values (ONNX) or reason (scikit-learn)
    onnx: bytes | None  # the graph ONNX Runtime serves, when it does
    export_reason: str | None = None  # why the pipeline does not convert to ONNX at all


def choose_engine(
    pipeline: Any, signature: Mapping[str, Any], example: Sequence[Mapping[str, Any]] = (), *, count: int = PARITY_ROWS
) -> EngineChoice:
    """Convert ``pipeline`` and compare it with scikit-learn on ``count`` generated rows, rows at its trees'
    thresholds, the input example and rows with missing values."""
    started = time.perf_counter()
    try:
        onnx_bytes = convert_to_onnx(pipeline, signature)
    except Exception as exc:  # skl2onnx raises many types for what it cannot represent
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"[:300]
        return _sklearn(reason, export_reason=reason)
    nested = _nested_tree(pipeline)
    if nested in FLOAT32_TREES:
        return _sklearn(
            f"{nested} inside {type(final_estimator(pipeline)).__name__} compares float32 inputs with its thresholds, "
            "which the ONNX graph cannot reproduce there (only a final tree estimator gets a float32 cast)"
        )
    if nested:
        return _sklearn(
            f"{nested} inside {type(final_estimator(pipeline)).__name__} compares its inputs with double thresholds, "
            "which skl2onnx stores as float32 there (only a final estimator gets its doubles back)"
        )
    try:
        engine = OnnxEngine(onnx_bytes, pipeline, signature)
    except Exception as exc:  # onnxruntime's own exception types
        return _sklearn(f"onnxruntime cannot load the converted model: {type(exc).__name__}: {exc}"[:300])
    rows = [*generated_rows(pipeline, signature, example, count), *threshold_rows(pipeline, signature, example)]
    rows += [dict(r) for r in example]
    try:
        report = parity(engine, rows)
    except Exception as exc:
        return _sklearn(f"ONNX Runtime failed on generated rows: {type(exc).__name__}: {exc}"[:300])
    if not agrees(report):
        return _sklearn(f"ONNX Runtime disagrees with scikit-learn on generated rows: {_describe(report)}", report)
    missing_values = "onnxruntime" if _missing_agree(engine, example) else "sklearn"
    capabilities = {
        "engine": "onnxruntime",
        "parity": report | {"seconds": round(time.perf_counter() - started, 3)},
        "missing_values": missing_values,
    }
    return EngineChoice(capabilities, onnx_bytes)


def _nested_tree(pipeline: Any) -> str | None:
    """The name of a tree estimator (float32 or histogram) nested inside the final estimator (a stacking or voting
    ensemble)."""
    trees = FLOAT32_TREES | HIST_TREES
    estimator = final_estimator(pipeline)
    if not hasattr(estimator, "get_params"):
        return None
    for value in estimator.get_params(deep=True).values():
        nested = [value, *getattr(value, "estimators_", [])] if hasattr(value, "fit") else []
        for part in nested:
            if type(part).__name__ in trees:
                return type(part).__name__
    for part in getattr(estimator, "estimators_", []) if type(estimator).__name__ not in trees else []:
        if type(part).__name__ in trees:
            return type(part).__name__
    return None


def _missing_agree(engine: OnnxEngine, example: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ONNX Runtime answers rows with missing values as scikit-learn does (an estimator that refuses them
    keeps refusing them: such rows go to scikit-learn)."""
    rows = generated_rows(engine.pipeline, engine.signature, example, MISSING_ROWS, missing=0.3, seed=1)
    try:
        return agrees(parity(engine, rows))
    except Exception:
        return False


def _sklearn(reason: str, report: dict[str, Any] | None = None, *, export_reason: str | None = None) -> EngineChoice:
    capabilities = {"engine": "sklearn", "reason": reason, **({"parity": report} if report else {})}
    return EngineChoice(capabilities, None, export_reason)


def _describe(report: dict[str, Any]) -> str:
    if "label_mismatches" in report:
        return (
            f"{report['label_mismatches']} of {report['rows']} labels differ, largest probability difference "
            f"{report['max_proba_diff']} (allowed {TOLERANCE:g})"
        )
    return f"largest relative difference {report['max_rel_diff']} in {report['rows']} rows (allowed {TOLERANCE:g})"


# --- generated rows -----------------------------------------------------------------------------------------------


def _numeric_range(spec: Mapping[str, Any], seen: list[float]) -> tuple[float, float]:
    values = [float(v) for v in (spec.get("min"), spec.get("max"), *seen) if v is not None]
    low, high = (min(values), max(values)) if values else (-1.0, 1.0)
    span = high - low if high > low else max(1.0, abs(low))
    return low - 0.25 * span, high + 0.25 * span


def _numeric_values(
    pipeline: Any, signature: Mapping[str, Any], example: Sequence[Mapping[str, Any]]
) -> dict[str, list[float]]:
    """Values seen per numeric feature: the input example's and the trees' thresholds on raw inputs."""
    seen: dict[str, list[float]] = {s["name"]: [] for s in signature["inputs"] if s["kind"] in _NUMERIC}
    for row in example:
        for name in seen:
            value = row.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                seen[name].append(float(value))
    for feature, threshold in _raw_thresholds(pipeline, signature):
        seen[feature].append(threshold)
    return seen


def _raw_thresholds(pipeline: Any, signature: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(feature, threshold) of every split, when the trees read the signature's features directly (for histogram
    gradient boosting, the bin edges its splits compare raw values with)."""
    steps = getattr(pipeline, "steps", [(None, pipeline)])
    names = [s["name"] for s in signature["inputs"]]
    estimator = steps[-1][1]
    if len(steps) != 1 or type(estimator).__name__ not in FLOAT32_TREES | HIST_TREES:
        return []
    if any(s["kind"] not in _NUMERIC for s in signature["inputs"]):
        return []
    if type(estimator).__name__ in HIST_TREES:
        nodes = [p.nodes for iteration in estimator._predictors for p in iteration]
        return [
            (names[int(n["feature_idx"])], float(n["num_threshold"]))
            for tree in nodes
            for n in tree
            if not n["is_leaf"]
        ]
    trees = [estimator.tree_] if hasattr(estimator, "tree_") else [e.tree_ for e in np.ravel(estimator.estimators_)]
    found = []
    for tree in trees:
        split = tree.children_left != tree.children_right
        found += [(names[f], float(t)) for f, t in zip(tree.feature[split], tree.threshold[split], strict=True)]
    return found


def generated_rows(
    pipeline: Any,
    signature: Mapping[str, Any],
    example: Sequence[Mapping[str, Any]] = (),
    count: int = PARITY_ROWS,
    *,
    missing: float = 0.0,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Rows drawn uniformly over each numeric feature's range (signature, input example and tree thresholds,
    widened by a quarter each way) and over each categorical feature's known values; ``missing`` is the share of
    values left out."""
    rng = np.random.default_rng(seed)
    seen = _numeric_values(pipeline, signature, example)
    columns: dict[str, list[Any]] = {}
    for spec in signature["inputs"]:
        name = spec["name"]
        if spec["kind"] in _NUMERIC:
            low, high = _numeric_range(spec, seen[name])
            values = rng.uniform(low, high, count)
            column: list[Any] = (np.round(values) if spec["kind"] == "integer" else values).tolist()
        else:
            choices = list(spec.get("categories") or {row.get(name) for row in example} - {None}) or ["a"]
            column = [choices[i] for i in rng.integers(0, len(choices), count)]
        if missing:
            column = [None if gone else v for v, gone in zip(column, rng.random(count) < missing, strict=True)]
        columns[name] = column
    return [{name: columns[name][i] for name in columns} for i in range(count)]


def threshold_rows(
    pipeline: Any, signature: Mapping[str, Any], example: Sequence[Mapping[str, Any]] = (), limit: int = THRESHOLD_ROWS
) -> list[dict[str, Any]]:
    """Generated rows with one feature set exactly at a split threshold, or one double either side of it."""
    thresholds = _raw_thresholds(pipeline, signature)
    if not thresholds:
        return []
    picked = [thresholds[i] for i in np.random.default_rng(2).permutation(len(thresholds))[: limit // 3]]
    base = generated_rows(pipeline, signature, example, len(picked), seed=3)
    rows = []
    for row, (feature, threshold) in zip(base, picked, strict=True):
        for value in (threshold, np.nextafter(threshold, -np.inf), np.nextafter(threshold, np.inf)):
            rows.append(row | {feature: float(value)})
    return rows
