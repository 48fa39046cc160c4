"""What a reader of the charts expects: shares where volumes are capped, partial years
marked, topic keywords out of a topic's top terms, the platform filter in the title, eight
emotion colours told apart, emoji drawn or spelled out, one year on a sane axis."""

from __future__ import annotations

import itertools
import math
import warnings

import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import sql
from flows.reporting import png, report, report_lexicon, report_shifts
from flows.reporting.chart_text import drawable
from tests.test_views_report import POSTS, _new_db


@pytest.fixture
def con(tmp_path):
    con = _new_db(tmp_path / "charts.duckdb", POSTS)
    yield con
    con.close()


def test_topic_volume_is_a_share_of_the_years_posts(con):
    rows = con.execute(sql.read("report_topic_volume.sql"),
                       {"from_year": None, "to_year": None, "platform": None}).fetchall()
    plastic = {r[0]: r for r in rows if r[1] == "plastic"}
    assert plastic[2020][2:] == (1, 5, pytest.approx(1 / 5))  # t1 of the 5 posts of 2020
    assert plastic[2021][2:] == (1, 6, pytest.approx(1 / 6))  # r3 of the 6 posts of 2021
    reddit = con.execute(sql.read("report_topic_volume.sql"),
                         {"from_year": 2021, "to_year": None, "platform": "reddit"}).fetchall()
    assert (2021, "plastic", 1, 3, pytest.approx(1 / 3)) in reddit


def test_report_years_count_the_months_with_posts(con):
    con.execute("INSERT INTO totals (month, platform, posts, run_id) VALUES ('2020-01', 'twitter', 3, 'r'), "
                "('2020-12', 'twitter', 1, 'r'), ('2021-03', 'twitter', 2, 'r')")
    rows = con.execute(sql.read("report_years.sql"), {"from_year": None, "to_year": None, "platform": None}).fetchall()
    assert rows == [(2020, 2, "2020-01", "2020-12", 4), (2021, 1, "2021-03", "2021-03", 2)]


def tick_labels(ax) -> list[str]:
    ax.figure.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def test_one_year_gets_a_plain_year_axis():
    ax = Figure().add_subplot()
    ax.plot([2016], [0.4], marker="o")
    report._year_axis(ax, {})
    assert tick_labels(ax) == ["2015", "2016", "2017"]
    assert ax.xaxis.get_offset_text().get_text() == ""  # no "+2.016e3"


def test_partial_years_are_starred_and_explained():
    ax = Figure().add_subplot()
    ax.plot([2019, 2020, 2021], [0.1, 0.2, 0.3])
    report._year_axis(ax, {2021: "2021-01..2021-11"})
    assert "2021*" in tick_labels(ax) and "2020" in tick_labels(ax)
    assert (report._year_label({2021: "2021-01..2021-11"})
            == "Year (* partial year, months with posts 2021: 2021-01..2021-11)")
    assert report._year_label({}) == "Year"


def test_topic_keywords_and_their_parts_leave_a_topics_top_terms():
    rows = [{"topic": "air_quality", "year": 2020, "term": t} for t in ("air", "quality", "smog", "asthma", "delhi",
                                                                         "climate", "masks", "cars")]
    assert [r["term"] for r in report._without_topic_keywords(rows)] == ["asthma", "delhi", "masks"]


def test_the_title_names_the_platform_filter():
    assert report._window_label(None, None, None) == " (all platforms)"
    assert report._window_label(2019, None, "reddit") == " (2019–…, platform: reddit)"


# Machado, Oliveira & Fernandes 2009: full protanopia / deuteranopia on linear RGB
VISION = {"normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
          "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                         (-0.003882, -0.048116, 1.051998)),
          "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                           (-0.011820, 0.042940, 0.968881))}


def lab(colour: str, vision) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour as seen with `vision`."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    r, g, b = (min(1.0, max(0.0, sum(m * v for m, v in zip(row, linear)))) for row in vision)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_the_eight_emotion_colours_stay_apart_with_colour_blindness_and_have_their_own_markers():
    assert len(report.EMOTION_COLORS) == 8 and len(set(report.EMOTION_MARKERS.values())) == 8
    for name, vision in VISION.items():
        seen = [lab(c, vision) for c in report.EMOTION_COLORS.values()]
        closest = min(math.dist(a, b) for a, b in itertools.combinations(seen, 2))
        assert closest > 15, name  # ΔE76; the former colours came within 6.0 under protanopia


def test_characters_the_font_lacks_are_spelled_out():
    assert drawable("hot 🌍\ufe0f day") == "hot [earth globe europe-africa] day"
    assert drawable("café ☀") == "café ☀"  # drawable characters stay


def test_emoji_terms_draw_without_missing_glyphs(tmp_path):
    by_year = {2020: [{"term": "🌍", "df": 12, "support": 11, "sentiment": 0.4, "side": "positive"},
                      {"term": "🔥🔥", "df": 30, "support": 25, "sentiment": -0.5, "side": "negative"}]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        report_lexicon.plot_top_terms(by_year, tmp_path / "t.png", "")


def long_labelled_chart() -> Figure:
    """A chart whose layout depends on text extents: long tick labels, a legend outside, a title."""
    fig = Figure(figsize=(10.0, 7.5), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(6), [0.3, -0.2, 0.1, 0.05, -0.4, 0.25], label="contribution")
    ax.set_yticks(range(6), [f"a rather long term {i} ↑+  (12 → 34 posts)" for i in range(6)])
    ax.set_xlabel("contribution to the change of the average valence")
    fig.legend(loc="outside lower center", ncol=2)
    fig.suptitle("Why the words' average valence moved")
    return fig


def count_draws(monkeypatch) -> list[int]:
    draws = []
    draw = Figure.draw

    def counted(self, renderer):
        draws.append(1)
        return draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    return draws


def test_a_chart_is_saved_with_one_draw_and_the_pixels_savefig_gives(tmp_path, monkeypatch):
    long_labelled_chart().savefig(tmp_path / "savefig.png", dpi=png.DPI, format="png")
    draws = count_draws(monkeypatch)
    png.save_png(long_labelled_chart(), tmp_path / "once.png")
    assert len(draws) == 1  # savefig alone: 2 (a draw with rendering off, for the layout)
    assert (tmp_path / "once.png").read_bytes() == (tmp_path / "savefig.png").read_bytes()


def test_the_reports_charts_are_drawn_once(tmp_path, monkeypatch):
    draws = count_draws(monkeypatch)
    rows = [{"term": t, "usage": "more", "relative": "+", "df_a": 1, "df_b": 3, "contribution": c,
             "change": 0.05, "average_a": -0.1, "average_b": -0.05} for t, c in (("good", 0.03), ("bad", -0.01))]
    report_shifts.plot_shift(rows, (2020, 2021), tmp_path / "shift.png", "")
    report_lexicon.plot_top_terms({2020: [{"term": "good", "df": 12, "support": 11, "sentiment": 0.4}]},
                                  tmp_path / "top.png", "")
    png.save_no_data(tmp_path / "none.png", "nothing")
    assert len(draws) == 3


def saved_figures(monkeypatch, *modules) -> list[Figure]:
    """The figures the modules' charts save (through `png.save_png`), kept for inspection."""
    saved = []

    def keep(fig, path):
        saved.append(fig)
        return png.save_png(fig, path)

    for module in modules:
        monkeypatch.setattr(module, "save_png", keep)
    return saved


def texts_outside(fig: Figure) -> list[str]:
    """The figure's drawn texts (titles, axis and tick labels, legends) not wholly inside the PNG."""
    texts = [*fig.texts, *(t for legend in fig.legends for t in (legend.get_title(), *legend.get_texts()))]
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label,  # tick labels beyond the limits are not drawn
                  *(t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1),
                  *(t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1)]
    renderer = fig.canvas.get_renderer()
    outside = []
    for text in texts:
        if text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            if box.x0 < fig.bbox.x0 - 0.5 or box.x1 > fig.bbox.x1 + 0.5 or box.y0 < fig.bbox.y0 - 0.5 \
                    or box.y1 > fig.bbox.y1 + 0.5:
                outside.append(text.get_text())
    return outside


def test_the_lexicon_charts_texts_fit_in_the_png(tmp_path, monkeypatch):
    """The axis labels explain the charts at length: on one line the word shift's ran past the
    PNG's right edge ('bars sum to the tota'), the top terms' past both edges."""
    saved = saved_figures(monkeypatch, report_shifts, report_lexicon)
    rows = [{"term": f"term{i}", "usage": "more", "relative": "+", "df_a": 1_234, "df_b": 5_678,
             "contribution": 0.001 * (i - 7), "change": -0.0022, "average_a": 0.0224, "average_b": 0.0202}
            for i in range(20)]
    report_shifts.plot_shift(rows, (2021, 2022), tmp_path / "shift.png", " (all platforms)")
    by_year = {year: [{"term": f"word{i}", "df": 40, "support": 12, "sentiment": 0.1 * (i - 5)} for i in range(10)]
               for year in range(2016, 2024)}
    report_lexicon.plot_top_terms(by_year, tmp_path / "top.png", " (all platforms)")
    assert len(saved) == 2
    assert [texts_outside(fig) for fig in saved] == [[], []]
    # one parenthesis, not "(last 8 at most) (the year's own lexicon) (all platforms)"
    assert saved[1]._suptitle.get_text() == ("Most positive and most negative terms of each year's own lexicon, "
                                             "the last 8 years (all platforms)")
