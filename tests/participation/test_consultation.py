"""Weighted consultation results reproduced by hand from known ratings."""

import pytest

from participation.models import ConsultationRating, Level
from participation.selectors import consultation_results, dataset_consultation_results
from tests.factories import UserFactory

from .factories import ConsultationFactory, OptionFactory

pytestmark = pytest.mark.django_db


def _rate(consultation, option, levels, users):
    ConsultationRating.objects.bulk_create(
        [
            ConsultationRating(
                consultation=consultation, option=option, user=u, level=lv
            )
            for u, lv in zip(users, levels, strict=False)
        ]
    )


def test_weighted_scores_ranks_and_top_decile_cut():
    c = ConsultationFactory(cut_kind="top_share", cut_fraction="0.100")
    users = [UserFactory() for _ in range(10)]
    a, b, d, e = (OptionFactory(consultation=c, title=t) for t in "ABDE")
    H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW
    _rate(c, a, [H, H, M, L], users)  # 3+3+2+1 = 9
    _rate(c, b, [M, M, M, M, L], users)  # 2*4+1 = 9
    _rate(c, d, [H, H, H, H], users)  # 4 × 3 = 12
    _rate(c, e, [L, L], users)  # 2
    results = {r.option.title: r for r in consultation_results(consultation=c)}
    assert results["D"].score == 12
    assert results["A"].score == 9 and results["B"].score == 9
    assert results["E"].score == 2
    assert results["A"].counts == {"high": 2, "medium": 1, "low": 1}
    assert results["B"].counts == {"high": 0, "medium": 4, "low": 1}
    assert [results[t].rank for t in "DABE"] == [1, 2, 2, 4]
    # 4 options, top decile → ceil(0.4) = 1 place
    assert [t for t in "DABE" if results[t].passes] == ["D"]


def test_published_weights_change_the_score():
    c = ConsultationFactory(weight_high=5, weight_medium=2, weight_low=0)
    users = [UserFactory() for _ in range(3)]
    o = OptionFactory(consultation=c)
    _rate(c, o, [Level.HIGH, Level.MEDIUM, Level.LOW], users)
    assert consultation_results(consultation=c)[0].score == 7


def test_score_share_cut_like_the_2022_consultation():
    """Four of five commitments passed the cut in Lima's second consultation."""
    c = ConsultationFactory(cut_kind="score_share", cut_fraction="0.900")
    users = [UserFactory() for _ in range(12)]
    ratings = {
        "Open Lima": (9, 2, 1),
        "Lima Digital": (8, 3, 1),
        "Lima Honesta": (9, 1, 2),
        "Tracker de denuncias": (4, 4, 4),
        "Lima Activa": (8, 3, 1),
    }
    for title, (h, m, low) in ratings.items():
        o = OptionFactory(consultation=c, title=title)
        _rate(c, o, [Level.HIGH] * h + [Level.MEDIUM] * m + [Level.LOW] * low, users)
    results = consultation_results(consultation=c)
    assert [(r.option.title, r.score, r.rank) for r in results][:2] == [
        ("Open Lima", 32, 1),
        ("Lima Digital", 31, 2),
    ]
    assert sorted(r.option.title for r in results if r.passes) == [
        "Lima Activa",
        "Lima Digital",
        "Lima Honesta",
        "Open Lima",
    ]


def test_results_reproducible_from_the_open_dataset():
    c = ConsultationFactory()
    users = [UserFactory() for _ in range(4)]
    for levels in ([Level.HIGH, Level.LOW], [Level.MEDIUM] * 4):
        _rate(c, OptionFactory(consultation=c), levels, users)
    data = dataset_consultation_results()
    for row in data["rows"]:
        recomputed = (
            row["muy_prioritario"] * row["peso_muy_prioritario"]
            + row["prioritario"] * row["peso_prioritario"]
            + row["poco_prioritario"] * row["peso_poco_prioritario"]
        )
        assert recomputed == row["puntaje_ponderado"]
    assert sorted(r["puntaje_ponderado"] for r in data["rows"]) == [4, 8]
    assert set(data["columns"]) == set(data["rows"][0])
