"""history.charts: the geometry of the history line charts, and the column links they draw (escaped)."""

from history.charts import HEIGHT, PanelSpec, Point, column_links, line_chart, nice_ceiling, stacked
from history.summary import summarise_states
from tests.support.history import altered, state


def points(*values: float) -> list[Point]:
    return [Point(f"sha{i}", f"#{i}", f"day {i}", {"n": v}) for i, v in enumerate(values)]


def test_the_y_axis_ends_at_a_round_number_at_or_above_the_largest_value():
    assert [nice_ceiling(v) for v in (0, 7, 10, 11, 23, 4500, 7580)] == [1.0, 10.0, 10.0, 20.0, 25.0, 5000.0, 10000.0]


def test_the_largest_value_touches_the_top_and_zero_the_bottom_of_the_plot():
    chart = line_chart(points(0, 5, 10), [("n", "n")])
    ys = [y for _, y in chart.lines[0].dots]
    assert ys[0] == HEIGHT - 28 and ys[2] == 30 and ys[1] == (ys[0] + ys[2]) / 2


def test_points_are_spread_evenly_in_history_order_with_one_column_each():
    chart = line_chart(points(1, 2, 3, 4, 5), [("n", "n")])
    xs = [x for x, _ in chart.lines[0].dots]
    assert len({round(b - a, 6) for a, b in zip(xs, xs[1:])}) == 1
    assert [c.key for c in chart.columns] == ["sha0", "sha1", "sha2", "sha3", "sha4"]
    assert chart.columns[2].title == "#2: n 3" and chart.lines[0].last == 5


def test_a_single_point_is_drawn_in_the_middle():
    chart = line_chart(points(3), [("n", "n")])
    assert len(chart.columns) == 1 and chart.lines[0].dots[0][0] == 64 + (640 - 64 - 8) / 2


def test_many_points_are_drawn_as_a_line_without_dots():
    chart = line_chart(points(*range(200)), [("n", "n")])
    assert chart.lines[0].dots == () and len(chart.columns) == 200


def test_stacked_panels_share_one_column_per_point_titled_with_every_value():
    stack = stacked(points(1, 2), [PanelSpec("a", "A", [("n", "n")]), PanelSpec("b", "B", [("n", "share")], ceiling=100, unit=" %")])
    assert stack.height == 2 * HEIGHT and [p.chart.top for p in stack.panels] == [0, HEIGHT]
    assert [c.title for c in stack.columns] == ["#0: n 1; share 1 %", "#1: n 2; share 2 %"]
    assert all(y > HEIGHT for _, y in stack.panels[1].chart.lines[0].dots)  # the second panel is drawn below the first


def test_the_column_links_escape_what_the_repository_named():
    stack = stacked([Point("abc", "#0", "d", {"t": 1})], [PanelSpec("p", "P", [("t", '<script>alert("x")</script>')])])
    svg = column_links(stack, "/history/x/commits/")
    assert '<a href="/history/x/commits/abc/" class="point">' in svg
    assert "<script>" not in svg and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg


def test_a_summary_counts_headlines_overlays_and_the_intact_share():
    summary = summarise_states([state("a"), state("b"), altered("c", ("patch-add", "x"), ("spec-add-tag", "y")),
                                state("d", headline="pinned")])
    assert summary == {"components": 4, "by_headline": {"altered": 1, "intact": 2, "pinned": 1}, "intact": 2,
                       "intact_share": 50.0, "altered": 1, "build_customised": 0, "pinned": 1, "local": 0,
                       "overlays": 2, "overlays_by_type": {"patch-add": 1, "spec-add-tag": 1},
                       "components_with_overlays": 1, "identities_unresolved": 0}


def test_the_summary_of_nothing_is_zero():
    assert summarise_states([])["intact_share"] == 0.0
