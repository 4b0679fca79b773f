"""audits.charts: the geometry of the dashboard's bar charts."""

from audits.charts import Bar, Chart, bars


def test_bars_come_in_the_given_order_then_alphabetically_with_labels():
    chart = bars({"zeta": 1, "local": 2, "alpha": 3, "intact": 4}, {"intact": "Fedora-intact"}, ("intact", "pinned", "local"))
    assert [(b.key, b.label) for b in chart.bars] == [("intact", "Fedora-intact"), ("local", "local"), ("alpha", "alpha"),
                                                      ("zeta", "zeta")]


def test_widths_are_of_the_largest_bar_and_shares_of_the_total():
    chart = bars({"a": 1, "b": 2, "c": 5})
    assert chart == Chart(
        [Bar("a", "a", 1, 20.0, 12.5, 0), Bar("b", "b", 2, 40.0, 25.0, 28), Bar("c", "c", 5, 100.0, 62.5, 56)], 88
    )


def test_percentages_are_rounded():
    (a, b) = bars({"a": 1, "b": 2, "c": 0}).bars[:2]
    assert (a.percent, a.share) == (50.0, 33.3) and (b.percent, b.share) == (100.0, 66.7)


def test_no_counts_give_an_empty_chart_and_zero_counts_no_division_by_zero():
    assert bars({}) == Chart([], 4)
    assert bars({"a": 0}) == Chart([Bar("a", "a", 0, 0.0, 0.0, 0)], 32)
