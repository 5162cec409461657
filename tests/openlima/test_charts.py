"""The server-drawn bar charts (openlima.charts.bars) that the apps' `home_charts:`
providers return: the geometry templates/openlima/includes/bar_chart.html draws."""

from openlima import registry
from openlima.charts import bars


def test_bars_scale_to_the_largest_value_in_the_items_order():
    chart = bars(
        [
            {"label": "Web", "count": 100},
            {"label": "Teléfono", "count": None},  # suppressed: no bar
            {"label": "Presencial", "count": 25},
        ]
    )
    assert chart["height"] == 90
    assert [(r["label"], r["value"], r["width"]) for r in chart["rows"]] == [
        ("Web", 100, 260),
        ("Teléfono", None, 0),
        ("Presencial", 25, 65),
    ]
    assert [(r["y"], r["text_y"], r["value_x"]) for r in chart["rows"]] == [
        (0, 16, 456),
        (30, 46, 196),
        (60, 76, 261),
    ]
    assert set(chart) == set(registry.BarChart.__annotations__)
    assert set(chart["rows"][0]) == set(registry.BarRow.__annotations__)


def test_bars_read_the_named_keys_and_shorten_long_labels():
    long = "Villa María del Triunfo y alrededores"
    chart = bars(
        [{"district": long, "participants": 7}],
        value_key="participants",
        label_key="district",
        width=100,
    )
    (row,) = chart["rows"]
    assert row["label"] == long and row["value"] == 7 and row["width"] == 100
    assert row["short_label"] == long[:23] + "…" and len(row["short_label"]) == 24


def test_bars_of_nothing_or_only_zeros_draw_no_bar():
    assert bars([]) == {"rows": [], "height": 30}
    zeros = bars([{"label": "A", "count": 0}, {"label": "B", "count": None}])
    assert [r["width"] for r in zeros["rows"]] == [0, 0]
