"""Helpers shared by the pages of this package."""


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _page(value) -> int:
    try:
        return max(1, min(int(value), 10000))
    except (TypeError, ValueError):
        return 1
