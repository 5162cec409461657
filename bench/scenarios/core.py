"""Bench scenario of the core: the home page in both languages."""

NAME = "core"


def seed(*, scale: int) -> None:
    """The home page needs only the reference data (districts, units, roles) and the
    demo staff; `scale` adds citizens so the user table is not empty."""
    from openlima.models import User
    from openlima.reference_data import reference_data_ensure

    reference_data_ensure()
    existing = User.objects.filter(email__endswith="@bench.openlima.pe").count()
    User.objects.bulk_create(
        [
            User(email=f"vecino{i}@bench.openlima.pe", display_name=f"Vecino {i}")
            for i in range(existing, 100 * scale)
        ],
        batch_size=1000,
    )


def endpoints(*, base_url: str) -> list[dict]:
    return [
        {"name": "home", "method": "GET", "path": "/", "headers": {}, "body": None},
        {
            "name": "home_en",
            "method": "GET",
            "path": "/en/",
            "headers": {},
            "body": None,
        },
    ]
