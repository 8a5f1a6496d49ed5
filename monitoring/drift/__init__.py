"""Drift statistics: a reference dataset profile against current data. Pure: no Django imports.

The reference side is one column of a stored dataset profile (``registry``'s profiler): counts, numeric summary and
a KLL quantile sketch of every value (Apache DataSketches, ``registry.sketches``, k = 2000: exact up to 2000 values,
else within a normalised rank error of 0.0019) with exact counts of up to 100 distinct values; or up to 1000
category frequencies with an ``other_count``. The current side is raw values (missing = None/NaN/+-inf, dropped
before testing and reported as ``missing_rate``) or, for scheduled reports, a merged current sketch
(``sketched``: the per-minute rollups keep a KLL sketch per numeric feature, k = 400, and exact category counts;
a window merges them into a sketch of k = 4000). A numeric side whose distinct values are counted exactly is
evaluated on those counts (every value, weight = count) rather than on its sketch.

Methods (``methods``), each returning a ``MethodResult``; they follow Evidently's stattests of the same names:

========== ======================================================================= ==========================
method     computation                                                             drift when (default)
========== ======================================================================= ==========================
ks         two-sample KS between the two CDFs: scipy.stats.ks_2samp on the values  p <= threshold (0.05)
           the sketches stand for up to 10,000 a side, else sup|F1 - F2| and
           Smirnov's asymptotic p (scipy's own rule), two-sided
chisquare  scipy.stats.chisquare(current counts, reference shares x current n);    p < threshold (0.05)
           a value with current but no reference rows gives p = 0
z          two-proportion Z-test on the share of values other than the smallest    p < threshold (0.05)
           (sorted) value; one shared value on both sides gives p = 1
wasserstein scipy.stats.wasserstein_distance of the two weighted sketches (the     distance >= threshold (0.1)
           integral of the quantile difference) / max(reference std, 0.001)
jensenshannon scipy.spatial.distance.jensenshannon of the shares (natural log,      distance >= threshold (0.1)
           Evidently's base=None), empty buckets left empty
psi        sum((r - c) * ln(r / c)) over shares, empty buckets set to 1e-4 (or     psi >= threshold (0.1)
           smallest share / 1e6 when that is <= 1e-4), as Evidently
hellinger  sqrt(1 - sum(sqrt(r * c))) over shares                                  distance >= threshold (0.1)
========== ======================================================================= ==========================

No method stands in for another: a method asked for or selected is the one computed, on raw values and on sketches
alike. Buckets for the count methods, as Evidently builds them: categorical columns per value; numeric columns per
value for chisquare and z, and for jensenshannon and psi when the reference has <= 20 distinct values (exact counts
on both sides while they have <= 100 distinct values, else read off the sketches and ``note`` says so), otherwise in
equal-width Sturges bins over the joint range of reference and current (numpy's "sturges" rule sized by the row
count of both, or for hellinger by their number of distinct values), counted from the sketches.

Error bound (``rank_error`` in every numeric result): a KLL sketch that has seen more than k values answers each
CDF value within its normalised rank error (99 % confidence; 0 while it holds every value), so the KS statistic
read off a reference and a current sketch is within the sum of their errors of the one on all values, and the
quantile functions Wasserstein integrates are off by at most that much in rank. With k = 2000 for references and
k = 400 for the rollups that is at most 0.0019 + 0.0086; the agreement suite (``tests/monitoring``, marker
``integration``; figures in BENCHMARKS.md) measures what that does to verdicts against Evidently.

Where results can still differ from Evidently run on the full frames:

- Above k values a sketch stands in for the values (error bound above). KS is the default only for references of
  <= 1000 rows, whose sketch is exact; large references default to Wasserstein.
- The Wasserstein norm is np.std of the reference (ddof=0), from the profile's std over every row.
- Categorical values beyond the profile's top 1000 are one "other" bucket on both sides; every value is its own
  bucket when the reference has no ``other_count``, exactly as Evidently.
- Text columns are tested as categorical (Evidently uses a text-specific domain classifier); datetime columns
  are not tested (``reason`` says so) since their profile holds only min and max.
- Profiles stored before sketches carry a 5000-value sample instead; it stands for the reference (weighted to the
  row count, ``note`` says so and ``rank_error`` gives its DKW bound) until the dataset is profiled again.

Default selection (``select_method``, DESIGN section 9): reference <= 1000 rows: numeric with > 5 distinct values
(reference + current) -> ks; numeric with 3-5 values or categorical with > 2 -> chisquare; <= 2 values -> z.
Reference > 1000 rows: numeric with > 5 values -> wasserstein (0.1); anything else -> jensenshannon (0.1).

Beyond Evidently: ``severity`` (``possible`` when p < 2 x threshold or distance >= threshold / 2 without
drifting), a minimum of 30 non-null rows per side (``insufficient_data``), out-of-range and missing rates, the
dataset verdict with Bonferroni or Benjamini-Hochberg correction and importance weighting (``dataset_drift``),
and options per column (``DriftOptions``, ``compute_report``).
"""

from monitoring.drift.column import column_drift, column_drift_sketched, prediction_drift, severity
from monitoring.drift.dataset import adjust_p_values, dataset_drift
from monitoring.drift.methods import (
    DEFAULT_THRESHOLDS,
    METHODS,
    chisquare_test,
    hellinger_test,
    jensenshannon_test,
    ks_test,
    psi_test,
    wasserstein_test,
    z_test,
)
from monitoring.drift.profile import profile_column_from_values
from monitoring.drift.report import ColumnOptions, DriftOptions, compute_report
from monitoring.drift.results import ColumnDrift, DatasetDrift, MethodResult, json_safe
from monitoring.drift.selection import select_method
from monitoring.drift.sketched import (
    compute_report_scheduled,
    merge_current,
    merge_packed,
    pack,
    sketch_current,
    unpack,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "METHODS",
    "ColumnDrift",
    "ColumnOptions",
    "DatasetDrift",
    "DriftOptions",
    "MethodResult",
    "adjust_p_values",
    "chisquare_test",
    "column_drift",
    "column_drift_sketched",
    "compute_report",
    "compute_report_scheduled",
    "dataset_drift",
    "hellinger_test",
    "jensenshannon_test",
    "json_safe",
    "ks_test",
    "merge_current",
    "merge_packed",
    "pack",
    "prediction_drift",
    "profile_column_from_values",
    "psi_test",
    "select_method",
    "severity",
    "sketch_current",
    "unpack",
    "wasserstein_test",
    "z_test",
]
