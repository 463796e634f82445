"""Two small models of the expert views in the founding article, and the data checks they need.

View A, the *vicious cycle* (Prof. Lee Sang-won in the founding article): falling
revenue means less reinvestment, weaker content and fewer subscribers, ending in
full platform dependence. :func:`simulate_reinvestment` writes it as difference
equations with a content stock, subscribers who follow content with a lag, and a
reinvestment rule out of revenue net of fixed costs.

View B, *domestic first, then license* (critic Cho Young-shin): a producer earns
from a domestic window first and then licenses the title to a global platform.
:func:`windowing_revenue` compares that path with selling a commission straight
to the global platform on cost-plus terms.

All parameters are **assumptions** of a stylised model, expressed in index units
(the domestic sector's revenue in period 0 is 100; production cost of a title is
1). Where a parameter can be anchored on data the chapter says which row or
dataset anchors it. The data helpers at the end (library decay, platform of
origin in MyDramaList, Korean share of the Top 10) compute the evidence the
chapter checks the models' predictions against.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from korean_ott.stats import percent_change
from korean_ott.titles import hangul_mask

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
    "share0": "domestic market share in year 0 (s0)",
}


def calibrate_reinvestment(*, ad_share: float, share0: float, reinvest_rate: float,
                           depreciation: float, fixed_cost_share: float,
                           adjust_speed: float = 0.5, ad_growth: float = 0.0,
                           revenue0: float = 100.0) -> ReinvestmentParams:
    """Parameters that put period 0 exactly at a steady state with constant advertising.

    Revenue in period 0 is ``revenue0``, of which ``ad_share`` is advertising;
    fixed costs are ``fixed_cost_share`` of it. The content stock is the level
    that current reinvestment just maintains (delta*Q = r*(R - F)) and the
    global stock is set so that this content stock earns market share ``share0``.
    ``ad_growth`` is then applied from period 0 on.
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
        adjust_speed=adjust_speed, content0=content0, share0=share0)


def target_share(content: float | np.ndarray, global_content: float) -> float | np.ndarray:
    """Market share that a content stock attracts against the global platform's: Q / (Q + G)."""
    return content / (content + global_content)


def simulate_reinvestment(params: ReinvestmentParams, periods: int) -> pd.DataFrame:
    """Run the feedback loop for ``periods`` years after period 0.

    Equations, for t = 0, 1, ...::

        A_t     = A_0 (1 + g)^t                         advertising revenue
        R_t     = price * s_t + A_t                     revenue
        I_t     = r * max(R_t - F, 0)                   reinvestment
        Q_{t+1} = (1 - delta) Q_t + I_t                 content stock
        s_{t+1} = s_t + lambda (Q_t / (Q_t + G) - s_t)  market share (subscribers)

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
        share = share + p.adjust_speed * (target_share(content, p.global_content) - share)
        content = new_content
    return pd.DataFrame(rows, columns=["period", "content", "share", "ad_revenue", "revenue", "investment"])


def reinvestment_steady_states(params: ReinvestmentParams) -> list[float]:
    """Steady-state content stocks with advertising held at ``ad_revenue`` (ascending).

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


# --- View B: windowing ---------------------------------------------------------


@dataclass(frozen=True)
class WindowingParams:
    """Revenue of one title, in multiples of its production cost.

    Attributes
    ----------
    domestic_revenue
        d: what the domestic window (platform fee, advertising, domestic VOD)
        returns, as a multiple of production cost.
    licence_fee
        l: what a global platform would pay to license the title if it were
        new, as a multiple of production cost.
    decay
        k: yearly rate at which a title's licence value decays with age
        (continuous, per year).
    discount_rate
        rho: producer's yearly discount rate (continuous).
    window_years
        w: years between domestic release and the global licence.
    cost_plus_margin
        m: margin over cost a global platform pays for a direct commission
        (the producer then keeps no rights).
    ip_value
        u: value of the rights the producer keeps on the domestic-first path
        (sequels, remakes, other territories), as a multiple of cost.
    """

    domestic_revenue: float
    licence_fee: float
    decay: float
    discount_rate: float
    window_years: float
    cost_plus_margin: float
    ip_value: float = 0.0

    def __post_init__(self):
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} must not be negative, got {getattr(self, f.name)}")


WINDOWING_MEANING = {
    "domestic_revenue": "domestic-window revenue, multiple of production cost (d)",
    "licence_fee": "global licence fee for a new title, multiple of cost (l)",
    "decay": "yearly decay of licence value with the title's age (k)",
    "discount_rate": "producer's yearly discount rate (rho)",
    "window_years": "years from domestic release to global licence (w)",
    "cost_plus_margin": "margin over cost paid for a direct global commission (m)",
    "ip_value": "value of rights kept on the domestic-first path, multiple of cost (u)",
}


def windowing_revenue(params: WindowingParams) -> dict[str, float]:
    """Present value of the two paths, per unit of production cost.

    * direct to global: ``1 + m`` (cost-plus; rights go to the platform);
    * domestic first: ``d + l * exp(-(k + rho) * w) + u``.

    Returns ``{"domestic_first", "direct_to_global", "difference"}`` where
    difference = domestic first minus direct to global.
    """
    p = params
    licence = p.licence_fee * math.exp(-(p.decay + p.discount_rate) * p.window_years)
    domestic_first = p.domestic_revenue + licence + p.ip_value
    direct = 1 + p.cost_plus_margin
    return {"domestic_first": domestic_first, "direct_to_global": direct,
            "difference": domestic_first - direct}


def break_even_domestic_revenue(params: WindowingParams) -> float:
    """Domestic revenue d* at which the two paths earn the same (may be negative)."""
    p = params
    return 1 + p.cost_plus_margin - p.ip_value - p.licence_fee * math.exp(
        -(p.decay + p.discount_rate) * p.window_years)


def break_even_window(params: WindowingParams) -> float:
    """Longest window w* for which domestic first still earns at least direct to global.

    w* = ln(l / (1 + m - d - u)) / (k + rho). Returns ``inf`` when domestic
    first wins at any window (d + u >= 1 + m), and ``nan`` when it loses even
    with no window (l <= 1 + m - d - u) or when decay and discounting are zero.
    """
    p = params
    gap = 1 + p.cost_plus_margin - p.domestic_revenue - p.ip_value
    if gap <= 0:
        return math.inf
    rate = p.decay + p.discount_rate
    if p.licence_fee <= gap or rate == 0:
        return math.nan if p.licence_fee <= gap else math.inf
    return math.log(p.licence_fee / gap) / rate


def windowing_grid(params: WindowingParams, x: str, x_values, y: str, y_values) -> pd.DataFrame:
    """Domestic-first minus direct-to-global over a grid of two parameters (long format)."""
    names = {f.name for f in fields(params)}
    for name in (x, y):
        if name not in names:
            raise ValueError(f"unknown parameter {name!r}")
    rows = []
    for yv in y_values:
        for xv in x_values:
            result = windowing_revenue(replace(params, **{x: float(xv), y: float(yv)}))
            rows.append({x: float(xv), y: float(yv), "difference": result["difference"]})
    return pd.DataFrame(rows)


def parameter_table(params, meaning: dict[str, str], anchors: dict[str, str]) -> pd.DataFrame:
    """A tidy table of a parameter set: name, value, meaning, what anchors it."""
    values = asdict(params)
    return pd.DataFrame({
        "parameter": list(values),
        "value": [round(float(v), 3) for v in values.values()],
        "meaning": [meaning[name] for name in values],
        "anchor": [anchors.get(name, "assumption") for name in values],
    })


# --- Evidence helpers ------------------------------------------------------------

#: Engagement reports in order; each is a half-year.
REPORT_ORDER = ("2023H1", "2023H2", "2024H1", "2024H2", "2025H1")


def library_decay(engagement: pd.DataFrame, released_before: str = "2023-01-01") -> pd.DataFrame:
    """Per-title log-linear decline of hours viewed for Korean library shows.

    Titles: shows whose engagement-report title carries Hangul, released on
    Netflix before ``released_before``, with positive hours in all five reports.
    For each title the slope of ln(hours) on the half-year index is fitted by
    least squares. Returns one row per title: ``title``, ``slope_per_half_year``.
    """
    shows = engagement[engagement["kind"].isin(["show", "show or film"])
                       & hangul_mask(engagement["title"])
                       & (engagement["release_date"] < pd.Timestamp(released_before))]
    wide = shows.pivot_table(index="title", columns="report", values="hours_viewed", aggfunc="sum")
    wide = wide.reindex(columns=list(REPORT_ORDER)).dropna()
    wide = wide[(wide > 0).all(axis=1)].sort_index()
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
    mean = float(values.mean())
    half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    to_loss = lambda b: 1 - math.exp(2 * b)  # noqa: E731
    return {"n_titles": n, "rate": -2 * mean, "rate_low": -2 * (mean + half), "rate_high": -2 * (mean - half),
            "loss": to_loss(mean), "loss_low": to_loss(mean + half), "loss_high": to_loss(mean - half)}


GLOBAL_PLATFORMS = re.compile(r"Netflix|Disney\+|Hulu|Amazon Prime|Apple TV\+")


def classify_origin(org_net: object) -> str:
    """Platform of first release from MyDramaList's ``org_net`` field.

    'global only' when every network named is a global streamer (Netflix,
    Disney+, Hulu, Amazon Prime, Apple TV+); 'global with domestic' when a global
    streamer is named alongside a Korean channel or service; 'domestic or other'
    when none is; 'unknown' when the field is missing.
    """
    if not isinstance(org_net, str) or not org_net.strip():
        return "unknown"
    if not GLOBAL_PLATFORMS.search(org_net):
        return "domestic or other"
    rest = GLOBAL_PLATFORMS.sub("", org_net).strip()
    return "global only" if not rest else "global with domestic"


def share_by_year(frame: pd.DataFrame, year: str, flag: str) -> pd.DataFrame:
    """Share of rows with ``flag`` true per ``year``, with Wilson 95% intervals (in percent)."""
    grouped = frame.groupby(year)[flag].agg(["sum", "size"]).rename(columns={"sum": "k", "size": "n"})
    low, high = proportion_confint(grouped["k"], grouped["n"], alpha=0.05, method="wilson")
    out = grouped.reset_index()
    out["k"] = out["k"].astype(int)
    out["n"] = out["n"].astype(int)
    out["share_pct"] = (100 * out["k"] / out["n"]).round(1)
    out["ci_low_pct"] = (100 * np.asarray(low)).round(1)
    out["ci_high_pct"] = (100 * np.asarray(high)).round(1)
    return out


def logistic_trend(frame: pd.DataFrame, year: str, flag: str, cluster: str | None = None) -> dict[str, float]:
    """Odds ratio per year of ``flag`` (logistic regression on year), with its 95% CI.

    With ``cluster`` (a column name) the interval is cluster-robust, for rows that
    repeat the same unit (e.g. one title in several weekly lists).
    """
    import statsmodels.api as sm

    x = sm.add_constant(frame[year].astype(float) - float(frame[year].min()))
    model = sm.GLM(frame[flag].astype(float).to_numpy(), x.to_numpy(), family=sm.families.Binomial())
    if cluster is None:
        fit = model.fit()
    else:
        groups = pd.factorize(frame[cluster])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    coef = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int()[1])
    return {"odds_ratio": math.exp(coef), "or_low": math.exp(low), "or_high": math.exp(high),
            "p_value": float(fit.pvalues[1])}


def drama_origin(mdl: pd.DataFrame, last_full_year: int = 2022) -> pd.DataFrame:
    """MyDramaList dramas with a known network, their origin class and a global-only flag.

    Years after ``last_full_year`` are dropped (the scrape stops in mid-2023).
    """
    out = mdl[["drama_name", "year", "org_net"]].copy()
    out["origin"] = out["org_net"].map(classify_origin)
    out = out[(out["origin"] != "unknown") & (out["year"] <= last_full_year)].copy()
    out["year"] = out["year"].astype(int)
    out["global_only"] = out["origin"] == "global only"
    return out


def korean_top10_nonenglish_tv(marked: pd.DataFrame, last_week: str = "2025-06-29") -> pd.DataFrame:
    """Identifiable rows of the non-English TV Top 10 up to ``last_week``, with a year column.

    ``marked`` is the output of :func:`korean_ott.titles.identify_korean_top10`;
    rows that cannot be identified are left out, not counted as non-Korean.
    """
    rows = marked[(marked["category"] == "TV (Non-English)") & marked["identifiable"]
                  & (marked["week"] <= pd.Timestamp(last_week))].copy()
    rows["year"] = rows["week"].dt.year.astype(int)
    rows["is_korean"] = rows["is_korean"].astype(bool)
    return rows[["week", "year", "weekly_rank", "show_title", "season_title", "is_korean"]]


def title_record(top10: pd.DataFrame, engagement: pd.DataFrame, season_title: str,
                 report: str = "2025H1") -> dict[str, float]:
    """A season's weeks in the global Top 10, its best week, and its rank in one engagement report.

    The rank is among the report's shows whose title carries Hangul (Korean shows),
    by views; ``percentile`` is the share of those shows it out-drew, in percent.
    """
    weeks = top10[top10["season_title"] == season_title]
    shows = engagement[(engagement["report"] == report) & (engagement["kind"] == "show")
                       & hangul_mask(engagement["title"])].copy()
    shows = shows[shows["views"].notna()]
    own = shows[shows["title"].str.startswith(season_title + " // ")]
    if len(own) != 1:
        raise ValueError(f"expected one row for {season_title!r} in {report}, found {len(own)}")
    views = float(own["views"].iloc[0])
    rank = int((shows["views"] > views).sum()) + 1
    return {"weeks_in_top10": int(len(weeks)),
            "peak_views_m": round(float(weeks["weekly_views"].max()) / 1e6, 1),
            "best_rank": int(weeks["weekly_rank"].min()),
            "report_views_m": round(views / 1e6, 1), "report_rank": rank,
            "report_n_korean_shows": int(len(shows)),
            "percentile": round(100 * float((shows["views"] < views).mean()), 1)}


# --- The evidence both chapters use --------------------------------------------------

def _pct(old: float, new: float) -> float:
    return round(percent_change(old, new), 1)


def collect_evidence(data_dir=None) -> dict:
    """Compute, from ``data/``, every number the expert-views chapter checks.

    Returns a dict of rounded numbers plus three tables (``drama_origin_by_year``,
    ``korean_top10_by_year``, ``library_slopes``). Facts-register values are read
    with :func:`korean_ott.data.fact_number`; nothing is typed in.
    """
    from korean_ott import data, titles

    f = lambda fid: data.fact_number(fid, data_dir)  # noqa: E731
    ev: dict = {}
    # Advertising (KCC property-status series, 2019 and 2024).
    ev["ads_2019"], ev["ads_2024"] = f("F062"), f("F067")
    ev["ads_change_pct"] = _pct(ev["ads_2019"], ev["ads_2024"])
    ev["ads_cagr_pct"] = round(((ev["ads_2024"] / ev["ads_2019"]) ** (1 / 5) - 1) * 100, 1)
    ev["ad_share_terrestrial_pct"] = f("F077")
    # Domestic platforms' revenue and losses (bn KRW).
    ev["wavve_rev_2022"], ev["wavve_rev_2023"] = f("F097"), f("F100")
    ev["wavve_rev_change_pct"] = _pct(ev["wavve_rev_2022"], ev["wavve_rev_2023"])
    ev["tving_rev_2022"], ev["tving_rev_2024"] = f("F110"), f("F113")
    ev["tving_rev_change_pct"] = _pct(ev["tving_rev_2022"], ev["tving_rev_2024"])
    ev["wavve_loss_2022"], ev["wavve_loss_2024"] = f("F098"), f("F103")
    ev["tving_loss_2021"], ev["tving_loss_2023"] = f("F107"), round(f("F111"), 1)
    ev["netflix_kr_rev_2019"], ev["netflix_kr_rev_2023"] = f("F119"), f("F123")
    # Content investment signals.
    ev["wavve_original_dramas_2024"] = int(f("F105"))
    ev["tving_original_dramas_2023"] = int(f("F117"))
    # Users (Mobile Index panel only; WiseApp is never mixed in).
    ev["wavve_mau_2021"], ev["wavve_mau_2024"] = f("F126"), f("F133")
    ev["wavve_mau_change_pct"] = _pct(ev["wavve_mau_2021"], ev["wavve_mau_2024"])
    ev["netflix_mau_2021"], ev["netflix_mau_2025"] = f("F124"), f("F141")
    ev["netflix_mau_change_pct"] = _pct(ev["netflix_mau_2021"], ev["netflix_mau_2025"])
    # Where dramas are made (KCC assessment, 2019 and 2023).
    ev["bcast_dramas_2019"], ev["bcast_dramas_2023"] = int(f("F050")), int(f("F051"))
    ev["global_dramas_2019"], ev["global_dramas_2023"] = int(f("F052")), int(f("F053"))
    for year in (2019, 2023):
        g, b = ev[f"global_dramas_{year}"], ev[f"bcast_dramas_{year}"]
        ev[f"global_drama_share_{year}_pct"] = round(100 * g / (g + b), 1)
    # Selling after domestic airing.
    ev["exports_2020"], ev["exports_2023"] = f("F088"), f("F091")
    ev["exports_change_pct"] = _pct(ev["exports_2020"], ev["exports_2023"])
    ev["programme_sales_2022"] = f("F086")

    # MyDramaList: share of dramas first released only on a global streamer.
    origin = drama_origin(data.load_mdl_dramas(data_dir))
    by_year = share_by_year(origin, "year", "global_only")
    trend = logistic_trend(origin, "year", "global_only")
    ev["drama_origin_by_year"] = by_year
    first, last = by_year.iloc[0], by_year.iloc[-1]
    ev["mdl_first_year"], ev["mdl_last_year"] = int(first["year"]), int(last["year"])
    ev["mdl_share_first_pct"], ev["mdl_share_last_pct"] = float(first["share_pct"]), float(last["share_pct"])
    ev["mdl_last_low_pct"], ev["mdl_last_high_pct"] = float(last["ci_low_pct"]), float(last["ci_high_pct"])
    ev["mdl_n"] = int(by_year["n"].sum())
    ev["mdl_or"], ev["mdl_or_low"], ev["mdl_or_high"] = (round(trend[k], 2) for k in ("odds_ratio", "or_low", "or_high"))

    # Netflix non-English TV Top 10: Korean share per year (identifiable rows, to June 2025).
    top10 = data.load_top10_weekly(data_dir)
    engagement = data.load_engagement(data_dir)
    marked = titles.identify_korean_top10(top10, engagement, data.load_netflix_catalogue_2021(data_dir))
    rows = korean_top10_nonenglish_tv(marked)
    rows["title_unit"] = rows["season_title"].where(rows["season_title"] != "N/A", rows["show_title"])
    kor = share_by_year(rows, "year", "is_korean")
    ktrend = logistic_trend(rows, "year", "is_korean", cluster="title_unit")
    ev["korean_top10_by_year"] = kor
    ev["kor_first_year"], ev["kor_last_year"] = int(kor.iloc[0]["year"]), int(kor.iloc[-1]["year"])
    ev["kor_share_first_pct"], ev["kor_share_last_pct"] = float(kor.iloc[0]["share_pct"]), float(kor.iloc[-1]["share_pct"])
    ev["kor_or"], ev["kor_or_low"], ev["kor_or_high"] = (round(ktrend[k], 2) for k in ("odds_ratio", "or_low", "or_high"))

    # Library titles after moving: Weak Hero Class 1, and library decay of Korean shows.
    whc1 = title_record(top10, engagement, "Weak Hero: Class 1")
    ev.update({f"whc1_{k}": v for k, v in whc1.items()})
    whc2 = top10[top10["season_title"] == "Weak Hero: Class 2"].sort_values("week")
    ev["whc2_first_week_views_m"] = round(float(whc2["weekly_views"].iloc[0]) / 1e6, 1)
    ev["whc2_weeks_in_top10"] = int(len(whc2))
    slopes = library_decay(engagement)
    decay = annual_decay_estimate(slopes["slope_per_half_year"])
    ev["library_slopes"] = slopes
    ev["lib_n"] = int(decay["n_titles"])
    for key in ("rate", "rate_low", "rate_high"):
        ev[f"lib_{key}"] = round(decay[key], 3)
    for key in ("loss", "loss_low", "loss_high"):
        ev[f"lib_{key}_pct"] = round(100 * decay[key], 1)
    return ev


#: The verdict words the predictions table uses.
VERDICTS = ("supported", "contradicted", "inconclusive", "not testable here")


def _direction(value: float, predicted_sign: int) -> str:
    if value == 0:
        return "inconclusive"
    return "supported" if (value > 0) == (predicted_sign > 0) else "contradicted"


def _trend_verdict(low: float, high: float) -> str:
    if low > 1:
        return "supported"
    if high < 1:
        return "contradicted"
    return "inconclusive"


def predictions_table(ev: dict) -> pd.DataFrame:
    """Each view's checkable predictions, the data that check them, and the verdict.

    Verdicts follow fixed rules from the computed numbers: a change in the
    predicted direction is 'supported', the other way 'contradicted'; a trend is
    'supported' only when the 95% CI of its odds ratio excludes 1 in the predicted
    direction; 'not testable here' when the book holds no data for it.
    """
    lib_verdict = "supported" if ev["lib_loss_high_pct"] < 50 else "inconclusive"
    rows = [
        ("A1", "vicious cycle", "Broadcast advertising keeps falling",
         "KCC property status, F062, F067",
         f"{ev['ads_2019']} to {ev['ads_2024']} trn KRW, 2019-2024 ({ev['ads_change_pct']}%)",
         _direction(ev["ads_change_pct"], -1)),
        ("A2", "vicious cycle", "Wavve's revenue falls",
         "F097, F100",
         f"{ev['wavve_rev_2022']} to {ev['wavve_rev_2023']} bn KRW, 2022-2023 ({ev['wavve_rev_change_pct']}%)",
         _direction(ev["wavve_rev_change_pct"], -1)),
        ("A3", "vicious cycle", "Tving's revenue falls",
         "F110, F113",
         f"{ev['tving_rev_2022']} to {ev['tving_rev_2024']} bn KRW, 2022-2024 ({ev['tving_rev_change_pct']}%)",
         _direction(ev["tving_rev_change_pct"], -1)),
        ("A4", "vicious cycle", "Domestic platforms cut content investment",
         "F105, F117",
         f"Wavve: {ev['wavve_original_dramas_2024']} original dramas scheduled for 2024; "
         f"Tving: {ev['tving_original_dramas_2023']} original dramas in 2023",
         "supported" if ev["wavve_original_dramas_2024"] == 0 else "inconclusive"),
        ("A5", "vicious cycle", "Domestic platforms lose users",
         "Mobile Index MAU, F126, F133",
         f"Wavve {ev['wavve_mau_2021']}m (Feb 2021) to {ev['wavve_mau_2024']}m (Mar 2024) ({ev['wavve_mau_change_pct']}%)",
         _direction(ev["wavve_mau_change_pct"], -1)),
        ("A6", "vicious cycle", "Drama production shifts from broadcasters to global platforms",
         "KCC assessment, F050-F053",
         f"broadcasters {ev['bcast_dramas_2019']} to {ev['bcast_dramas_2023']}; global OTTs "
         f"{ev['global_dramas_2019']} to {ev['global_dramas_2023']} (2019-2023)",
         "supported" if ev["bcast_dramas_2023"] < ev["bcast_dramas_2019"]
         and ev["global_dramas_2023"] > ev["global_dramas_2019"] else "contradicted"),
        ("A7", "vicious cycle", "Rising share of Korean dramas made only for global streamers",
         "MyDramaList org_net, 2015-2022",
         f"{ev['mdl_share_first_pct']}% ({ev['mdl_first_year']}) to {ev['mdl_share_last_pct']}% "
         f"({ev['mdl_last_year']}); odds ratio per year {ev['mdl_or']} (95% CI {ev['mdl_or_low']} to {ev['mdl_or_high']})",
         _trend_verdict(ev["mdl_or_low"], ev["mdl_or_high"])),
        ("A8", "vicious cycle", "Korean titles take a rising share of Netflix's non-English TV Top 10",
         "Netflix Top 10, identifiable rows to June 2025",
         f"{ev['kor_share_first_pct']}% ({ev['kor_first_year']}) to {ev['kor_share_last_pct']}% "
         f"({ev['kor_last_year']}, Jan-Jun); odds ratio per year {ev['kor_or']} (95% CI {ev['kor_or_low']} to {ev['kor_or_high']})",
         _trend_verdict(ev["kor_or_low"], ev["kor_or_high"])),
        ("A9", "vicious cycle", "Viewing of domestic platforms' own titles falls",
         "none (no title-level viewing for Wavve or Tving)", "no data in this book", "not testable here"),
        ("B1", "windowing", "A domestic-first title can still draw a global audience after moving",
         "Netflix Top 10 and H1 2025 engagement report",
         f"Weak Hero Class 1: {ev['whc1_weeks_in_top10']} weeks in the Top 10, best week {ev['whc1_peak_views_m']}m views; "
         f"{ev['whc1_report_views_m']}m views in H1 2025, rank {ev['whc1_report_rank']} of {ev['whc1_report_n_korean_shows']} Korean shows",
         "supported" if ev["whc1_weeks_in_top10"] > 0 else "contradicted"),
        ("B2", "windowing", "Korean library shows keep most of their value from year to year",
         "engagement reports H1 2023-H1 2025",
         f"{ev['lib_n']} library shows lose {ev['lib_loss_pct']}% of hours a year "
         f"(95% CI {ev['lib_loss_low_pct']} to {ev['lib_loss_high_pct']})",
         lib_verdict),
        ("B3", "windowing", "Selling programmes after domestic airing is a growing income",
         "F086-F091",
         f"programme exports US${ev['exports_2020']}m to US${ev['exports_2023']}m, 2020-2023 ({ev['exports_change_pct']}%)",
         _direction(ev["exports_change_pct"], +1)),
        ("B4", "windowing", "Producers earn more from domestic first then licence than from a direct commission",
         "none (no licence fees or title-level revenue)", "no data in this book", "not testable here"),
    ]
    table = pd.DataFrame(rows, columns=["id", "view", "prediction", "data that check it", "what the data show", "verdict"])
    assert table["verdict"].isin(VERDICTS).all()
    return table
