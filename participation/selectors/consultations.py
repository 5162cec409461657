"""Reads of consultations: lists, results, participants, contributions."""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404

from ..models import (
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Level,
)


def consultation_list():
    return list(
        Consultation.objects.exclude(status=Consultation.Status.DRAFT)
        .annotate(option_count=Count("options", distinct=True))
        .order_by("-opens_at", "-id")[:100]
    )


def access_consultation_by_slug(*, slug) -> Consultation:
    c = Consultation.objects.filter(slug=slug).exclude(status=Consultation.Status.DRAFT)
    c = c.first()
    if c is None:
        raise Http404
    return c


@dataclass
class OptionResult:
    option: ConsultationOption
    counts: dict
    score: int
    ratings: int
    rank: int = 0
    passes: bool = False


def consultation_results(*, consultation: Consultation) -> list[OptionResult]:
    """Weighted score per option = Σ weight(level) × count(level); competition rank
    (1, 2, 2, 4); the cut marks which options pass. Two queries at any size."""
    return consultation_results_many(consultations=[consultation])[consultation.pk]


def consultation_results_many(*, consultations) -> dict[int, list[OptionResult]]:
    """Results of several consultations in two queries (API lists, datasets)."""
    consultations = list(consultations)
    ids = [c.pk for c in consultations]
    options_by = {cid: [] for cid in ids}
    for o in ConsultationOption.objects.filter(consultation_id__in=ids).order_by(
        "position", "id"
    ):
        options_by[o.consultation_id].append(o)
    counts = {
        o.pk: dict.fromkeys(Level.values, 0)
        for opts in options_by.values()
        for o in opts
    }
    for row in (
        ConsultationRating.objects.filter(consultation_id__in=ids)
        .values("option_id", "level")
        .annotate(n=Count("id"))
    ):
        if row["option_id"] in counts:
            counts[row["option_id"]][row["level"]] = row["n"]
    return {
        c.pk: _rank(consultation=c, options=options_by[c.pk], counts=counts)
        for c in consultations
    }


def _rank(*, consultation, options, counts) -> list[OptionResult]:
    weights = consultation.weights
    results = [
        OptionResult(
            option=o,
            counts=counts[o.pk],
            score=sum(weights[lv] * n for lv, n in counts[o.pk].items()),
            ratings=sum(counts[o.pk].values()),
        )
        for o in options
    ]
    results.sort(key=lambda r: (-r.score, r.option.position, r.option.pk))
    for i, r in enumerate(results):
        if i and r.score == results[i - 1].score:
            r.rank = results[i - 1].rank
        else:
            r.rank = i + 1
    fraction = float(consultation.cut_fraction)
    if results:
        if consultation.cut_kind == Consultation.Cut.SCORE_SHARE:
            best = results[0].score
            for r in results:
                r.passes = best > 0 and r.score >= fraction * best
        else:
            places = max(1, math.ceil(len(results) * fraction))
            for r in results:
                r.passes = r.score > 0 and r.rank <= places
    return results


def consultation_participants(*, consultation) -> int:
    return (
        ConsultationRating.objects.filter(consultation=consultation)
        .values("user_id")
        .distinct()
        .count()
    )


def consultation_my_ratings(*, consultation, user) -> dict[int, ConsultationRating]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        r.option_id: r
        for r in ConsultationRating.objects.filter(consultation=consultation, user=user)
    }


def consultation_contributions(*, consultation, limit: int = 200):
    return list(
        ConsultationRating.objects.filter(consultation=consultation)
        .exclude(contribution="")
        .select_related("option", "user", "user__district")
        .order_by("option__position", "option_id", "id")[:limit]
    )
