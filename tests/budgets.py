"""Query budgets of the hot pages, in one place: a section added to the chart raises the chart's
budget here once, and tests/test_search.py says what each query is for."""

# The chart (families:chart) with everything on it; tests/test_search.py counts its parts.
CHART_QUERIES = 42
