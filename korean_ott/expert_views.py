"""The two expert views of the founding article as models, and the predictions that test them.

View A, the *vicious cycle* (Prof. Lee Sang-won in the founding article): less
advertising means less reinvestment in content, weaker content loses users to
Netflix, and the domestic platforms' position shrinks until the industry
depends on the global platform. :func:`simulate_reinvestment` writes it as
difference equations in which the variable the view is about, the domestic
platforms' share of users against the global platform, follows the ratio of
the two content stocks.

View B, *launch at home, license globally* (critic Cho Young-shin): a producer
earns from a domestic window and then licenses the title to a global platform.
:func:`windowing_revenue` compares that path, with the chance that the title is a
hit at home (a licence fee exists only for a hit), the value of a second season
and the option of licensing at once (a window of zero), with selling a
commission straight to the global platform on cost-plus terms.

All model parameters are **assumptions** unless :data:`ANCHORS_A` or the chapter
names the data that anchor them. The second half of the module computes the
evidence from ``data/`` and the predictions table (:func:`predictions_table`),
with one rule per prediction, and the verdict by view (:func:`verdict_by_view`),
which uses discriminating predictions only. Evidence that other chapters own
(broadcast advertising, the Korean share of the Top 10, where dramas are first
released) is taken from their functions, never recomputed here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd

from .evidence_cache import cached

# --- View A: reinvestment feedback --------------------------------------------


@dataclass(frozen=True)
class ReinvestmentParams:
    """Parameters of the reinvestment feedback model (one period = one year).

    Attributes
    ----------
    reinvest_rate
        r: share of revenue net of fixed costs spent on new content (0-1).
    depreciation
        delta: share of the content stock's pull lost each year (0-1).
    price
        Subscription revenue per unit of market share (index units).
    fixed_cost
        F: non-content costs paid before any reinvestment (index units).
    ad_revenue
        A_0: advertising and other non-subscription revenue in period 0.
    ad_growth
        g: yearly growth rate of that revenue (negative for a decline).
    global_content
        G: the global platform's content stock, in the same units as content.
    adjust_speed
        lambda: share of the gap to the target market share that subscribers
        close each year (0-1]; 1 means they follow content at once.
    content0, share0
        Content stock and market share in period 0.
    global_growth
        h: yearly growth of the global platform's content stock (G_t = G (1 + h)^t).
    """

    reinvest_rate: float
    depreciation: float
    price: float
    fixed_cost: float
    ad_revenue: float
    ad_growth: float
    global_content: float
    adjust_speed: float
    content0: float
    share0: float
    global_growth: float = 0.0

    def __post_init__(self):
        for name in ("reinvest_rate", "depreciation", "adjust_speed", "share0"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")
        for name in ("price", "fixed_cost", "ad_revenue", "global_content", "content0"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        if self.global_content == 0:
            raise ValueError("global_content must be positive")
        if self.ad_growth <= -1:
            raise ValueError("ad_growth must be above -1")
        if self.global_growth <= -1:
            raise ValueError("global_growth must be above -1")


#: What each parameter means, for the chapter's assumption table.
REINVESTMENT_MEANING = {
    "reinvest_rate": "share of revenue net of fixed costs reinvested in content (r)",
    "depreciation": "share of the content stock's pull lost per year (delta)",
    "price": "subscription revenue per unit of market share (index)",
    "fixed_cost": "non-content costs per year (F, index)",
    "ad_revenue": "advertising revenue in year 0 (A0, index)",
    "ad_growth": "yearly growth of advertising revenue (g)",
    "global_content": "global platform's content stock (G, index)",
    "adjust_speed": "share of the gap to target market share closed per year (lambda)",
    "content0": "domestic content stock in year 0 (Q0, index)",
    "share0": "domestic platforms' share of users in year 0 (s0)",
    "global_growth": "yearly growth of the global platform's content stock (h)",
}


def calibrate_reinvestment(*, ad_share: float, share0: float, reinvest_rate: float,
                           depreciation: float, fixed_cost_share: float,
                           adjust_speed: float = 0.5, ad_growth: float = 0.0,
                           global_growth: float = 0.0, revenue0: float = 100.0) -> ReinvestmentParams:
    """Parameters that put period 0 exactly at a steady state with constant advertising.

    Revenue in period 0 is ``revenue0``, of which ``ad_share`` is advertising;
    fixed costs are ``fixed_cost_share`` of it. The content stock is the level
    that current reinvestment just maintains (delta*Q = r*(R - F)) and the
    global stock is set so that this content stock earns market share ``share0``.
    ``ad_growth`` and ``global_growth`` then apply from period 0 on.
    """
    if not 0 < share0 < 1:
        raise ValueError("share0 must lie strictly between 0 and 1")
    if not 0 < depreciation <= 1:
        raise ValueError("depreciation must lie in (0, 1]")
    if fixed_cost_share >= 1:
        raise ValueError("fixed costs must be below revenue")
    ads = ad_share * revenue0
    fixed = fixed_cost_share * revenue0
    content0 = reinvest_rate * (revenue0 - fixed) / depreciation
    if content0 <= 0:
        raise ValueError("a zero reinvestment rate has no positive steady state to calibrate on")
    return ReinvestmentParams(
        reinvest_rate=reinvest_rate, depreciation=depreciation,
        price=(revenue0 - ads) / share0, fixed_cost=fixed, ad_revenue=ads,
        ad_growth=ad_growth, global_content=content0 * (1 - share0) / share0,
        adjust_speed=adjust_speed, content0=content0, share0=share0, global_growth=float(global_growth))


@dataclass(frozen=True)
class ViewAInputs:
    """What :func:`calibrate_reinvestment` needs: the inputs a reader can vary.

    The model's other parameters (price per unit of share, the global
    platform's starting content, the domestic starting content) follow from
    these by calibration, so a sensitivity analysis varies these.
    """

    ad_share: float
    share0: float
    reinvest_rate: float
    depreciation: float
    fixed_cost_share: float
    adjust_speed: float
    ad_growth: float
    global_growth: float

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value):
                raise ValueError(f"{f.name} must be finite, got {value}")
        for name in ("ad_share", "reinvest_rate", "depreciation", "fixed_cost_share", "adjust_speed"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")

    def params(self) -> ReinvestmentParams:
        """The calibrated model parameters (year 0 is a steady state at year-0 advertising)."""
        return calibrate_reinvestment(**{f.name: float(getattr(self, f.name)) for f in fields(self)})


VIEW_A_INPUT_MEANING = {
    "ad_share": "advertising share of the domestic sector's revenue",
    "share0": "domestic platforms' share of users at the start",
    "reinvest_rate": "share of revenue net of fixed costs spent on content (r)",
    "depreciation": "share of the content stock's pull lost per year (delta)",
    "fixed_cost_share": "non-content costs as a share of year-0 revenue (F)",
    "adjust_speed": "share of the gap to the content-implied share closed per year (lambda)",
    "ad_growth": "yearly growth of advertising (g)",
    "global_growth": "yearly growth of the global platform's content (h)",
}

#: Short names with the model's symbols, for the rows of the chapter's tables.
VIEW_A_INPUT_LABEL = {
    "ad_share": "advertising share of revenue",
    "share0": "starting share, s₀",
    "reinvest_rate": "reinvestment rate, r",
    "depreciation": "depreciation, δ",
    "fixed_cost_share": "fixed costs, F",
    "adjust_speed": "adjustment speed, λ",
    "ad_growth": "advertising growth, g",
    "global_growth": "Netflix content growth, h",
}


def share_path(inputs: ViewAInputs, periods: int) -> pd.DataFrame:
    """Model A's path (see :func:`simulate_reinvestment`) from calibrated inputs, with
    ``share_pct`` (domestic share of users, percent) added."""
    path = simulate_reinvestment(inputs.params(), periods)
    path["share_pct"] = 100 * path["share"]
    return path


def target_share(content: float | np.ndarray, global_content: float) -> float | np.ndarray:
    """Market share that a content stock attracts against the global platform's: Q / (Q + G)."""
    return content / (content + global_content)


def simulate_reinvestment(params: ReinvestmentParams, periods: int) -> pd.DataFrame:
    """Run the feedback loop for ``periods`` years after period 0.

    Equations, for t = 0, 1, ...::

        A_t     = A_0 (1 + g)^t                           advertising revenue
        G_t     = G (1 + h)^t                             global platform's content
        R_t     = price * s_t + A_t                       revenue
        I_t     = r * max(R_t - F, 0)                     reinvestment
        Q_{t+1} = (1 - delta) Q_t + I_t                   content stock
        s_{t+1} = s_t + lambda (Q_t / (Q_t + G_t) - s_t)  domestic share of users

    Returns one row per period (0 to ``periods``) with columns ``period``,
    ``content``, ``share``, ``ad_revenue``, ``revenue``, ``investment``.
    """
    if periods < 0:
        raise ValueError("periods must not be negative")
    p = params
    content, share = p.content0, p.share0
    rows = []
    for t in range(periods + 1):
        ads = p.ad_revenue * (1 + p.ad_growth) ** t
        revenue = p.price * share + ads
        investment = p.reinvest_rate * max(revenue - p.fixed_cost, 0.0)
        rows.append((t, content, share, ads, revenue, investment))
        new_content = (1 - p.depreciation) * content + investment
        rival = p.global_content * (1 + p.global_growth) ** t
        share = share + p.adjust_speed * (target_share(content, rival) - share)
        content = new_content
    return pd.DataFrame(rows, columns=["period", "content", "share", "ad_revenue", "revenue", "investment"])


def reinvestment_steady_states(params: ReinvestmentParams) -> list[float]:
    """Steady-state content stocks with advertising held at ``ad_revenue`` and the
    global platform's content at ``global_content`` (``global_growth`` is ignored), ascending.

    A positive steady state solves delta*Q = r*(price*Q/(Q+G) + A - F), i.e. the
    quadratic delta*Q^2 + (delta*G - r*price - r*(A-F))*Q - r*(A-F)*G = 0, with
    revenue at least F there. Q = 0 is a steady state when A <= F (no revenue to
    reinvest once content is gone). With A < F there can be two positive roots:
    the lower one is the *threshold* below which the cycle runs down to zero.
    """
    p = params
    r, d, G = p.reinvest_rate, p.depreciation, p.global_content
    net_ads = p.ad_revenue - p.fixed_cost
    states = [0.0] if net_ads <= 0 or r == 0 else []
    if r == 0 or d == 0:
        return states
    a, b, c = d, d * G - r * p.price - r * net_ads, -r * net_ads * G
    disc = b * b - 4 * a * c
    if disc < 0:
        return states
    for root in sorted({(-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)}):
        revenue = p.price * target_share(root, G) + p.ad_revenue
        if root > 0 and revenue >= p.fixed_cost:
            states.append(float(root))
    return sorted(states)


def minimum_viable_reinvestment(params: ReinvestmentParams, steps: int = 1000) -> float:
    """Smallest reinvestment rate (on a grid of ``steps`` + 1 points in [0, 1]) with a
    positive steady state at the current advertising level; ``nan`` if none has one.

    Below it the only steady state is zero content: the cycle runs all the way down.
    """
    for rate in np.linspace(0.0, 1.0, steps + 1):
        if any(s > 0 for s in reinvestment_steady_states(replace(params, reinvest_rate=float(rate)))):
            return float(rate)
    return math.nan


def final_content(params: ReinvestmentParams, periods: int) -> float:
    """Content stock after ``periods`` years (a convenience for sweeps)."""
    return float(simulate_reinvestment(params, periods)["content"].iloc[-1])


# --- View B: domestic first, then license ------------------------------------------


@dataclass(frozen=True)
class WindowingParams:
    """Expected revenue of one title, in multiples of its production cost.

    Attributes
    ----------
    domestic_revenue
        d: what the domestic window returns (the domestic platform's fee,
        advertising, domestic VOD), hit or not.
    licence_fee
        l: what a global platform pays to license a title that was a hit at
        home, if it licensed it at once.
    hit_probability
        pi: chance that the title is a hit at home (0-1). Only a hit earns a
        licence fee or a second season.
    decay
        k: yearly rate (continuous) at which a hit's licence value to an audience
        that has not seen it falls while the domestic window lasts.
    discount_rate
        rho: producer's yearly discount rate (continuous).
    window_years
        w: years between domestic release and the global licence (0 = licensed
        simultaneously, as with *Extraordinary Attorney Woo*).
    cost_plus_margin
        m: margin over cost a global platform pays for a direct commission; the
        platform keeps the rights, including to a second season.
    sequel_value
        u: present value, to the rights holder, of a second season of a hit, as
        a multiple of the first season's cost (0 when the rights are sold).
    cannibalisation
        c: share of domestic-window revenue lost when the global platform shows
        the title at the same time (0-1); only the simultaneous path pays it.
    """

    domestic_revenue: float
    licence_fee: float
    decay: float
    discount_rate: float
    window_years: float
    cost_plus_margin: float
    hit_probability: float = 1.0
    sequel_value: float = 0.0
    cannibalisation: float = 0.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{f.name} must be a finite number >= 0, got {value}")
        for name in ("hit_probability", "cannibalisation"):
            if getattr(self, name) > 1:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")


WINDOWING_MEANING = {
    "domestic_revenue": "domestic-window revenue, multiple of production cost (d)",
    "licence_fee": "global licence fee for a domestic hit licensed at once, multiple of cost (l)",
    "decay": "yearly decay of a hit's licence value while it waits (k)",
    "discount_rate": "producer's yearly discount rate (rho)",
    "window_years": "years from domestic release to global licence (w)",
    "cost_plus_margin": "margin over cost paid for a direct global commission (m)",
    "hit_probability": "chance that a title is a hit at home (pi)",
    "sequel_value": "value of a hit's second-season rights to their holder, multiple of cost (u)",
    "cannibalisation": "share of domestic revenue lost if licensed simultaneously (c)",
}

#: Short names with the model's symbols, for the rows of the chapter's tables.
WINDOWING_LABEL = {
    "domestic_revenue": "domestic revenue, d",
    "licence_fee": "licence fee, ℓ",
    "decay": "decay of licence value, k",
    "discount_rate": "discount rate, ρ",
    "window_years": "window in years, w",
    "cost_plus_margin": "cost-plus margin, m",
    "hit_probability": "chance of a hit, π",
    "sequel_value": "second-season rights, u",
    "cannibalisation": "overlap loss, c",
}


def windowing_revenue(params: WindowingParams) -> dict[str, float]:
    """Expected present value of three paths, per unit of production cost.

    * direct to global: ``1 + m`` (cost-plus, certain; rights go to the platform);
    * domestic first, licence after ``w`` years:
      ``d + pi * (l * exp(-(k + rho) * w) + u)``;
    * simultaneous licence (window of zero): ``d * (1 - c) + pi * (l + u)``
      (a buyer who licenses before the domestic run pays the expected fee).

    Also returns ``difference`` (domestic first minus direct),
    ``simultaneous_difference`` (simultaneous minus direct) and ``sd_domestic_first``,
    the standard deviation of the domestic-first payoff over hit and flop:
    ``sqrt(pi (1 - pi)) * (l * exp(-(k + rho) w) + u)``.
    """
    p = params
    hit_value = p.licence_fee * math.exp(-(p.decay + p.discount_rate) * p.window_years) + p.sequel_value
    domestic_first = p.domestic_revenue + p.hit_probability * hit_value
    simultaneous = p.domestic_revenue * (1 - p.cannibalisation) + p.hit_probability * (p.licence_fee + p.sequel_value)
    direct = 1 + p.cost_plus_margin
    return {"domestic_first": domestic_first, "simultaneous": simultaneous, "direct_to_global": direct,
            "difference": domestic_first - direct, "simultaneous_difference": simultaneous - direct,
            "sd_domestic_first": math.sqrt(p.hit_probability * (1 - p.hit_probability)) * hit_value}


def break_even_window(params: WindowingParams) -> float:
    """Longest window w* at which domestic first still earns at least direct to global.

    w* = ln(pi * l / (1 + m - d - pi * u)) / (k + rho). Returns ``inf`` when
    domestic first wins at any window (d + pi * u >= 1 + m, or no decay and no
    discounting with pi * l above the gap) and ``nan`` when it loses even with
    no window (pi * l <= 1 + m - d - pi * u).
    """
    p = params
    gap = 1 + p.cost_plus_margin - p.domestic_revenue - p.hit_probability * p.sequel_value
    if gap <= 0:
        return math.inf
    fee = p.hit_probability * p.licence_fee
    if fee <= gap:
        return math.nan
    rate = p.decay + p.discount_rate
    if rate == 0:
        return math.inf
    return math.log(fee / gap) / rate


def break_even_hit_probability(params: WindowingParams) -> float:
    """Smallest chance of a hit at which domestic first earns as much as direct to global.

    pi* = (1 + m - d) / (l * exp(-(k + rho) w) + u); 0 when the domestic window
    alone covers the direct path; ``nan`` when it exceeds 1 (no chance of a hit
    is enough) or a hit is worth nothing.
    """
    p = params
    gap = 1 + p.cost_plus_margin - p.domestic_revenue
    if gap <= 0:
        return 0.0
    hit_value = p.licence_fee * math.exp(-(p.decay + p.discount_rate) * p.window_years) + p.sequel_value
    if hit_value <= 0 or gap / hit_value > 1:
        return math.nan
    return gap / hit_value


def break_even_decay(params: WindowingParams) -> float:
    """Largest yearly decay k* of licence value at which domestic first still pays at the window w.

    k* = ln(pi * l / (1 + m - d - pi * u)) / w - rho. ``inf`` when the path pays at
    any decay; ``nan`` when it fails even with no decay (k* would be negative);
    an error for a window of zero, where decay plays no part.
    """
    p = params
    if p.window_years == 0:
        raise ValueError("with a window of zero the decay of licence value plays no part")
    w_star = break_even_window(replace(p, decay=0.0))
    if math.isnan(w_star):
        return math.nan
    if math.isinf(w_star):
        return math.inf
    k_star = math.log(p.hit_probability * p.licence_fee
                      / (1 + p.cost_plus_margin - p.domestic_revenue - p.hit_probability * p.sequel_value)
                      ) / p.window_years - p.discount_rate
    return k_star if k_star >= 0 else math.nan


def windowing_grid(params: WindowingParams, x: str, x_values, y: str, y_values) -> pd.DataFrame:
    """Domestic-first minus direct-to-global over a grid of two parameters (long format)."""
    names = {f.name for f in fields(params)}
    for name in (x, y):
        if name not in names:
            raise ValueError(f"unknown parameter {name!r}; known: {sorted(names)}")
    rows = []
    for yv in y_values:
        for xv in x_values:
            result = windowing_revenue(replace(params, **{x: float(xv), y: float(yv)}))
            rows.append({x: float(xv), y: float(yv), "difference": result["difference"]})
    return pd.DataFrame(rows)


def _crossing(f, low: float, high: float, steps: int = 400) -> float:
    """The first value in [low, high] where ``f`` changes sign (grid then bisection), or nan."""
    grid = np.linspace(low, high, steps + 1)
    values = [f(float(x)) for x in grid]
    for (a, fa), (b, fb) in zip(zip(grid, values), zip(grid[1:], values[1:])):
        if fa == 0:
            return float(a)
        if (fa < 0) != (fb < 0):
            lo, hi, flo = float(a), float(b), fa
            for _ in range(60):
                mid = (lo + hi) / 2
                fm = f(mid)
                if (fm < 0) == (flo < 0):
                    lo, flo = mid, fm
                else:
                    hi = mid
            return (lo + hi) / 2
    return math.nan


def one_at_a_time(params, ranges: dict[str, tuple[float, float]], outcome) -> pd.DataFrame:
    """Sensitivity table: each parameter at the low and high end of its range, the others at baseline.

    ``outcome(params) -> float`` is the quantity of interest. Returns one row per
    parameter: ``parameter``, ``baseline``, ``low``, ``high``, ``outcome_low``,
    ``outcome_baseline``, ``outcome_high`` and ``reverses_at``, the value in the
    range at which the outcome changes sign (``nan`` if it keeps its sign over
    the whole range). An unknown parameter or a range that does not contain its
    baseline is an error.
    """
    names = {f.name for f in fields(params)}
    base_value = float(outcome(params))
    rows = []
    for name, (low, high) in ranges.items():
        if name not in names:
            raise ValueError(f"unknown parameter {name!r}; known: {sorted(names)}")
        baseline = float(getattr(params, name))
        if not low <= baseline <= high:
            raise ValueError(f"range of {name!r} ({low} to {high}) does not contain its baseline {baseline}")
        at = lambda v, name=name: float(outcome(replace(params, **{name: float(v)})))  # noqa: E731
        rows.append({"parameter": name, "baseline": baseline, "low": float(low), "high": float(high),
                     "outcome_low": at(low), "outcome_baseline": base_value, "outcome_high": at(high),
                     "reverses_at": _crossing(at, float(low), float(high))})
    return pd.DataFrame(rows)


def sensitivity_table(inputs, meaning: dict[str, str], anchors: dict[str, str],
                      ranges: dict[str, tuple[float, float]], outcomes: dict) -> pd.DataFrame:
    """Parameters, their sources and their sensitivity in one table.

    One row per field of ``inputs``: ``parameter``, ``meaning``, ``baseline``,
    ``source`` (``anchors`` or "assumption"), ``low`` and ``high`` (the range
    explored; empty if the parameter is not varied) and, for each named outcome
    in ``outcomes`` (``{name: function(inputs) -> float}``), the outcome at the
    low and high ends and the value at which it changes sign (``reverses at``).
    """
    names = [f.name for f in fields(inputs)]
    unknown = [name for name in list(ranges) + list(anchors) if name not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; known: {names}")
    missing = [name for name in names if name not in meaning]
    if missing:
        raise ValueError(f"no meaning given for {missing}")
    table = pd.DataFrame({"parameter": names, "meaning": [meaning[n] for n in names],
                          "baseline": [float(getattr(inputs, n)) for n in names],
                          "source": [anchors.get(n, "assumption") for n in names]})
    table["low"] = [ranges[n][0] if n in ranges else math.nan for n in names]
    table["high"] = [ranges[n][1] if n in ranges else math.nan for n in names]
    for label, outcome in outcomes.items():
        sens = one_at_a_time(inputs, ranges, outcome).set_index("parameter") if ranges else pd.DataFrame()
        for column, source in (("low", "outcome_low"), ("high", "outcome_high"), ("reverses at", "reverses_at")):
            table[f"{label}: {column}"] = [sens.loc[n, source] if n in ranges else math.nan for n in names]
    return table


def parameter_table(params, meaning: dict[str, str], anchors: dict[str, str]) -> pd.DataFrame:
    """A tidy table of a parameter set: name, value, meaning, what anchors it ("assumption" if nothing)."""
    values = asdict(params)
    missing = [name for name in values if name not in meaning]
    if missing:
        raise ValueError(f"no meaning given for {missing}")
    return pd.DataFrame({
        "parameter": list(values),
        "value": [round(float(v), 3) for v in values.values()],
        "meaning": [meaning[name] for name in values],
        "anchor": [anchors.get(name, "assumption") for name in values],
    })


def final_share_change(params: ReinvestmentParams, periods: int) -> float:
    """Change of the domestic share of users, in percentage points, after ``periods`` years."""
    path = simulate_reinvestment(params, periods)
    return float(100 * (path["share"].iloc[-1] - path["share"].iloc[0]))

# --- Evidence: library decay (an anchor, not a prediction) --------------------------

#: Engagement reports in order; each is a half-year.
REPORT_ORDER = ("2023H1", "2023H2", "2024H1", "2024H2", "2025H1")


def library_decay(engagement: pd.DataFrame, released_before: str = "2023-01-01") -> pd.DataFrame:
    """Per-title log-linear decline of hours viewed for Hangul-titled library shows.

    Titles: shows whose engagement-report title carries Hangul (the book's
    operational set of Korean shows), released on Netflix before
    ``released_before``, with positive hours in all five reports. For each title
    the slope of ln(hours) on the half-year index is fitted by least squares.
    Returns one row per title: ``title``, ``slope_per_half_year``.
    """
    from korean_ott.titles import hangul_mask

    shows = engagement[engagement["kind"].isin(["show", "show or film"])
                       & hangul_mask(engagement["title"])
                       & (engagement["release_date"] < pd.Timestamp(released_before))]
    wide = shows.pivot_table(index="title", columns="report", values="hours_viewed", aggfunc="sum")
    wide = wide.reindex(columns=list(REPORT_ORDER)).dropna()
    wide = wide[(wide > 0).all(axis=1)].sort_index()
    if len(wide) < 2:
        raise ValueError(f"fewer than two Hangul-titled shows released before {released_before} "
                         "have hours in every engagement report")
    x = np.arange(len(REPORT_ORDER), dtype=float)
    slopes = np.polyfit(x, np.log(wide.to_numpy(dtype=float)).T, 1)[0]
    return pd.DataFrame({"title": wide.index.astype(str), "slope_per_half_year": slopes})


def annual_decay_estimate(slopes: pd.Series) -> dict[str, float]:
    """Mean yearly share of hours lost, with a 95% t-interval over titles.

    A half-year slope b means hours are multiplied by exp(2b) per year, i.e. a
    yearly loss of 1 - exp(2b); the continuous yearly rate is -2b.
    """
    from scipy import stats

    values = np.asarray(slopes, dtype=float)
    n = len(values)
    if n < 2:
        raise ValueError("need at least two titles")
    if not np.isfinite(values).all():
        raise ValueError("slopes must be finite")
    mean = float(values.mean())
    half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    to_loss = lambda b: 1 - math.exp(2 * b)  # noqa: E731
    return {"n_titles": n, "rate": -2 * mean, "rate_low": -2 * (mean + half), "rate_high": -2 * (mean - half),
            "loss": to_loss(mean), "loss_low": to_loss(mean + half), "loss_high": to_loss(mean - half)}


# --- Evidence: the domestic platforms against Netflix ---------------------------------

#: The window every prediction is judged on first: the years that each annual
#: series of the predictions covers (users from February 2021; Tving's revenue
#: from 2021; Netflix Services Korea's revenue and programme exports to 2023).
COMMON_WINDOW = (2021, 2023)
#: The domestic platforms of the founding article, and their rival.
DOMESTIC = ("Tving", "Wavve")
RIVAL = "Netflix"
#: A change of the domestic share smaller than this (percentage points) is read
#: as no change: a convention of the book, stated with the rule.
SHARE_THRESHOLD_PP = 1.0

#: Yearly revenue rows of the facts register (billion KRW).
REVENUE_FACTS = {
    "Wavve": {2020: "F093", 2021: "F095", 2022: "F097", 2023: "F100"},
    "Tving": {2021: "F108", 2022: "F110", 2023: "F112", 2024: "F113"},
    "Netflix": {2019: "F119", 2020: "F120", 2021: "F121", 2022: "F122", 2023: "F123"},
}
#: Broadcast programme exports (million USD), facts register.
EXPORT_FACTS = {2020: "F088", 2021: "F089", 2022: "F090", 2023: "F091"}


def domestic_share(table: pd.DataFrame, time: str, value: str, domestic=DOMESTIC, rival: str = RIVAL) -> pd.DataFrame:
    """Domestic platforms' share of (domestic + rival), at each time every one of them is observed.

    ``table`` is long: one row per ``time`` and ``platform`` with a ``value``.
    Returns ``time``, ``domestic``, ``rival`` and ``share_pct``, sorted by time.
    A platform missing from the table, a duplicate row or a negative value is an error.
    """
    needed = list(domestic) + [rival]
    for column in (time, "platform", value):
        if column not in table:
            raise ValueError(f"table lacks the column {column!r}")
    absent = [p for p in needed if p not in set(table["platform"])]
    if absent:
        raise ValueError(f"no rows for platform(s) {absent}")
    rows = table[table["platform"].isin(needed)]
    dup = rows.duplicated([time, "platform"])
    if dup.any():
        first = rows[dup].iloc[0]
        raise ValueError(f"two rows for {first['platform']} at {first[time]}")
    if (rows[value] < 0).any():
        first = rows[rows[value] < 0].iloc[0]
        raise ValueError(f"negative {value} for {first['platform']} at {first[time]}")
    wide = rows.pivot(index=time, columns="platform", values=value).reindex(columns=needed).dropna()
    out = pd.DataFrame({time: wide.index, "domestic": wide[list(domestic)].sum(axis=1).to_numpy(),
                        "rival": wide[rival].to_numpy()})
    total = out["domestic"] + out["rival"]
    if (total <= 0).any():
        raise ValueError("domestic plus rival must be positive")
    out["share_pct"] = 100 * out["domestic"] / total
    return out.sort_values(time, ignore_index=True)


def _year(value) -> int:
    return int(str(value)[:4])


def window_change(table: pd.DataFrame, time: str, value: str, start_year: int, end_year: int) -> dict:
    """Change of ``value`` from the first observation in ``start_year`` or later to the last in
    ``end_year`` or earlier. Returns ``start``, ``end``, ``first``, ``last``, ``change`` (last - first)
    and ``change_pct`` (relative change, percent). Fewer than two observations is an error."""
    years = table[time].map(_year)
    inside = table[(years >= start_year) & (years <= end_year)].sort_values(time)
    if len(inside) < 2:
        raise ValueError(f"{value}: fewer than two observations in {start_year}-{end_year}")
    times, values = inside[time].tolist(), inside[value].astype(float).tolist()
    first, last = values[0], values[-1]
    return {"start": str(times[0]), "end": str(times[-1]), "first": first, "last": last,
            "change": last - first, "change_pct": 100 * (last / first - 1) if first else math.nan}


def _decimal_year(value) -> float:
    text = str(value)
    if len(text) == 4:
        return float(text)
    year, month = text[:7].split("-")
    return int(year) + (int(month) - 1) / 12


def pairwise_changes(table: pd.DataFrame, time: str, value: str, min_gap_years: float = 1.0) -> pd.DataFrame:
    """The change of ``value`` between every pair of observations at least ``min_gap_years`` apart.

    ``time`` holds years (``2021``) or months (``"2021-02"``). Returns ``start``,
    ``end`` and ``change`` (later minus earlier), one row per pair, in time order.
    """
    if min_gap_years < 0:
        raise ValueError("min_gap_years must not be negative")
    rows = table.sort_values(time)
    times, values = rows[time].tolist(), rows[value].astype(float).tolist()
    out = [{"start": str(a), "end": str(b), "change": vb - va}
           for i, (a, va) in enumerate(zip(times, values)) for b, vb in zip(times[i + 1:], values[i + 1:])
           if _decimal_year(b) - _decimal_year(a) >= min_gap_years - 1e-9]
    if not out:
        raise ValueError(f"{value}: no two observations are {min_gap_years} years apart")
    return pd.DataFrame(out)


def change_verdict(changes, predicted_sign: int, threshold: float = 0.0) -> str:
    """Verdict on a predicted direction from the changes over several windows.

    'supported' when every change goes the predicted way by more than
    ``threshold``; 'contradicted' when every change goes the other way by more
    than ``threshold``; otherwise 'inconclusive' (the windows disagree or a
    change is within the threshold).
    """
    if predicted_sign not in (-1, 1):
        raise ValueError("predicted_sign must be -1 or +1")
    if threshold < 0:
        raise ValueError("threshold must not be negative")
    values = [float(c) for c in changes]
    if not values or any(not math.isfinite(v) for v in values):
        raise ValueError("change_verdict needs at least one finite change")
    if all(predicted_sign * v > threshold for v in values):
        return "supported"
    if all(-predicted_sign * v > threshold for v in values):
        return "contradicted"
    return "inconclusive"


def trend_verdict(shared_verdict: str) -> str:
    """Map another chapter's window verdict ('rising: ...', 'falling: ...', other) for a predicted rise."""
    text = str(shared_verdict)
    if text.startswith("rising"):
        return "supported"
    if text.startswith("falling"):
        return "contradicted"
    return "inconclusive"


def advertising_verdict(stance: dict) -> str:
    """Verdict on 'broadcast advertising falls' from the book's one advertising stance."""
    text = str(stance["stance"])
    if text.startswith("fell in every year after its peak"):
        return "supported"
    if text.startswith("at its highest level"):
        return "contradicted"
    return "inconclusive"


#: Chapter 3's verdict for a count that changed by more than year-to-year variation.
ESTABLISHED = "larger than year-to-year variation at every"


def drama_supply_verdict(shift: dict) -> str:
    """Verdict on 'drama supply moves from broadcasters to global platforms' from chapter 3's
    one computation (:func:`korean_ott.production.drama_shift`): supported only if both the
    broadcasters' fall and the global platforms' rise exceed year-to-year variation at every
    dispersion estimate; contradicted if both counts move the other way; else inconclusive."""
    falls = shift["bc_last"] < shift["bc_first"]
    rises = shift["gott_last"] > shift["gott_first"]
    if (falls and rises and str(shift["bc_verdict"]).startswith(ESTABLISHED)
            and str(shift["gott_verdict"]).startswith(ESTABLISHED)):
        return "supported"
    if shift["bc_last"] > shift["bc_first"] and shift["gott_last"] < shift["gott_first"]:
        return "contradicted"
    return "inconclusive"


def facts_table(mapping: dict, data_dir=None) -> pd.DataFrame:
    """Long table ``platform``, ``year``, ``value``, ``fact_id`` from {platform: {year: fact id}}."""
    from korean_ott import data

    rows = [{"platform": platform, "year": int(year), "value": data.fact_number(fid, data_dir), "fact_id": fid}
            for platform, by_year in mapping.items() for year, fid in by_year.items()]
    return pd.DataFrame(rows).sort_values(["year", "platform"], ignore_index=True)


@cached
def collect_evidence(data_dir=None) -> dict:
    """Compute, from ``data/``, everything the predictions table checks.

    Users and revenue shares are computed here; broadcast advertising
    (:func:`korean_ott.production.advertising_stance`), the Korean share of the
    Top 10 (:func:`korean_ott.migration.korean_share_evidence`) and release
    origin (:func:`korean_ott.migration.release_origin_evidence`) come from the
    chapters that own them.
    """
    from korean_ott import data, migration, production, weak_hero

    start, end = COMMON_WINDOW
    ev: dict = {"window": COMMON_WINDOW}
    # Users: Mobile Index panel only.
    mau = migration.load_mau(data_dir)
    users = domestic_share(mau, "month", "mau_million")
    ev["users"] = users
    first_year, last_year = _year(users["month"].iloc[0]), _year(users["month"].iloc[-1])
    ev["users_full_years"] = (first_year, last_year)
    ev["users_common"] = window_change(users, "month", "share_pct", start, end)
    ev["users_full"] = window_change(users, "month", "share_pct", first_year, last_year)
    ev["users_pairs"] = pairwise_changes(users, "month", "share_pct")
    ev["users_definitions"] = {
        name: {"common": window_change(domestic_share(mau, "month", "mau_million", dom), "month", "share_pct", start, end),
               "full": window_change(domestic_share(mau, "month", "mau_million", dom), "month", "share_pct",
                                     first_year, last_year)}
        for name, dom in {"Wavve and Tving": DOMESTIC, "Wavve only": ("Wavve",), "Tving only": ("Tving",),
                          "Wavve, Tving and Coupang Play": DOMESTIC + ("Coupang Play",)}.items()}
    # Revenue (facts register, billion KRW).
    revenue = facts_table(REVENUE_FACTS, data_dir)
    rev_share = domestic_share(revenue, "year", "value")
    ev["revenue"], ev["revenue_share"] = revenue, rev_share
    ev["revenue_common"] = window_change(rev_share, "year", "share_pct", start, end)
    ev["revenue_full"] = window_change(rev_share, "year", "share_pct", int(rev_share["year"].min()),
                                       int(rev_share["year"].max()))
    # Programme exports (million USD).
    exports = facts_table({"exports": EXPORT_FACTS}, data_dir)
    ev["exports"] = exports
    ev["exports_common"] = window_change(exports, "year", "value", start, end)
    ev["exports_full"] = window_change(exports, "year", "value", int(exports["year"].min()), int(exports["year"].max()))
    # Shared evidence owned by other chapters: drama supply (two years only) and advertising.
    industry = data.load_resource("industry_series", data_dir)
    ev["drama_shift"] = production.drama_shift(industry)
    ev["ads"] = production.advertising_stance(industry)
    top10, engagement = data.load_top10_weekly(data_dir), data.load_engagement(data_dir)
    catalogue = data.load_netflix_catalogue_2021(data_dir)
    ev["kshare"], ev["kshare_sensitivity"], ev["kshare_verdict"] = migration.korean_share_evidence(
        top10, engagement, catalogue)
    ev["origin"] = migration.release_origin_evidence(data.load_mdl_dramas(data_dir))
    # Weak Hero Class 1 after the move, and the library decay used as an anchor.
    ranked = weak_hero.engagement_ranks(engagement)
    whc = weak_hero.weak_hero_engagement(ranked).set_index("season")
    weeks = weak_hero.weak_hero_weeks(top10)
    ev["whc1"] = {"views_m": float(whc.loc["Class 1", "views"]) / 1e6,
                  "views_class2_m": float(whc.loc["Class 2", "views"]) / 1e6,
                  "rank_hangul": int(whc.loc["Class 1", "rank_views_hangul"]),
                  "n_hangul": int(ranked["hangul"].sum()),
                  "weeks_in_top10": int((weeks["season"] == "Class 1").sum())}
    slopes = library_decay(engagement)
    ev["library_slopes"], ev["library"] = slopes, annual_decay_estimate(slopes["slope_per_half_year"])
    return ev


# --- Predictions, verdicts, and the verdict by view ----------------------------------

#: Verdict words of the predictions table.
VERDICTS = ("supported", "contradicted", "inconclusive", "not testable here")
#: Who makes a prediction: only view A, only view B, both, or neither.
PREDICTED_BY = ("A only", "B only", "both", "neither")
#: Verdict words for a view (a view can be supported by some predictions and contradicted by others).
VIEW_VERDICTS = ("supported", "contradicted", "mixed", "inconclusive", "not testable here")

#: Each prediction, written down with its rule before any result is computed.
#: id -> (prediction, predicted by, discriminating, data, rule); ``{threshold}`` in a rule is
#: the share threshold the table is built with.
PREDICTIONS = {
    "A1": ("The domestic platforms' share of the users of the three services falls",
           "A only", True, "Mobile Index app MAU (Wavve, Tving, Netflix)",
           "supported if Wavve and Tving's share of the three services' users falls by more than "
           "{threshold:g} percentage point(s) on the common window and on the whole panel; "
           "contradicted if it rises by more than that on both; otherwise inconclusive"),
    "A2": ("The domestic platforms' share of the three services' revenue falls",
           "A only", True, "facts register: Wavve, Tving and Netflix Services Korea revenue",
           "as A1, for the share of revenue on the common window and on the longest span "
           "all three revenue series cover (threshold {threshold:g} percentage point(s))"),
    "A3": ("The domestic platforms cut their content spending",
           "A only", True, "none: no series of the platforms' content spending",
           "supported if content spending falls over the common window; needs a yearly series"),
    "B1": ("A title's licence value to an audience that has not seen it decays slowly enough "
           "that launching at home first pays at the observed windows",
           "B only", True, "none: no licence fee, domestic revenue or hit rate for any title",
           "supported if the break-even decay at the observed window exceeds the decay measured "
           "for unseen titles; needs licence fees and a decay measure for new audiences"),
    "N1": ("Broadcast advertising falls", "both", False,
           "KCC broadcasting property status (the book's one advertising series)",
           "supported if the stance of the production chapter is 'fell in every year after its peak'; "
           "contradicted if advertising is at its highest since the break; otherwise inconclusive"),
    "N2": ("Drama supply moves from broadcasters to global platforms", "both", False,
           "KCC competition assessment (two years only)",
           "supported if the production chapter finds both the broadcasters' fall and the global "
           "platforms' rise larger than year-to-year variation at every dispersion estimate; "
           "contradicted if both counts move the other way; otherwise inconclusive"),
    "N3": ("A rising share of Korean dramas is first released only on a global streamer", "both", False,
           "MyDramaList scrape (full years)",
           "supported if every window refit of the platform-migration chapter has its 95% interval above 1"),
    "N4": ("Korean titles take a rising share of Netflix's non-English TV Top 10", "both", False,
           "Netflix weekly Top 10, identifiable slots",
           "supported if every window refit of the platform-migration chapter has its 95% interval above 1"),
    "N5": ("Broadcast programme exports grow", "both", False,
           "facts register: programme exports (million USD)",
           "supported if exports rise on the common window and on the whole series; "
           "contradicted if they fall on both; otherwise inconclusive"),
    "N6": ("A domestic-first title still draws a global audience after moving", "both", False,
           "Netflix Top 10 and the first-half 2025 engagement report",
           "supported if Weak Hero Class 1 entered the weekly non-English TV Top 10; "
           "the case was chosen because it succeeded, so it cannot come out against either view"),
}


def _fmt_window(change: dict) -> str:
    return f"{change['start']} to {change['end']}"


def predictions_table(ev: dict, threshold: float = SHARE_THRESHOLD_PP) -> pd.DataFrame:
    """Each prediction, who makes it, the data, the window, the rule, the result and the verdict.

    Columns: ``id``, ``prediction``, ``predicted by`` (:data:`PREDICTED_BY`),
    ``data``, ``window``, ``rule``, ``result``, ``other windows``, ``verdict``
    (:data:`VERDICTS`) and ``discriminating`` (True only for a prediction that
    one view makes and the other does not, and whose test can come out against it).
    ``threshold`` (percentage points) is the band within which a change of a
    share counts as no change (predictions A1 and A2).
    """
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold}")
    start, end = ev["window"]
    uc, uf = ev["users_common"], ev["users_full"]
    rc, rf = ev["revenue_common"], ev["revenue_full"]
    ec, ef = ev["exports_common"], ev["exports_full"]
    shift = ev["drama_shift"]
    ads = ev["ads"]
    whc1 = ev["whc1"]
    kshare, origin = ev["kshare"], ev["origin"]["global_only"]["trend"]
    pairs = ev["users_pairs"]
    outcome = {
        "A1": (f"{uc['first']:.1f}% to {uc['last']:.1f}% ({uc['change']:+.1f} points, {_fmt_window(uc)})",
               f"whole panel {_fmt_window(uf)}: {uf['first']:.1f}% to {uf['last']:.1f}% ({uf['change']:+.1f} points); "
               f"every pair of months a year or more apart: {pairs['change'].min():+.1f} to "
               f"{pairs['change'].max():+.1f} points",
               change_verdict([uc["change"], uf["change"]], -1, threshold), f"{start}-{end}"),
        "A2": (f"{rc['first']:.1f}% to {rc['last']:.1f}% ({rc['change']:+.1f} points, {_fmt_window(rc)})",
               f"longest common years {_fmt_window(rf)}: {rf['change']:+.1f} points",
               change_verdict([rc["change"], rf["change"]], -1, threshold), f"{start}-{end}"),
        "A3": ("no data in this book", "", "not testable here", f"{start}-{end}"),
        "B1": ("no data in this book; the model's break-even decay is shown across a range", "",
               "not testable here", "Weak Hero Class 1's window"),
        "N1": (f"stance: {ads['stance']}",
               f"{ads['first_year']}-{ads['last_year']}: {ads['change_whole_pct']:+.1f}%",
               advertising_verdict(ads), f"{ads['first_year']}-{ads['last_year']} (the series' years)"),
        "N2": (f"broadcasters {shift['bc_first']} to {shift['bc_last']}; "
               f"global OTTs {shift['gott_first']} to {shift['gott_last']}",
               f"production chapter: broadcasters' fall {shift['bc_verdict']}; "
               f"global OTTs' rise {shift['gott_verdict']}",
               drama_supply_verdict(shift), f"{shift['first_year']} and {shift['last_year']}"),
        "N3": (f"odds ratio per year {origin['odds_ratio']:.2f} (95% CI {origin['low']:.2f} to {origin['high']:.2f})",
               str(ev["origin"]["global_only"]["verdict"]),
               trend_verdict(ev["origin"]["global_only"]["verdict"]), str(origin["window"])),
        "N4": (f"odds ratio per year {kshare['odds_ratio']:.2f} (95% CI {kshare['low']:.2f} to {kshare['high']:.2f})",
               str(ev["kshare_verdict"]), trend_verdict(ev["kshare_verdict"]), str(kshare["window"])),
        "N5": (f"{ec['first']:.1f} to {ec['last']:.1f} ({ec['change_pct']:+.1f}%, {_fmt_window(ec)})",
               f"whole series {_fmt_window(ef)}: {ef['change_pct']:+.1f}%",
               change_verdict([ec["change"], ef["change"]], +1), f"{start}-{end}"),
        "N6": (f"{whc1['weeks_in_top10']} weeks in the Top 10; {whc1['views_m']:.1f} million views in the "
               f"first half of 2025, rank {whc1['rank_hangul']} of {whc1['n_hangul']} Hangul-titled shows",
               "", "supported" if whc1["weeks_in_top10"] > 0 else "contradicted", "first half of 2025"),
    }
    rows = []
    for pid, (prediction, by, discriminating, source, rule) in PREDICTIONS.items():
        result, other, verdict, window = outcome[pid]
        rows.append({"id": pid, "prediction": prediction, "predicted by": by, "data": source,
                     "window": window, "rule": rule.format(threshold=threshold), "result": result, "other windows": other,
                     "verdict": verdict, "discriminating": discriminating})
    table = pd.DataFrame(rows)
    check_predictions(table)
    return table


def check_predictions(table: pd.DataFrame) -> None:
    """Raise ``ValueError`` if a row has an unknown verdict or 'predicted by', or is marked
    discriminating although both views (or neither) make it."""
    for _, row in table.iterrows():
        if row["verdict"] not in VERDICTS:
            raise ValueError(f"prediction {row['id']}: verdict {row['verdict']!r} is not one of {VERDICTS}")
        if row["predicted by"] not in PREDICTED_BY:
            raise ValueError(f"prediction {row['id']}: 'predicted by' {row['predicted by']!r} "
                             f"is not one of {PREDICTED_BY}")
        if row["discriminating"] and row["predicted by"] not in ("A only", "B only"):
            raise ValueError(f"prediction {row['id']}: made by {row['predicted by']}, so it cannot discriminate")


def verdict_by_view(table: pd.DataFrame) -> dict[str, str]:
    """Each view's verdict from its discriminating predictions only.

    For view A the rows predicted by 'A only' and marked discriminating count
    (for B, 'B only'). Of those with a verdict other than 'not testable here':
    none -> 'not testable here'; some supported and some contradicted -> 'mixed';
    some contradicted, none supported -> 'contradicted'; some supported, none
    contradicted -> 'supported'; otherwise 'inconclusive'.
    Returns ``{"A": verdict, "B": verdict}``.
    """
    check_predictions(table)
    out = {}
    for view in ("A", "B"):
        rows = table[(table["predicted by"] == f"{view} only") & table["discriminating"].astype(bool)]
        tested = set(rows.loc[rows["verdict"] != "not testable here", "verdict"])
        if not tested:
            out[view] = "not testable here"
        elif {"supported", "contradicted"} <= tested:
            out[view] = "mixed"
        elif "contradicted" in tested:
            out[view] = "contradicted"
        elif "supported" in tested:
            out[view] = "supported"
        else:
            out[view] = "inconclusive"
    return out


def glue_predictions(table: pd.DataFrame) -> dict:
    """Glue every prediction's verdict and each view's verdict under shared ``ev_`` keys.

    Keys: ``ev_pred_<id>_verdict`` (id in lower case), ``ev_view_a_verdict``,
    ``ev_view_b_verdict``, ``ev_pred_n`` (predictions), ``ev_pred_n_discriminating``,
    ``ev_pred_window`` (the common window, text). Returns what was glued.
    """
    from korean_ott.glue import glue_number, glue_text

    views = verdict_by_view(table)
    glued = {}
    for _, row in table.iterrows():
        key = f"ev_pred_{row['id'].lower()}_verdict"
        glued[key] = glue_text(key, row["verdict"])
    glued["ev_view_a_verdict"] = glue_text("ev_view_a_verdict", views["A"])
    glued["ev_view_b_verdict"] = glue_text("ev_view_b_verdict", views["B"])
    glued["ev_pred_n"] = glue_number("ev_pred_n", len(table))
    glued["ev_pred_n_discriminating"] = glue_number("ev_pred_n_discriminating", int(table["discriminating"].sum()))
    glued["ev_pred_window"] = glue_text("ev_pred_window", f"{COMMON_WINDOW[0]}–{COMMON_WINDOW[1]}")
    return glued


def glue_shares(ev: dict) -> dict:
    """Glue the user and revenue shares behind predictions A1 and A2 under ``ev_users_*`` and
    ``ev_revenue_*`` keys (percent and percentage points at one decimal; months and years as text)."""
    from korean_ott.glue import glue_number, glue_text

    glued = {}
    for name in ("users", "revenue"):
        for window in ("common", "full"):
            change = ev[f"{name}_{window}"]
            prefix = f"ev_{name}_{window}"
            glued[f"{prefix}_start"] = glue_text(f"{prefix}_start", change["start"])
            glued[f"{prefix}_end"] = glue_text(f"{prefix}_end", change["end"])
            glued[f"{prefix}_first"] = glue_number(f"{prefix}_first", change["first"], 1)
            glued[f"{prefix}_last"] = glue_number(f"{prefix}_last", change["last"], 1)
            glued[f"{prefix}_change"] = glue_number(f"{prefix}_change", change["change"], 1)
    return glued
