"""Full-text search shared by the apps: PostgreSQL with the Spanish configuration and
`unaccent` ("participacion" finds "participación"), ranked; a simple `icontains` fallback
on SQLite."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import F, FloatField, Func, Q, QuerySet, Value

# The text search configuration of every vector and query (PostgreSQL).
SEARCH_CONFIG = "spanish"


class Unaccent(Func):
    function = "unaccent"


def _weights(count: int, weights: list[str] | None) -> list[str]:
    """ "A" for the first field, "B" for the rest, unless `weights` says otherwise."""
    return weights or ["A"] + ["B"] * (count - 1)


def spanish_vector(fields: list[str], weights: list[str] | None = None):
    """Weighted Spanish, unaccented tsvector of `fields` ("A" for the first, "B" for the rest
    unless `weights` says otherwise), for a query or a stored SearchVectorField (PostgreSQL)."""
    from django.contrib.postgres.search import SearchVector

    weights = _weights(len(fields), weights)
    return reduce(
        lambda a, b: a + b,
        [
            SearchVector(Unaccent(F(f)), config=SEARCH_CONFIG, weight=w)
            for f, w in zip(fields, weights, strict=True)
        ],
    )


def spanish_vector_sql(expressions: list[str], weights: list[str] | None = None) -> str:
    """The SQL of `spanish_vector` over SQL `expressions` (columns or subqueries), for a
    stored vector refreshed by an UPDATE: the same expression Django builds for
    `SearchVector(Unaccent(F(...)), config=SEARCH_CONFIG, weight=...)`, so that a stored
    vector ranks exactly as the computed one."""
    return "\n    || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, "
        f"COALESCE(unaccent({expression}), '')), '{weight}')"
        for expression, weight in zip(
            expressions, _weights(len(expressions), weights), strict=True
        )
    )


def spanish_query(query: str):
    """What a person typed, as a Spanish, unaccented web-search query (PostgreSQL)."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(
        Unaccent(Value(query)), config=SEARCH_CONFIG, search_type="websearch"
    )


def text_search(
    queryset: QuerySet,
    *,
    fields: list[str],
    query: str,
    weights: list[str] | None = None,
) -> QuerySet:
    """Filter `queryset` to rows matching `query` in `fields`, annotated with `rank`
    (ordered by rank, best first). `weights` ("A".."D") follow `fields`.

    PostgreSQL: rows are kept by the match operator (`vector @@ query`), then ranked;
    `ts_rank` alone is no filter (a row matching nothing still ranks about 1e-20 > 0)."""
    query = (query or "").strip()[:200]
    if not query:
        return queryset.none()
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchRank

        vector = spanish_vector(fields, weights)
        search_query = spanish_query(query)
        return (
            queryset.annotate(_search_vector=vector)
            .filter(_search_vector=search_query)
            .annotate(rank=SearchRank(F("_search_vector"), search_query))
            .order_by("-rank")
        )
    terms = [t for t in query.split() if t][:8]
    condition = Q()
    for term in terms:
        condition &= reduce(or_, [Q(**{f"{f}__icontains": term}) for f in fields])
    return queryset.filter(condition).annotate(
        rank=Value(1.0, output_field=FloatField())
    )
