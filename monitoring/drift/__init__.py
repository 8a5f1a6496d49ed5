"""Drift statistics: a reference dataset profile against current data. Pure: no Django imports.

The reference side is one column of a stored dataset profile (``registry``'s profiler): counts, numeric summary,
histogram and a seeded sample of up to 5000 values (all of them when the column has no more), or the 100 most
frequent values with an ``other_count``. The current side is raw values (missing = None/NaN/+-inf, dropped before
testing and reported as ``missing_rate``) or, for scale, counts pre-binned against the reference (``buckets``).

Methods (``methods``), each returning a ``MethodResult``; they follow Evidently's stattests of the same names:

========== ======================================================================= ==========================
method     computation                                                             drift when (default)
========== ======================================================================= ==========================
ks         scipy.stats.ks_2samp(reference sample, current), two-sided              p <= threshold (0.05)
chisquare  scipy.stats.chisquare(current counts, reference shares x current n);    p < threshold (0.05)
           a value with current but no reference rows gives p = 0
z          two-proportion Z-test on the share of values other than the smallest    p < threshold (0.05)
           (sorted) value; one shared value on both sides gives p = 1
wasserstein scipy.stats.wasserstein_distance / max(reference std, 0.001)           distance >= threshold (0.1)
jensenshannon scipy.spatial.distance.jensenshannon of the shares (natural log,      distance >= threshold (0.1)
           Evidently's base=None), empty buckets left empty
psi        sum((r - c) * ln(r / c)) over shares, empty buckets set to 1e-4 (or     psi >= threshold (0.1)
           smallest share / 1e6 when that is <= 1e-4), as Evidently
hellinger  sqrt(1 - sum(sqrt(r * c))) over shares                                  distance >= threshold (0.1)
========== ======================================================================= ==========================

Buckets for the count methods, as Evidently builds them: categorical columns per value; numeric columns per value
for chisquare and z, and for jensenshannon and psi when the reference has <= 20 distinct values, otherwise in
equal-width Sturges bins over the joint range of reference and current (numpy's "sturges" rule sized by the row
count of both, or for hellinger by their number of distinct values).

Where results can differ from Evidently run on the full reference frame:

- References above 5000 rows are represented by their 5000-value sample (ks, wasserstein and the numeric buckets):
  the sample is uniform, so the shares are unbiased, the KS and Z p-values are conservative (n = 5000), and the
  normed Wasserstein distance carries a sampling noise of about 0.01-0.02 (the binned path, which uses the full
  histogram, does not).
- The Wasserstein norm is np.std of the reference (ddof=0) when the sample holds every value, else the profile's
  std (ddof=1; the two differ by < 0.05 % above 1000 rows, where Wasserstein is the default).
- Categorical values beyond the profile's top 100 are one "other" bucket on both sides; every value is its own
  bucket when the reference has no ``other_count``, exactly as Evidently.
- Text columns are tested as categorical (Evidently uses a text-specific domain classifier); datetime columns
  are not tested (``reason`` says so) since their profile holds only min and max.

Default selection (``select_method``, DESIGN section 9): reference <= 1000 rows: numeric with > 5 distinct values
(reference + current) -> ks; numeric with 3-5 values or categorical with > 2 -> chisquare; <= 2 values -> z.
Reference > 1000 rows: numeric with > 5 values -> wasserstein (0.1); anything else -> jensenshannon (0.1).

Pre-binned current data (``column_drift_binned``): numeric columns are compared on the reference histogram bins
plus a below-range and an above-range bucket, categorical ones on the listed reference values plus "other".
chisquare, z, jensenshannon, psi and hellinger run on those buckets; wasserstein is approximated with every value
at its bin midpoint (below/above-range values at their mean when given, else at the outer edge); KS is not exact
on binned data, so it falls back to that Wasserstein with its default threshold (``note`` says so). Binned and
raw results differ only by the binning: the profile's 20 bins instead of Evidently's Sturges bins.

Beyond Evidently: ``severity`` (``possible`` when p < 2 x threshold or distance >= threshold / 2 without
drifting), a minimum of 30 non-null rows per side (``insufficient_data``), out-of-range and missing rates, the
dataset verdict with Bonferroni or Benjamini-Hochberg correction and importance weighting (``dataset_drift``),
and options per column (``DriftOptions``, ``compute_report``).
"""

from monitoring.drift.buckets import bin_current, merge_current_bins
from monitoring.drift.column import column_drift, column_drift_binned, prediction_drift, severity
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

__all__ = [
    "DEFAULT_THRESHOLDS",
    "METHODS",
    "ColumnDrift",
    "ColumnOptions",
    "DatasetDrift",
    "DriftOptions",
    "MethodResult",
    "adjust_p_values",
    "bin_current",
    "chisquare_test",
    "column_drift",
    "column_drift_binned",
    "compute_report",
    "dataset_drift",
    "hellinger_test",
    "jensenshannon_test",
    "json_safe",
    "ks_test",
    "merge_current_bins",
    "prediction_drift",
    "profile_column_from_values",
    "psi_test",
    "select_method",
    "severity",
    "wasserstein_test",
    "z_test",
]
