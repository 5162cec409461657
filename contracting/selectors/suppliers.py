"""Supplier pages: a supplier's awards and contracts across the city."""

from django.db.models import Count, Q
from django.http import Http404

from ..models import (
    ProcessParty,
    RedFlag,
    Supplier,
)
from .processes import flags_for, process_public_qs

# --- suppliers ----------------------------------------------------------------------------


def supplier_get_public(*, ruc: str) -> Supplier:
    supplier = Supplier.objects.filter(ruc=ruc).first()
    if (
        supplier is None
        or not supplier.process_parties.filter(process__is_published=True).exists()
    ):
        raise Http404
    return supplier


SUPPLIER_ROWS = 50


def supplier_detail(*, supplier: Supplier, page: int = 1) -> dict:
    """Totals over every published process of the supplier (aggregates), and one page of
    its processes, most recent first: a fixed number of queries at any size."""
    from django.core.paginator import Paginator
    from django.db.models import Sum

    parties = ProcessParty.objects.filter(supplier=supplier, process__is_published=True)
    won_ids = parties.filter(role=ProcessParty.Role.SUPPLIER).values("process_id")
    totals = parties.aggregate(
        bid=Count("process_id", distinct=True),
        won=Count(
            "process_id", distinct=True, filter=Q(role=ProcessParty.Role.SUPPLIER)
        ),
    )
    # Its share of each award, not the processes' whole awarded value (a consortium's
    # award is divided, other lots are other suppliers'): docs/contracting.md.
    won_total = (
        parties.filter(role=ProcessParty.Role.SUPPLIER).aggregate(
            t=Sum("awarded_amount")
        )["t"]
        or 0
    )
    flag_count = RedFlag.objects.filter(process_id__in=won_ids).count()
    processes = (
        process_public_qs()
        .filter(pk__in=parties.values("process_id"))
        .annotate(
            won=Count(
                "parties",
                filter=Q(
                    parties__supplier=supplier,
                    parties__role=ProcessParty.Role.SUPPLIER,
                ),
            )
        )
        .order_by("-last_release_at", "-id")
    )
    paginator = Paginator(processes, SUPPLIER_ROWS)
    page_obj = paginator.get_page(page)
    rows_processes = list(page_obj.object_list)
    flag_map = flags_for(rows_processes)
    rows = [
        {"process": p, "won": bool(p.won), "flags": flag_map.get(p.pk, [])}
        for p in rows_processes
    ]
    return {
        "rows": rows,
        "page": page_obj,
        "won": totals["won"],
        "bid": totals["bid"],
        "won_total": won_total,
        "flag_count": flag_count,
    }
