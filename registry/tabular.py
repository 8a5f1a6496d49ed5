"""Reading tabular files, inferring schemas, profiling columns and diffing versions. Pure: no Django imports.

The profile is the drift reference used by monitoring, so it stores what drift tests need (a KLL sketch of every
numeric value with exact counts of up to 100 distinct values, histogram edges and counts, up to 1000 category
frequencies, quantiles), not only display figures; a seeded sample of values is kept for ``include_sample``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from registry import sketches

HISTOGRAM_BINS = 20
SAMPLE_SIZE = 5000
TOP_FREQUENCIES = 1000
SUMMARY_FREQUENCIES = 100
QUANTILES = {"p01": 0.01, "p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95, "p99": 0.99}
_TARGET_NAMES = {"target", "label", "labels", "y", "class", "outcome"}
_ID_PATTERN = re.compile(r"(^id$|_id$|^uuid$)", re.IGNORECASE)


class TabularError(Exception):
    """The file cannot be read as a table; ``code`` says why (empty, encoding, ragged, duplicate_columns...)."""

    def __init__(self, message: str, code: str = "invalid_file") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def detect_format(filename: str, head: bytes) -> str | None:
    lowered = filename.lower()
    if head.startswith(b"PAR1") or lowered.endswith((".parquet", ".pq")):
        return "parquet"
    if lowered.endswith((".csv", ".txt")) or (lowered and "." not in lowered.rsplit("/", 1)[-1]):
        return "csv"
    return None


def _csv_header(path: str) -> list[str]:
    with open(path, "rb") as handle:
        first = handle.readline(1024 * 1024)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TabularError("The file is not valid UTF-8 text.", "encoding") from None
    if not text.strip():
        raise TabularError("The file is empty or has no header row.", "empty")
    return next(csv.reader(io.StringIO(text)))


def _check_columns(names: list[str]) -> None:
    if any(not str(name).strip() for name in names):
        raise TabularError("Every column needs a non-empty name in the header row.", "empty_column_name")
    seen: set[str] = set()
    dupes = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if dupes:
        raise TabularError(f"Duplicate column names: {', '.join(dupes)}.", "duplicate_columns")


def too_many_columns(count: int, limit: int) -> TabularError:
    return TabularError(
        f"The file has {count} columns; the limit is {limit} (KEEL_MAX_COLUMNS). Split it, or drop unused columns.",
        "too_many_columns",
    )


def read_csv(path: str, max_columns: int | None = None) -> pd.DataFrame:
    """Parse with pandas' C parser (the fastest here); ragged rows are refused, ISO dates become datetimes.
    ``max_columns`` is checked on the header row, before anything else is parsed."""
    header = _csv_header(path)
    if max_columns is not None and len(header) > max_columns:
        raise too_many_columns(len(header), max_columns)
    _check_columns(header)
    try:
        frame = _read_csv_chunked(path)
    except pd.errors.EmptyDataError:
        raise TabularError("The file is empty.", "empty") from None
    except UnicodeDecodeError:
        raise TabularError("The file is not valid UTF-8 text.", "encoding") from None
    except pd.errors.ParserError as exc:
        raise _translate_pandas_error(str(exc)) from None
    if len(frame.columns) and frame.iloc[:, -1].isna().any():
        _check_short_rows(path)  # the C parser pads short rows with missing values; pyarrow refuses them
    return _parse_dates(frame)


CSV_CHUNK_ROWS = 100_000


def _read_csv_chunked(path: str) -> pd.DataFrame:
    """Read in chunks and join column by column, freeing each column's chunks as it goes: the peak stays near
    the frame's own size instead of the ~3x that a single read_csv call reaches while consolidating."""
    reader = pd.read_csv(
        path, encoding="utf-8", on_bad_lines="error", encoding_errors="strict", chunksize=CSV_CHUNK_ROWS
    )
    with reader:
        chunks = list(reader)
    if len(chunks) == 1:
        return chunks[0]
    names = list(chunks[0].columns)
    columns = {name: pd.concat([chunk.pop(name) for chunk in chunks], ignore_index=True) for name in names}
    return pd.DataFrame(columns, copy=False)


def _translate_pandas_error(message: str) -> TabularError:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if match:
        expected, line, seen = match.groups()
        return TabularError(f"Ragged rows: expected {expected} fields at line {line}, found {seen}.", "ragged_rows")
    return TabularError(f"Could not parse the file: {message.strip().splitlines()[-1]}", "parse_error")


def _check_short_rows(path: str) -> None:
    try:
        pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    except pa.ArrowInvalid as exc:
        error = _translate_arrow_error(str(exc))
        if error.code == "ragged_rows":
            raise error from None


def _parse_dates(frame: pd.DataFrame) -> pd.DataFrame:
    for name in frame.columns:
        series = frame[name]
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        probe = series.dropna().iloc[:50]
        if probe.empty or not probe.astype(str).str.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?").all():
            continue
        try:
            frame[name] = pd.to_datetime(series, format="ISO8601", utc=True)
        except (ValueError, TypeError):
            continue
    return frame


def _translate_arrow_error(message: str) -> TabularError:
    if "Empty CSV file" in message:
        return TabularError("The file is empty.", "empty")
    if "UTF8" in message:
        return TabularError("The file is not valid UTF-8 text.", "encoding")
    match = re.search(r"Expected (\d+) columns, got (\d+)", message)
    if match:
        row = re.search(r"Row #(\d+)", message)
        where = f" at row {row.group(1)}" if row else ""
        return TabularError(
            f"Ragged rows: expected {match.group(1)} fields{where}, found {match.group(2)}.", "ragged_rows"
        )
    return TabularError(f"Could not parse the file: {message.splitlines()[0]}", "parse_error")


def read_parquet(path: str, max_columns: int | None = None) -> pa.Table:
    try:
        if max_columns is not None and len(names := pq.read_schema(path).names) > max_columns:  # metadata only
            raise too_many_columns(len(names), max_columns)
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise TabularError(f"Not a readable Parquet file: {str(exc).splitlines()[0]}", "parse_error") from None
    _check_columns(list(table.column_names))
    return table


def read_table(path: str, fmt: str, max_columns: int | None = None) -> pd.DataFrame:
    if fmt == "parquet":
        frame = read_parquet(path, max_columns).to_pandas(types_mapper=_types_mapper)
    else:
        frame = read_csv(path, max_columns)
    if len(frame.columns) == 0:
        raise TabularError("The file has no columns.", "empty")
    if len(frame) == 0:
        raise TabularError("The file has a header but no rows.", "empty")
    return frame


def _types_mapper(arrow_type: pa.DataType) -> Any:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


# --- schema -------------------------------------------------------------------------------------------------------


def dtype_kind(dtype: Any) -> str | None:
    """The column kind a pandas dtype settles alone (boolean, integer or datetime); None for the others, whose kind
    depends on the values or the caller."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return None


def _kind(series: pd.Series) -> str:
    if kind := dtype_kind(series.dtype):
        return kind
    if pd.api.types.is_float_dtype(series.dtype):
        non_null = series.dropna()
        if len(non_null) and bool(np.all(np.mod(non_null.to_numpy(), 1) == 0)) and series.isna().any():
            return "integer"  # integers with gaps are read as floats
        return "numeric"
    non_null = series.dropna()
    distinct = non_null.nunique()
    if len(non_null) and distinct <= max(50, int(0.05 * len(non_null))):
        return "categorical"
    return "text"


def _all_unique(series: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.dropna().to_numpy(dtype="float64")
        ordered = np.sort(values)
        return bool(values.size == len(series) and not np.any(ordered[1:] == ordered[:-1]))
    return bool(series.is_unique)


def _default_role(name: str, kind: str, unique: bool) -> str:
    if name.strip().lower() in _TARGET_NAMES:
        return "target"
    if _ID_PATTERN.search(name) and unique:
        return "identifier"
    if kind == "datetime":
        return "timestamp"
    return "feature"


def infer_schema(frame: pd.DataFrame, previous_roles: dict[str, str] | None = None) -> list[dict[str, Any]]:
    previous_roles = previous_roles or {}
    schema = []
    for name in frame.columns:
        series = frame[name]
        kind = _kind(series)
        unique = _all_unique(series) if kind in ("integer", "text", "categorical") else False
        schema.append(
            {
                "name": str(name),
                "kind": kind,
                "dtype": str(series.dtype),
                "nullable": bool(series.isna().any()),
                "role": previous_roles.get(str(name)) or _default_role(str(name), kind, unique),
            }
        )
    return schema


@dataclass(frozen=True)
class SchemaChange:
    column: str
    change: str  # added | removed | kind_changed | nullable_changed
    before: Any = None
    after: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.column, "change": self.change, "before": self.before, "after": self.after}


def schema_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    old = {c["name"]: c for c in before}
    new = {c["name"]: c for c in after}
    changes: list[SchemaChange] = []
    changes += [SchemaChange(name, "removed", before=old[name]["kind"]) for name in old if name not in new]
    changes += [SchemaChange(name, "added", after=new[name]["kind"]) for name in new if name not in old]
    for name in (n for n in new if n in old):
        if old[name]["kind"] != new[name]["kind"]:
            changes.append(SchemaChange(name, "kind_changed", old[name]["kind"], new[name]["kind"]))
        if old[name]["nullable"] != new[name]["nullable"]:
            changes.append(SchemaChange(name, "nullable_changed", old[name]["nullable"], new[name]["nullable"]))
    return [c.as_dict() for c in changes]


# --- profile ------------------------------------------------------------------------------------------------------


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _sorted_quantiles(ordered: np.ndarray) -> list[float]:
    """Linear-interpolation quantiles (numpy's default method) read off an already sorted array."""
    positions = np.array(list(QUANTILES.values())) * (ordered.size - 1)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, ordered.size - 1)
    fraction = positions - low
    return [float(v) for v in ordered[low] + fraction * (ordered[high] - ordered[low])]


def _sorted_histogram(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.histogram's equal-width bins (last bin closed) computed by binary search on sorted values."""
    low, high = float(ordered[0]), float(ordered[-1])
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    index = np.searchsorted(ordered, edges, side="left")
    counts = np.diff(index)
    counts[-1] += ordered.size - index[-1]
    return counts, edges


def empty_numeric_stats() -> dict[str, Any]:
    """The summary figures of a numeric column with no finite value (the profiler's and monitoring's)."""
    return {"min": None, "max": None, "mean": None, "std": None, "quantiles": {}, "histogram": None}


def _numeric_profile(values: np.ndarray, seed: int) -> dict[str, Any]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {**empty_numeric_stats(), "sample": [], "distinct": 0, **sketches.profile_sketch(values)}
    ordered = np.sort(values)  # one vectorised sort serves min/max, distinct, quantiles and the histogram
    counts, edges = _sorted_histogram(ordered)
    if values.size <= SAMPLE_SIZE:
        sample = values
    else:
        sample = np.random.default_rng(seed).choice(values, size=SAMPLE_SIZE, replace=False)
    return {
        "distinct": int(1 + np.count_nonzero(ordered[1:] != ordered[:-1])),
        "min": float(ordered[0]),
        "max": float(ordered[-1]),
        "mean": _finite(values.mean()),
        "std": _finite(values.std(ddof=1)) if values.size > 1 else 0.0,
        "quantiles": dict(zip(QUANTILES, _sorted_quantiles(ordered), strict=True)),
        "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
        "sample": [float(v) for v in sample],
        **sketches.profile_sketch(values),
    }


def _categorical_profile(series: pd.Series) -> dict[str, Any]:
    counts = series.dropna().astype(str).value_counts(sort=True)
    top = counts.iloc[:TOP_FREQUENCIES]
    return {
        "frequencies": [{"value": str(v), "count": int(c)} for v, c in top.items()],
        "other_count": int(counts.iloc[TOP_FREQUENCIES:].sum()),
    }


def profile_column(series: pd.Series, kind: str, *, seed: int = 0) -> dict[str, Any]:
    nulls = int(series.isna().sum())
    column: dict[str, Any] = {"name": str(series.name), "kind": kind, "count": int(len(series) - nulls), "nulls": nulls}
    if kind in ("numeric", "integer"):
        column.update(_numeric_profile(series.to_numpy(dtype="float64", na_value=np.nan), seed))
        if kind == "integer" and column["distinct"] <= TOP_FREQUENCIES:
            column.update(_categorical_profile(series.dropna().astype("int64")))  # class counts for int labels
        return column
    column["distinct"] = int(series.nunique(dropna=True))
    if kind == "datetime":
        non_null = series.dropna()
        column["min"] = non_null.min().isoformat() if len(non_null) else None
        column["max"] = non_null.max().isoformat() if len(non_null) else None
    else:
        column.update(_categorical_profile(series))
    return column


def profile_frame(frame: pd.DataFrame, schema: list[dict[str, Any]], *, seed: int = 0) -> dict[str, Any]:
    columns = [profile_column(frame[c["name"]], c["kind"], seed=seed) for c in schema]
    return {"row_count": len(frame), "columns": columns, "sample_size": SAMPLE_SIZE, "seed": seed}


def profile_summary(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile without reference samples and sketches, 100 frequencies a column: what list and detail views show."""
    columns = [_column_summary(column) for column in profile["columns"]]
    return {**profile, "columns": columns}


def _column_summary(column: dict[str, Any]) -> dict[str, Any]:
    summary = {k: v for k, v in column.items() if k not in ("sample", "sketch", "value_counts")}
    if len(column.get("frequencies") or []) > SUMMARY_FREQUENCIES:
        shown = column["frequencies"][:SUMMARY_FREQUENCIES]
        summary["frequencies"] = shown
        summary["other_count"] = int(column.get("other_count") or 0) + sum(
            f["count"] for f in column["frequencies"][SUMMARY_FREQUENCIES:]
        )
    return summary


_DIFF_STATS = ("count", "nulls", "distinct", "min", "max", "mean", "std")


def profile_diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    old = {c["name"]: c for c in before.get("columns", [])}
    out = []
    for column in after.get("columns", []):
        previous = old.get(column["name"])
        if previous is None:
            continue
        changes = {}
        for stat in _DIFF_STATS:
            a, b = previous.get(stat), column.get(stat)
            if a == b or not all(isinstance(x, int | float) for x in (a, b)):
                continue
            relative = (b - a) / abs(a) if a else None
            changes[stat] = {"before": a, "after": b, "change": b - a, "relative_change": relative}
        out.append({"column": column["name"], "changes": changes})
    return out


def preview_rows(frame: pd.DataFrame, offset: int, limit: int) -> list[dict[str, Any]]:
    window = frame.iloc[offset : offset + limit]
    return [{k: json_safe(v) for k, v in row.items()} for row in window.to_dict(orient="records")]


def json_scalar(value: Any) -> Any:
    """A NumPy scalar as its Python value; NaN and infinities as None; anything else unchanged."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def json_safe(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, int | str) else str(value)


def head_bytes(fileobj: IO[bytes], n: int = 8) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(n)
    fileobj.seek(0)
    return head
