"""Bench scenario of contracting: the process list (plain and filtered), a process page, a
supplier page, the works map, and the OCDS release endpoint paged deep into the data by
its keyset cursor (no OFFSET scan), plus the records endpoint.

Scale: 2,000×scale processes with 10 releases each (scale 50 = 100,000 processes and
1,000,000 releases, the issue's target)."""

NAME = "contracting"
PER_SCALE = 2000
RELEASES_PER_PROCESS = 10
BATCH = 2000


def _compiled(ocid: str, n: int, supplier: dict) -> dict:
    amount = 50000 + (n % 97) * 1000
    return {
        "ocid": ocid,
        "id": f"{ocid}-compiled",
        "date": "2026-06-01T00:00:00-05:00",
        "tag": ["compiled"],
        "initiationType": "tender",
        "buyer": {"id": "PE-RUC-20131380951-logistica", "name": "MML — Logística"},
        "tender": {
            "id": "1",
            "title": f"Proceso de carga {n}",
            "status": "complete",
            "procurementMethod": "open",
            "mainProcurementCategory": "works",
            "value": {"amount": amount, "currency": "PEN"},
            "tenderPeriod": {
                "startDate": "2026-01-01T09:00:00-05:00",
                "endDate": "2026-01-25T17:00:00-05:00",
            },
            "numberOfTenderers": 2,
            "tenderers": [supplier],
        },
        "bids": {
            "details": [
                {
                    "id": "1",
                    "status": "valid",
                    "tenderers": [supplier],
                    "value": {"amount": amount - 500, "currency": "PEN"},
                }
            ]
        },
        "awards": [
            {
                "id": "1",
                "status": "active",
                "date": "2026-02-01T10:00:00-05:00",
                "value": {"amount": amount - 500, "currency": "PEN"},
                "suppliers": [supplier],
            }
        ],
    }


def seed(*, scale: int) -> None:
    """Processes, their releases, parties and flags through bulk_create (repeat-safe)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from contracting.models import (
        CompiledRelease,
        ContractingProcess,
        InfrastructureProject,
        ProcessParty,
        RedFlag,
        Release,
        Supplier,
    )
    from openlima.models import District, OrgUnit
    from openlima.reference_data import reference_data_ensure

    reference_data_ensure()
    if ContractingProcess.objects.filter(ocid__startswith="ocds-bench-").exists():
        return
    unit = OrgUnit.objects.filter(slug="logistica").first() or OrgUnit.objects.first()
    districts = list(District.objects.order_by("ubigeo"))
    suppliers = Supplier.objects.bulk_create(
        [
            Supplier(ruc=f"20{700000000 + i:09d}", name=f"Proveedor de carga {i}")
            for i in range(200)
        ]
    )
    for i, d in enumerate(districts[:20]):
        InfrastructureProject.objects.create(
            slug=f"obra-bench-{i}",
            title=f"Obra de carga {i}",
            description="Obra de prueba de carga.",
            district=d,
            unit=unit,
            status="implementation",
            progress=i * 5,
            is_published=True,
        )
    now = timezone.now()
    total = PER_SCALE * scale
    stages = ["planning", "tender", "award", "contract", "implementation"]
    for start in range(0, total, BATCH):
        processes = []
        for n in range(start, min(start + BATCH, total)):
            ocid = f"ocds-bench-{n:07d}"
            stage = stages[n % 5]
            processes.append(
                ContractingProcess(
                    ocid=ocid,
                    title=f"Proceso de carga {n}",
                    description="Proceso de prueba de carga.",
                    buyer_unit=unit,
                    district=districts[n % len(districts)],
                    method="open",
                    category="works",
                    stage=stage,
                    tender_amount=Decimal(50000 + (n % 97) * 1000),
                    tender_end=now + timedelta(days=(n % 30) - 10),
                    value_max=Decimal(50000 + (n % 97) * 1000),
                    last_release_at=now - timedelta(minutes=total - n),
                    is_published=True,
                )
            )
        created = ContractingProcess.objects.bulk_create(processes)
        parties, flags, compiled = [], [], []
        for p in created:
            n = int(p.ocid[-7:])
            supplier = suppliers[n % len(suppliers)]
            party = {"id": supplier.party_id, "name": supplier.name}
            compiled.append(
                CompiledRelease(process=p, data=_compiled(p.ocid, n, party))
            )
            parties.append(
                ProcessParty(
                    process=p,
                    supplier=supplier,
                    role="supplier",
                    awarded_amount=p.tender_amount - 500,
                )
            )
            if int(p.ocid[-7:]) % 7 == 0:
                flags.append(RedFlag(process=p, code="single_bidder"))
        CompiledRelease.objects.bulk_create(compiled)
        ProcessParty.objects.bulk_create(parties)
        RedFlag.objects.bulk_create(flags)
    # The releases are written by PostgreSQL itself (INSERT … SELECT over
    # generate_series): 10 per process, each the compiled release with its own id, date
    # and tag. Building 1,000,000 JSON documents in Python took most of the seed's time.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Release._meta.db_table}
                (process_id, ocid, release_id, date, tag, data, created_at)
            SELECT p.id, p.ocid, r.release_id, r.date, r.tag,
                   c.data || jsonb_build_object(
                       'id', r.release_id,
                       'date', to_char(r.date AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       'tag', r.tag),
                   now()
            FROM {ContractingProcess._meta.db_table} p
            JOIN {CompiledRelease._meta.db_table} c ON c.process_id = p.id
            CROSS JOIN LATERAL (
                SELECT p.ocid || '-' || lpad(k::text, 4, '0') AS release_id,
                       p.last_release_at - (%(n)s - k + 1)
                           * interval '1 day' AS date,
                       CASE WHEN k = 1 THEN '["tender"]'::jsonb
                            ELSE '["tenderUpdate"]'::jsonb END AS tag
                FROM generate_series(1, %(n)s) AS k
            ) r
            WHERE p.ocid LIKE 'ocds-bench-%%'
            """,  # noqa: S608 (table names from the models, no input)
            {"n": RELEASES_PER_PROCESS},
        )


def endpoints(*, base_url: str) -> list[dict]:
    from contracting.models import ContractingProcess, Release
    from contracting.selectors import encode_cursor

    count = Release.objects.count()
    deep = (
        Release.objects.order_by("date", "id")
        .values_list("date", "id")[int(count * 0.9) : int(count * 0.9) + 1]
        .first()
    )
    middle = (
        ContractingProcess.objects.filter(ocid__startswith="ocds-bench-")
        .order_by("id")
        .values_list("ocid", flat=True)[PER_SCALE // 2]
    )
    cursor = encode_cursor(*deep) if deep else ""

    def get(name, path):
        return {
            "name": name,
            "method": "GET",
            "path": path,
            "headers": {},
            "body": None,
        }

    return [
        get("process_list", "/contrataciones/"),
        get("process_list_filtered", "/contrataciones/?stage=tender&district=comas"),
        get("process_list_flag", "/contrataciones/?flag=single_bidder"),
        get("process_page", f"/contrataciones/{middle}/"),
        get("supplier_page", "/contrataciones/proveedores/20700000001/"),
        get("works_map", "/obras/"),
        get("releases_first_page", "/api/ocds/releases/?limit=100"),
        get("releases_deep_page", f"/api/ocds/releases/?limit=100&cursor={cursor}"),
        get("records_page", "/api/ocds/records/?limit=100"),
    ]
