"""The busiest API write resolves first (docs/performance.md, "Ninth session"): Django
tries the URL patterns in order, and each pattern tried before the right one (the
routers' regular expressions above all) is paid by every request."""

from django.urls import Resolver404, URLResolver, get_resolver, resolve


def _tried_before(path: str) -> int:
    """How many patterns Django tries, at every level, before the one that matches."""
    tried, patterns, rest = 0, get_resolver().url_patterns, path.lstrip("/")
    while True:
        for pattern in patterns:
            try:
                found = pattern.resolve(rest)
            except Resolver404:
                found = None
            if found:
                break
            tried += 1
        else:
            raise AssertionError(f"{path} does not resolve")
        if not isinstance(pattern, URLResolver):
            return tried
        patterns, rest = pattern.url_patterns, pattern.pattern.match(rest)[0]


def test_the_api_is_the_first_prefix_and_supports_its_first_include():
    match = resolve("/api/v1/proposals/7/support/")
    assert match.url_name == "participation-proposal-support"
    assert match.kwargs == {"pk": 7}
    assert _tried_before("/api/v1/proposals/7/support/") <= 4
