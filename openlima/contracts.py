"""The shapes and signatures of the registry's contracts (docs/architecture.md,
"Contracts between apps"): `TypedDict` shapes for what providers return and a
`typing.Protocol` per contract whose ``__call__`` is the signature every provider must
have. `openlima.registry` pairs each with its provider names, registers, looks up and
checks providers; apps import these names from `openlima.registry`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, NotRequired, Protocol, TypedDict

# --- shapes ------------------------------------------------------------------------------


class SearchHit(TypedDict):
    kind: str  # stable code, e.g. "commitment"
    kind_label: str  # translated
    title: str
    summary: str
    url: str
    rank: float


class PlatformFile(TypedDict):
    """A file an app has already written to the public storage (too big to pass as
    bytes, e.g. a nightly bulk export), to be held as a resource of its dataset. The
    catalogue lists only the current file (no older versions); the app keeps the
    previous stored file at least until the catalogue's next refresh."""

    key: str  # stable per file within the dataset
    title: str
    format: str
    media_type: str
    storage_name: str  # name in the `default` storage
    filename: str
    size: int
    sha256: str
    modified: datetime


class PlatformDataset(TypedDict):
    """A dataset the platform regenerates nightly from an app's own data."""

    title: str
    description: str
    publisher_slug: str  # OrgUnit slug
    tags: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]  # JSON-serialisable
    files: NotRequired[list[PlatformFile]]  # optional: stored files as resources
    # The CSV's Table Schema written by the provider (openlima/tableschema.py): its
    # field names are `columns`, in order. Without it the catalogue infers one.
    schema: NotRequired[dict[str, Any]]


class CommitmentSummary(TypedDict):
    id: int
    title: str
    url: str
    plan_title: str
    progress: int  # 0-100
    status: str
    status_label: str


class MilestoneSummary(TypedDict):
    id: int
    title: str
    url: str  # the commitment's page, where the milestone is listed
    commitment_title: str
    plan_title: str
    due_on: date
    progress: int  # 0-100
    status: str
    status_label: str


class ProposalSummary(TypedDict):
    id: int
    title: str
    url: str
    status: str
    status_label: str
    support_count: int


class TrackedProject(TypedDict):
    commitment_id: int
    milestone_id: int
    url: str


# ``role_permissions:<app>``: {role group name: ["app_label.codename" or "app_label.*"]}.
RolePermissions = dict[str, list[str]]


class HomeCard(TypedDict):
    """One part of the portal on the home page ("Las partes del portal")."""

    title: str  # translated
    summary: str  # translated
    url: str
    order: int  # smaller first


class HomeIndicatorBlock(TypedDict):
    """One block of an app's figures on the home page ("Indicadores del plan de gobierno
    abierto"): `template` is rendered with `data`, the whole indicator snapshot
    (`openlima.selectors.home_indicators`), and shows nothing when the app's own figures
    (`data.<app>`) are absent."""

    place: Literal["figures", "charts"]  # the list of figures, or the charts below it
    template: str  # the app's own template
    order: int  # smaller first within its place


class BarRow(TypedDict):
    """One row of a bar chart drawn on the server (`openlima.charts.bars`)."""

    label: str
    short_label: str  # at most 24 characters
    value: int | float | None  # None: a suppressed figure, drawn without a bar
    width: int  # the bar's length, scaled to the largest value
    y: int  # the row's top
    text_y: int  # the label's baseline
    value_x: int  # where the value is written, after the bar


class BarChart(TypedDict):
    """A horizontal bar chart (`openlima.charts.bars`), shown by
    templates/openlima/includes/bar_chart.html as an SVG with a table beside it."""

    rows: list[BarRow]
    height: int


# ``home_charts:<app>``: {chart name: chart}; the core adds them to the app's figures.
HomeCharts = dict[str, BarChart]


class PersonalData(TypedDict):
    """ARCO access (Ley 29733): `summary` is a list of [label, value] pairs shown on the
    account page; every other key is the full data, included in the JSON download."""

    summary: list[list[Any]]


# --- contracts (the signatures) ------------------------------------------------------------


class SearchProvider(Protocol):
    """``search:<app>``: the app's public objects matching `query`, best first."""

    def __call__(self, *, query: str, limit: int) -> list[SearchHit]: ...


class DatasetProvider(Protocol):
    """``dataset:<slug>``: a platform dataset regenerated nightly."""

    def __call__(self) -> PlatformDataset: ...


class IndicatorsProvider(Protocol):
    """``indicators:<app>``: aggregate figures for the home page (keys documented in
    each app's selectors)."""

    def __call__(self) -> dict[str, Any]: ...


class RolePermissionsProvider(Protocol):
    """``role_permissions:<app>``: the Django permissions the app's admin pages need for
    each role group (`openlima.roles`); the core grants their union after every migrate.
    The system check `openlima.E024` verifies every role and permission exists."""

    def __call__(self) -> RolePermissions: ...


class HomeCardProvider(Protocol):
    """``home_card:<app>``: the app's card on the home page (a fixed text and a link, no
    query)."""

    def __call__(self) -> HomeCard: ...


class HomeIndicatorsProvider(Protocol):
    """``home_indicators:<app>``: the blocks showing the app's ``indicators:<app>``
    figures on the home page (fixed templates, no query); the core template only
    iterates over them. The system check `openlima.E025` verifies the places, the
    templates and the indicator provider."""

    def __call__(self) -> list[HomeIndicatorBlock]: ...


class HomeChartsProvider(Protocol):
    """``home_charts:<app>``: the app's charts on the home page, drawn from its own
    ``indicators:<app>`` figures (no query; `openlima.charts.bars` draws them), keyed
    by a name of the app's choosing. The core adds them to the app's figures in the
    indicator snapshot, so the app's ``home_indicators:`` templates read them as
    ``data.<app>.<name>``; a name may not be one of the figures'. The system check
    `openlima.E026` verifies that the app has figures to draw them from and blocks to
    show them."""

    def __call__(self, *, figures: dict[str, Any]) -> HomeCharts: ...


class CommitmentSummaryProvider(Protocol):
    """``commitments.summary``: a published commitment's live state, or None."""

    def __call__(self, *, commitment_id: int) -> CommitmentSummary | None: ...


class MilestoneSummaryProvider(Protocol):
    """``commitments.milestone_summary``: a milestone of a published plan, or None (a
    public work says which milestone it delivers, docs/contracting.md)."""

    def __call__(self, *, milestone_id: int) -> MilestoneSummary | None: ...


class MilestoneChoicesProvider(Protocol):
    """``commitments.milestone_choices``: (id, label) of the milestones of published
    plans one may link to (the label names plan, commitment and milestone)."""

    def __call__(self) -> list[tuple[int, str]]: ...


class ProposalSummaryProvider(Protocol):
    """``participation.proposal_summary``: a proposal the public may see (not hidden, not
    withdrawn without a reason), or None (a public work says which proposal it answers,
    docs/contracting.md)."""

    def __call__(self, *, proposal_id: int) -> ProposalSummary | None: ...


class CommitmentChoicesProvider(Protocol):
    """``commitments.choices``: (id, label) of the commitments one may link to."""

    def __call__(self) -> list[tuple[int, str]]: ...


class TrackProjectProvider(Protocol):
    """``commitments.track_project``: create (idempotently) a commitment and a milestone
    that follow a winning budget project."""

    def __call__(
        self,
        *,
        plan_title: str,
        plan_slug: str,
        commitment_title: str,
        unit_id: int | None,
        milestone_title: str,
        description: str,
        due_on: date,
    ) -> TrackedProject: ...


class ImportPlanProvider(Protocol):
    """``commitments.import_plan``: imports (idempotently) an action plan in the
    ``action-plan/1`` format; returns the plan and counts (a city profile's demo content,
    docs/city-profile.md)."""

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]: ...


class DemoProposalProvider(Protocol):
    """``participation.demo_proposal``: one published demo proposal, idempotent by title
    (a city profile's demo content); True when it was created."""

    def __call__(
        self,
        *,
        title: str,
        summary: str,
        body: str,
        topic: str,
        district_code: str = "",
    ) -> bool: ...


class DemoSessionProvider(Protocol):
    """``participation.demo_session``: one scheduled demo participation session, idempotent
    by title (a city profile's demo content), organised by a municipal unit's slug and held
    ``days_ahead`` days from now; True when it was created."""

    def __call__(
        self,
        *,
        title: str,
        agenda: str,
        mode: str,
        address: str = "",
        district_code: str = "",
        organiser_unit: str = "",
        days_ahead: int = 10,
        capacity: int = 40,
    ) -> bool: ...


class DatasetFromDocumentProvider(Protocol):
    """``dataset_create_from_document``: a published dataset in the catalogue with the
    file as its first resource (sniffed and size-checked as any upload); returns ``slug``
    and ``url``. Offered by opendata to promote a recurring public document."""

    def __call__(
        self,
        *,
        title: str,
        description: str,
        publisher_slug: str,
        data: bytes,
        filename: str,
        source_url: str = "",
        actor: Any = None,
    ) -> dict[str, Any]: ...


class StaffTasksProvider(Protocol):
    """``staff_tasks:<app>``: what is due for this staff member in that app (only what
    they may act on; [] otherwise), as dicts with ``label`` (translated), ``count`` and
    ``url``, shown on the /gestion/ dashboard. A fixed number of queries."""

    def __call__(self, *, user: Any) -> list[dict[str, Any]]: ...


class PersonalDataProvider(Protocol):
    """``personal_data:<app>``: everything that app keeps about the person,
    JSON-serialisable, no secrets (never a DNI, a hash of it, a key or a token), in a
    fixed number of queries, only the person's own data."""

    def __call__(self, *, user: Any) -> PersonalData: ...


class ErasePersonalDataProvider(Protocol):
    """``erase_personal_data:<app>``: called inside `user_delete_account`'s transaction
    before the account is anonymised; removes what is personal and not a public
    contribution. May raise `ApplicationError` to refuse the deletion."""

    def __call__(self, *, user: Any) -> None: ...


class RestoreCheckProvider(Protocol):
    """``restore_check:<app>``: after a backup was restored (docs/operations.md, "Restore
    drill"), reads that app's data back from the database alias `using` and the storages
    `storages` (keyed as settings.STORAGES: "default", "private"), with the offline keys in
    `keys` (e.g. "complaints_recovery": the recovery private key). Returns one dict per
    check: ``check`` (a short name), ``ok`` (bool) and ``detail`` (counts, never content
    or secrets). Must not write."""

    def __call__(
        self, *, using: str, storages: dict[str, Any], keys: dict[str, bytes]
    ) -> list[dict[str, Any]]: ...


class ViewCountsSaver(Protocol):
    """``view_counts:<app>``: add page views counted by `openlima.viewcounts` (the view
    and the anonymous page cache's hits) to that app's daily counters: `counts` maps an
    object's id to the views it had on `day`. Must add, never overwrite."""

    def __call__(self, *, day: date, counts: dict[int, int]) -> None: ...


class StoredFilesProvider(Protocol):
    """``stored_files:<app>``: the objects that app's rows name outside a FileField
    (complaint blobs, bulk files), read through the database alias `using` — the backup
    reads them inside its snapshot (docs/operations.md, "Restore drill"). Returns
    (storage alias as in settings.STORAGES, object name) pairs. Must not write."""

    def __call__(self, *, using: str) -> list[tuple[str, str]]: ...


class Publisher(Protocol):
    """A publisher makes whatever is due at `now` public; returns a count or summary."""

    def __call__(self, *, now: datetime) -> Any: ...


class DemoLoader(Protocol):
    """A demo loader loads demo data idempotently (`manage.py load_demo`)."""

    def __call__(self, *, stdout: Any) -> Any: ...
