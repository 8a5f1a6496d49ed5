"""A/B test statistics from per-variant aggregates, pure (no Django): rates and means, with verdicts.

Notation: control 1, challenger 2; every difference is challenger minus control; z_a = Phi^-1(1 - a/2) and
z_b = Phi^-1(power), where ``a`` is the (corrected) alpha.

Rates (``VariantRate``: binary outcomes such as "the prediction was correct"), two-proportion z-test:
    p_i = x_i / n_i,   p = (x_1 + x_2) / (n_1 + n_2)
    z = (p_2 - p_1) / sqrt(p (1 - p) (1/n_1 + 1/n_2))                 pooled SE for the test
    p-value = 2 (1 - Phi(|z|))                                          (z^2 is the uncorrected chi-square of 2x2)
    CI = (p_2 - p_1) +- z_a sqrt(p_1 (1 - p_1)/n_1 + p_2 (1 - p_2)/n_2)  unpooled SE for the interval
    Wilson interval of one rate: (p + z^2/2n +- z sqrt(p (1 - p)/n + z^2/4n^2)) / (1 + z^2/n)
    n per variant = (z_a sqrt(2 q (1 - q)) + z_b sqrt(p_1 (1 - p_1) + p_2 (1 - p_2)))^2 / (p_2 - p_1)^2,
                    q = (p_1 + p_2) / 2                               (normal approximation, no continuity correction)

Means (``VariantMean``: continuous outcomes such as absolute error; ``variance`` is the sample variance, ddof=1),
Welch's t-test:
    se = sqrt(s_1^2/n_1 + s_2^2/n_2),   t = (m_2 - m_1) / se
    df = se^4 / ((s_1^2/n_1)^2 / (n_1 - 1) + (s_2^2/n_2)^2 / (n_2 - 1))          Welch-Satterthwaite
    p-value = 2 (1 - T_df(|t|)),   CI = (m_2 - m_1) +- t_{1 - a/2, df} se
    n per variant = 2 (z_a + z_b)^2 s_p^2 / d^2,   s_p^2 = ((n_1 - 1) s_1^2 + (n_2 - 1) s_2^2) / (n_1 + n_2 - 2)

The effect ``d`` to size for is ``mde`` when given (absolute; for rates p_2 = p_1 + mde in the better direction,
or the other way when that leaves [0, 1]), else the observed difference. Sizing for the observed difference is
post-hoc power: a non-significant result then nearly always needs more samples, so pass ``mde`` to be able to
conclude ``no_difference``. ``additional_needed = max(0, required - min(n_1, n_2))``.

Relative lift = difference / control value (None when the control value is 0). With k challengers, every test,
difference interval and sample size uses alpha / k (Bonferroni); per-variant intervals use the nominal alpha.

Verdict per comparison: ``keep_running`` while either variant has fewer than ``min_samples``; else
``winner:<name>`` when p < alpha / k (the better side by ``higher_is_better``, which may be the control);
else ``no_difference`` when the sample size for the effect is reached, or ``keep_running`` when it is not.
Overall: the best challenger that beats the control; else ``keep_running`` if any comparison still runs; else
``winner:<control>`` if the control beats every challenger; else ``no_difference``.

Every output is JSON-safe: plain floats and ints, None instead of NaN or infinity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

KEEP_RUNNING = "keep_running"
NO_DIFFERENCE = "no_difference"
WINNER_PREFIX = "winner:"


@dataclass(frozen=True)
class VariantRate:
    """A binary outcome for one variant: ``successes`` out of ``trials``."""

    name: str
    successes: int
    trials: int

    def __post_init__(self) -> None:
        if not 0 <= self.successes <= self.trials:
            raise ValueError(f"{self.name}: need 0 <= successes <= trials, got {self.successes} of {self.trials}")

    @property
    def n(self) -> int:
        return self.trials

    @property
    def value(self) -> float | None:
        """The rate, or None without trials."""
        return self.successes / self.trials if self.trials else None


@dataclass(frozen=True)
class VariantMean:
    """A continuous outcome for one variant: count, mean and sample variance (ddof=1)."""

    name: str
    n: int
    mean: float
    variance: float

    def __post_init__(self) -> None:
        if self.n < 0 or not math.isfinite(self.mean) or not (math.isfinite(self.variance) and self.variance >= 0):
            raise ValueError(f"{self.name}: need n >= 0, a finite mean and a finite variance >= 0")

    @classmethod
    def from_values(cls, name: str, values: ArrayLike) -> VariantMean:
        """Aggregate raw outcomes (the variance is 0 with fewer than two values)."""
        array = np.asarray(values, dtype=np.float64).ravel()
        variance = float(array.var(ddof=1)) if array.size > 1 else 0.0
        return cls(name, int(array.size), float(array.mean()) if array.size else 0.0, variance)

    @property
    def value(self) -> float | None:
        """The mean, or None without observations."""
        return self.mean if self.n else None


Variant = VariantRate | VariantMean


@dataclass(frozen=True)
class ComparisonStats:
    """One test of challenger vs control: statistic (None when undefined), p-value, df (t only), difference + CI."""

    statistic: float | None
    p_value: float
    df: float | None
    difference: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class SampleSize:
    """Per-variant sample size for the effect; ``required``/``additional_needed`` are None when it is unbounded."""

    required_per_variant: int | None
    current: int
    additional_needed: int | None
    effect: float | None
    effect_basis: str


@dataclass(frozen=True)
class _Options:
    alpha: float
    adjusted_alpha: float
    power: float
    mde: float | None
    higher_is_better: bool
    min_samples: int


def _num(value: float | None) -> float | None:
    """A plain float, or None for None, NaN and infinity."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _z(alpha: float) -> float:
    """z_a: the two-sided normal quantile for alpha."""
    return float(stats.norm.ppf(1 - alpha / 2))


def _z_power(power: float) -> float:
    """z_b: the normal quantile for the power."""
    return float(stats.norm.ppf(power))


def wilson_interval(successes: int, trials: int, alpha: float = 0.05) -> tuple[float, float] | None:
    """The Wilson score interval for a rate at confidence 1 - alpha (None without trials)."""
    if trials == 0:
        return None
    z, p = _z(alpha), successes / trials
    denominator = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_test(control: VariantRate, challenger: VariantRate, alpha: float = 0.05) -> ComparisonStats | None:
    """Two-proportion z-test (pooled SE) and the difference's CI (unpooled SE); None when a side has no trials."""
    if control.trials == 0 or challenger.trials == 0:
        return None
    n1, n2 = control.trials, challenger.trials
    p1, p2 = control.successes / n1, challenger.successes / n2
    pooled = (control.successes + challenger.successes) / (n1 + n2)
    se_test = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p2 - p1) / se_test if se_test > 0 else 0.0  # se_test == 0 only when p1 == p2 (all 0 or all 1)
    half = _z(alpha) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = p2 - p1
    return ComparisonStats(z, float(2 * stats.norm.sf(abs(z))), None, diff, diff - half, diff + half)


def welch_test(control: VariantMean, challenger: VariantMean, alpha: float = 0.05) -> ComparisonStats | None:
    """Welch's t-test with Welch-Satterthwaite df and the difference's t interval; None below two values a side."""
    if control.n < 2 or challenger.n < 2:
        return None
    a, b = control.variance / control.n, challenger.variance / challenger.n
    diff = challenger.mean - control.mean
    if a + b == 0:
        return ComparisonStats(None, 1.0 if diff == 0 else 0.0, None, diff, diff, diff)
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (control.n - 1) + b**2 / (challenger.n - 1))
    t = diff / se
    half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    return ComparisonStats(t, float(2 * stats.t.sf(abs(t), df)), df, diff, diff - half, diff + half)


def _ceil(value: float) -> int:
    return max(1, math.ceil(value - 1e-9))


def rate_sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Per-variant n for a two-sided test at alpha to detect p1 vs p2 with the given power (None if p1 == p2)."""
    if p1 == p2:
        return None
    mid = (p1 + p2) / 2
    spread = _z(alpha) * math.sqrt(2 * mid * (1 - mid)) + _z_power(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _ceil(spread**2 / (p2 - p1) ** 2)


def mean_sample_size(variance: float, effect: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Per-variant n for a two-sided test at alpha to detect a mean difference ``effect`` (None if it is 0)."""
    if effect == 0:
        return None
    return _ceil(2 * (_z(alpha) + _z_power(power)) ** 2 * variance / effect**2)


def pooled_variance(control: VariantMean, challenger: VariantMean) -> float | None:
    """((n_1 - 1) s_1^2 + (n_2 - 1) s_2^2) / (n_1 + n_2 - 2), None without degrees of freedom."""
    dof = control.n + challenger.n - 2
    if dof <= 0:
        return None
    return ((control.n - 1) * control.variance + (challenger.n - 1) * challenger.variance) / dof


def _mde_rate(p1: float, mde: float, higher_is_better: bool) -> float | None:
    sign = 1 if higher_is_better else -1
    for p2 in (p1 + sign * mde, p1 - sign * mde):
        if 0 <= p2 <= 1:
            return p2
    return None


def _required_rate(control: VariantRate, challenger: VariantRate, opts: _Options) -> tuple[int | None, float | None]:
    p1, p2 = control.value, challenger.value
    if p1 is None or p2 is None:
        return None, None
    target = p2 if opts.mde is None else _mde_rate(p1, opts.mde, opts.higher_is_better)
    if target is None:
        return None, None
    return rate_sample_size(p1, target, opts.adjusted_alpha, opts.power), target - p1


def _required_mean(control: VariantMean, challenger: VariantMean, opts: _Options) -> tuple[int | None, float | None]:
    variance = pooled_variance(control, challenger)
    effect = challenger.mean - control.mean if opts.mde is None else opts.mde
    if variance is None or control.n == 0 or challenger.n == 0:
        return None, None
    return mean_sample_size(variance, effect, opts.adjusted_alpha, opts.power), effect


def _sample_size(control: Variant, challenger: Variant, opts: _Options) -> SampleSize:
    """The per-variant sample size for the mde (or the observed difference) and how many more are needed."""
    if isinstance(control, VariantRate) and isinstance(challenger, VariantRate):
        required, effect = _required_rate(control, challenger, opts)
    elif isinstance(control, VariantMean) and isinstance(challenger, VariantMean):
        required, effect = _required_mean(control, challenger, opts)
    else:
        raise TypeError("control and challenger must be of the same kind")
    current = min(control.n, challenger.n)
    additional = None if required is None else max(0, required - current)
    return SampleSize(required, current, additional, _num(effect), "observed" if opts.mde is None else "mde")


def _test(control: Variant, challenger: Variant, alpha: float) -> ComparisonStats | None:
    if isinstance(control, VariantRate) and isinstance(challenger, VariantRate):
        return rate_test(control, challenger, alpha)
    if isinstance(control, VariantMean) and isinstance(challenger, VariantMean):
        return welch_test(control, challenger, alpha)
    raise TypeError("control and challenger must be of the same kind")


def _fmt(variant: Variant) -> str:
    value = variant.value
    if value is None:
        return "n/a"
    return f"{value:.2%}" if isinstance(variant, VariantRate) else f"{value:.4g}"


def _verdict(
    control: Variant, challenger: Variant, result: ComparisonStats | None, size: SampleSize, opts: _Options
) -> tuple[str, str]:
    short = [v for v in (control, challenger) if v.n < opts.min_samples]
    if short:
        names = ", ".join(f"{v.name} has {v.n}" for v in short)
        return KEEP_RUNNING, f"Keep running: {names}; at least {opts.min_samples} per variant are needed."
    if result is None:
        return KEEP_RUNNING, "Keep running: not enough data to test."
    if result.p_value < opts.adjusted_alpha:
        better, worse = (
            (challenger, control) if (result.difference > 0) == opts.higher_is_better else (control, challenger)
        )
        return (
            WINNER_PREFIX + better.name,
            f"{better.name} beats {worse.name} ({_fmt(better)} vs {_fmt(worse)}, p = {result.p_value:.3g}).",
        )
    return _undecided(challenger, result, size)


def _undecided(challenger: Variant, result: ComparisonStats, size: SampleSize) -> tuple[str, str]:
    p = f"p = {result.p_value:.3g}"
    if size.additional_needed is None:
        hint = " (no observed difference; pass an mde to size the test)" if size.effect_basis == "observed" else ""
        return KEEP_RUNNING, f"Keep running: {challenger.name} is not significantly different ({p}){hint}."
    if size.additional_needed > 0:
        return (
            KEEP_RUNNING,
            f"Keep running: {challenger.name} is not significantly different yet ({p}); "
            f"about {size.additional_needed} more samples per variant are needed.",
        )
    return NO_DIFFERENCE, f"No difference: {challenger.name} is not significantly different ({p}) with enough samples."


def _compare(control: Variant, challenger: Variant, opts: _Options) -> dict[str, Any]:
    result = _test(control, challenger, opts.adjusted_alpha)
    size = _sample_size(control, challenger, opts)
    verdict, summary = _verdict(control, challenger, result, size, opts)
    base = control.value
    return {
        "control": control.name,
        "challenger": challenger.name,
        "test": "two_proportion_z" if isinstance(control, VariantRate) else "welch_t",
        "statistic": _num(result.statistic) if result else None,
        "p_value": _num(result.p_value) if result else None,
        "df": _num(result.df) if result else None,
        "difference": _num(result.difference) if result else None,
        "ci_low": _num(result.ci_low) if result else None,
        "ci_high": _num(result.ci_high) if result else None,
        "confidence": 1 - opts.adjusted_alpha,
        "relative_lift": _num(result.difference / base) if result and base else None,
        "significant": bool(result is not None and result.p_value < opts.adjusted_alpha),
        "sample_size": {
            "required_per_variant": size.required_per_variant,
            "current": size.current,
            "additional_needed": size.additional_needed,
            "effect": size.effect,
            "effect_basis": size.effect_basis,
        },
        "verdict": verdict,
        "summary": summary,
    }


def _describe_rate(variant: VariantRate, alpha: float) -> dict[str, Any]:
    interval = wilson_interval(variant.successes, variant.trials, alpha)
    return {
        "name": variant.name,
        "n": variant.trials,
        "successes": variant.successes,
        "rate": _num(variant.value),
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
    }


def _describe_mean(variant: VariantMean, alpha: float) -> dict[str, Any]:
    low = high = None
    if variant.n >= 2:
        half = float(stats.t.ppf(1 - alpha / 2, variant.n - 1)) * math.sqrt(variant.variance / variant.n)
        low, high = variant.mean - half, variant.mean + half
    return {
        "name": variant.name,
        "n": variant.n,
        "mean": _num(variant.value),
        "variance": _num(variant.variance),
        "std": _num(math.sqrt(variant.variance)),
        "ci_low": _num(low),
        "ci_high": _num(high),
    }


def _describe(variant: Variant, alpha: float) -> dict[str, Any]:
    if isinstance(variant, VariantRate):
        return _describe_rate(variant, alpha)
    return _describe_mean(variant, alpha)


def _overall(control: str, comparisons: list[dict[str, Any]], higher_is_better: bool) -> tuple[str, str]:
    winners = [c for c in comparisons if c["verdict"] == WINNER_PREFIX + c["challenger"]]
    if winners:
        best = max(winners, key=lambda c: c["difference"] if higher_is_better else -c["difference"])
        running = [c["challenger"] for c in comparisons if c["verdict"] == KEEP_RUNNING]
        tail = f" Still running: {', '.join(running)}." if running else ""
        return WINNER_PREFIX + best["challenger"], best["summary"] + tail
    if any(c["verdict"] == KEEP_RUNNING for c in comparisons):
        return KEEP_RUNNING, " ".join(c["summary"] for c in comparisons if c["verdict"] == KEEP_RUNNING)
    if all(c["verdict"] == WINNER_PREFIX + control for c in comparisons):
        return WINNER_PREFIX + control, f"{control} beats every challenger; keep it."
    return NO_DIFFERENCE, f"No challenger beats {control}; keep it."


def _check_inputs(control: str, variants: Sequence[Variant], opts: _Options) -> None:
    names = [v.name for v in variants]
    if len(variants) < 2 or len(set(names)) != len(names) or control not in names:
        raise ValueError("need at least two variants with unique names, one of them the control")
    if len({type(v) for v in variants}) != 1 or not isinstance(variants[0], VariantRate | VariantMean):
        raise ValueError("variants must be all VariantRate or all VariantMean")
    if not (0 < opts.alpha < 1 and 0 < opts.power < 1):
        raise ValueError("alpha and power must be in (0, 1)")
    if opts.mde is not None and not (opts.mde > 0 and math.isfinite(opts.mde)):
        raise ValueError("mde must be a positive number")
    if opts.min_samples < 0:
        raise ValueError("min_samples must be >= 0")


def analyze(
    control: str,
    variants: Sequence[VariantRate] | Sequence[VariantMean],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    mde: float | None = None,
    higher_is_better: bool = True,
    min_samples: int = 100,
) -> dict[str, Any]:
    """Compare every challenger with the control (see the module docstring); a JSON-safe dict."""
    challengers = [v for v in variants if v.name != control]
    opts = _Options(alpha, alpha / max(1, len(challengers)), power, mde, higher_is_better, min_samples)
    _check_inputs(control, variants, opts)
    base = next(v for v in variants if v.name == control)
    comparisons = [_compare(base, other, opts) for other in challengers]
    verdict, summary = _overall(control, comparisons, higher_is_better)
    correction = "bonferroni" if len(challengers) > 1 else "none"
    if correction == "bonferroni":
        summary += f" (Bonferroni: alpha {alpha:g} / {len(challengers)} comparisons = {opts.adjusted_alpha:.4g})"
    return {
        "metric": "rate" if isinstance(base, VariantRate) else "mean",
        "control": control,
        "higher_is_better": higher_is_better,
        "alpha": alpha,
        "adjusted_alpha": opts.adjusted_alpha,
        "correction": correction,
        "comparisons_count": len(challengers),
        "power": power,
        "mde": mde,
        "min_samples": opts.min_samples,
        "variants": [_describe(v, alpha) for v in variants],
        "comparisons": comparisons,
        "verdict": verdict,
        "summary": summary,
    }
