"""Typed contracts through which the domain apps plug into shared features without
importing each other (docs/architecture.md, "Contracts between apps").

The domain apps import `openlima`, never each other. Each app registers its functions in
its `AppConfig.ready()` and lists the provider names it promises in `AppConfig.provides`;
whoever needs them asks the registry by name:

    from openlima import registry
    registry.register_publisher("commitments", services.progress_update_publish_due)
    registry.register_demo_loader("commitments", demo.load, order=10)
    registry.register_provider("search:commitments", selectors.site_search)

Every provider name belongs to one contract below (an exact name such as
``commitments.summary`` or a family such as ``search:<app>``). A contract is a
`typing.Protocol` whose ``__call__`` is the signature every provider must have and every
consumer may rely on, with `TypedDict` shapes for what it returns. Registering a name that
belongs to no contract raises at start-up; `provider()` raises `UnknownContract` for a
name that belongs to no contract (a typo), and returns None only when the contract is
known but no installed app provides it (callers degrade gracefully). The system check
`openlima.E020`–`E023` (`openlima.checks`) verifies that every app registers what it
promises and that every registered function's signature matches its contract. Tests swap
a provider with `registry.override(name, func)`, which checks the fake against the same
contract, so a fake with a renamed keyword fails the test instead of hiding the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .contracts import (  # re-exported: the apps import the contracts from here
    BarChart as BarChart,
)
from .contracts import (
    BarRow as BarRow,
)
from .contracts import (
    CommitmentChoicesProvider as CommitmentChoicesProvider,
)
from .contracts import (
    CommitmentSummary as CommitmentSummary,
)
from .contracts import (
    CommitmentSummaryProvider as CommitmentSummaryProvider,
)
from .contracts import (
    DatasetFromDocumentProvider as DatasetFromDocumentProvider,
)
from .contracts import (
    DatasetProvider as DatasetProvider,
)
from .contracts import (
    DemoLoader as DemoLoader,
)
from .contracts import (
    DemoProposalProvider as DemoProposalProvider,
)
from .contracts import (
    DemoSessionProvider as DemoSessionProvider,
)
from .contracts import (
    ErasePersonalDataProvider as ErasePersonalDataProvider,
)
from .contracts import (
    HomeCard as HomeCard,
)
from .contracts import (
    HomeCardProvider as HomeCardProvider,
)
from .contracts import (
    HomeCharts as HomeCharts,
)
from .contracts import (
    HomeChartsProvider as HomeChartsProvider,
)
from .contracts import (
    HomeIndicatorBlock as HomeIndicatorBlock,
)
from .contracts import (
    HomeIndicatorsProvider as HomeIndicatorsProvider,
)
from .contracts import (
    ImportPlanProvider as ImportPlanProvider,
)
from .contracts import (
    IndicatorsProvider as IndicatorsProvider,
)
from .contracts import (
    MilestoneChoicesProvider as MilestoneChoicesProvider,
)
from .contracts import (
    MilestoneSummary as MilestoneSummary,
)
from .contracts import (
    MilestoneSummaryProvider as MilestoneSummaryProvider,
)
from .contracts import (
    PersonalData as PersonalData,
)
from .contracts import (
    PersonalDataProvider as PersonalDataProvider,
)
from .contracts import (
    PlatformDataset as PlatformDataset,
)
from .contracts import (
    PlatformFile as PlatformFile,
)
from .contracts import (
    ProposalSummary as ProposalSummary,
)
from .contracts import (
    ProposalSummaryProvider as ProposalSummaryProvider,
)
from .contracts import (
    Publisher as Publisher,
)
from .contracts import (
    RestoreCheckProvider as RestoreCheckProvider,
)
from .contracts import (
    RolePermissions as RolePermissions,
)
from .contracts import (
    RolePermissionsProvider as RolePermissionsProvider,
)
from .contracts import (
    SearchHit as SearchHit,
)
from .contracts import (
    SearchProvider as SearchProvider,
)
from .contracts import (
    StaffTasksProvider as StaffTasksProvider,
)
from .contracts import (
    StoredFilesProvider as StoredFilesProvider,
)
from .contracts import (
    TrackedProject as TrackedProject,
)
from .contracts import (
    TrackProjectProvider as TrackProjectProvider,
)
from .contracts import (
    ViewCountsSaver as ViewCountsSaver,
)


@dataclass(frozen=True)
class Contract:
    """`name` is exact, or a family when it ends with ':' (e.g. "search:")."""

    name: str
    protocol: type

    @property
    def is_family(self) -> bool:
        return self.name.endswith(":")

    def covers(self, provider_name: str) -> bool:
        if self.is_family:
            return provider_name.startswith(self.name) and len(provider_name) > len(
                self.name
            )
        return provider_name == self.name

    def signature(self) -> inspect.Signature:
        sig = inspect.signature(self.protocol.__call__)
        params = list(sig.parameters.values())[1:]  # drop self
        return sig.replace(parameters=params)


CONTRACTS: tuple[Contract, ...] = (
    Contract("search:", SearchProvider),
    Contract("dataset:", DatasetProvider),
    Contract("indicators:", IndicatorsProvider),
    Contract("staff_tasks:", StaffTasksProvider),
    Contract("personal_data:", PersonalDataProvider),
    Contract("erase_personal_data:", ErasePersonalDataProvider),
    Contract("restore_check:", RestoreCheckProvider),
    Contract("stored_files:", StoredFilesProvider),
    Contract("view_counts:", ViewCountsSaver),
    Contract("role_permissions:", RolePermissionsProvider),
    Contract("home_card:", HomeCardProvider),
    Contract("home_indicators:", HomeIndicatorsProvider),
    Contract("home_charts:", HomeChartsProvider),
    Contract("commitments.summary", CommitmentSummaryProvider),
    Contract("commitments.choices", CommitmentChoicesProvider),
    Contract("commitments.milestone_summary", MilestoneSummaryProvider),
    Contract("commitments.milestone_choices", MilestoneChoicesProvider),
    Contract("participation.proposal_summary", ProposalSummaryProvider),
    Contract("commitments.track_project", TrackProjectProvider),
    Contract("commitments.import_plan", ImportPlanProvider),
    Contract("participation.demo_proposal", DemoProposalProvider),
    Contract("participation.demo_session", DemoSessionProvider),
    Contract("dataset_create_from_document", DatasetFromDocumentProvider),
)


class UnknownContract(LookupError):
    """A provider name that belongs to no contract: a typo, or a contract not declared."""


class ContractMismatch(TypeError):
    """A function whose signature does not match its contract."""


def contract_for(name: str) -> Contract:
    for contract in CONTRACTS:
        if contract.covers(name):
            return contract
    raise UnknownContract(f"no registry contract covers the provider name {name!r}")


def signature_problems(
    func: Callable[..., Any], expected: inspect.Signature
) -> list[str]:
    """How `func`'s parameters differ from the contract's (empty when they match).

    The provider must accept every parameter of the contract under the same name and
    kind, may add only optional parameters, and may not take *args/**kwargs (a function
    that accepts anything would hide a renamed keyword)."""
    try:
        actual = inspect.signature(func)
    except (TypeError, ValueError):
        return ["its signature cannot be read"]
    problems = []
    have = actual.parameters
    for p in have.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            problems.append(f"takes {p}: a provider must name its parameters")
    for name, want in expected.parameters.items():
        got = have.get(name)
        if got is None:
            problems.append(f"lacks the parameter {name!r}")
        elif want.kind == want.KEYWORD_ONLY and got.kind not in (
            got.KEYWORD_ONLY,
            got.POSITIONAL_OR_KEYWORD,
        ):
            problems.append(f"parameter {name!r} must be accepted by keyword")
    for name, p in have.items():
        if (
            name not in expected.parameters
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            and p.default is p.empty
        ):
            problems.append(f"requires the extra parameter {name!r}")
    return problems


def check_against(name: str, func: Callable[..., Any]) -> None:
    """Raise `ContractMismatch` unless `func` fits the contract that covers `name`."""
    problems = signature_problems(func, contract_for(name).signature())
    if problems:
        raise ContractMismatch(
            f"provider {name!r} ({getattr(func, '__qualname__', func)!r}) does not match "
            f"its contract: {'; '.join(problems)}"
        )


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hook:
    name: str
    func: Callable[..., Any]
    order: int


_publishers: dict[str, _Hook] = {}
_demo_loaders: dict[str, _Hook] = {}
_providers: dict[str, Callable[..., Any]] = {}

PUBLISHER_SIGNATURE = Contract("publisher", Publisher).signature()
DEMO_LOADER_SIGNATURE = Contract("demo", DemoLoader).signature()


def register_publisher(name: str, func: Callable[..., Any], *, order: int = 50) -> None:
    """`func(*, now)` makes whatever is due at `now` public and returns a count or summary."""
    _publishers[name] = _Hook(name, func, order)


def register_demo_loader(
    name: str, func: Callable[..., Any], *, order: int = 50
) -> None:
    """`func(*, stdout)` loads demo data idempotently (run by `manage.py load_demo`)."""
    _demo_loaders[name] = _Hook(name, func, order)


def register_provider(name: str, func: Callable[..., Any]) -> None:
    """Register `func` under `name`; `name` must belong to a declared contract (the
    signature itself is verified by the system check, so a mismatch is reported with
    every other one instead of stopping the first import)."""
    contract_for(name)
    _providers[name] = func


def provider(name: str) -> Callable[..., Any] | None:
    """The provider registered under `name`, or None when no installed app provides it.
    Raises `UnknownContract` for a name that no contract covers (a typo)."""
    contract_for(name)
    return _providers.get(name)


def providers(prefix: str) -> dict[str, Callable[..., Any]]:
    """All providers of a family (e.g. "search:"), keyed by the rest of their name."""
    contract = contract_for(prefix + "x") if prefix.endswith(":") else None
    if contract is None or not contract.is_family:
        raise UnknownContract(f"{prefix!r} is not a provider family")
    return {
        k[len(prefix) :]: v
        for k, v in sorted(_providers.items())
        if k.startswith(prefix)
    }


def registered_providers() -> dict[str, Callable[..., Any]]:
    return dict(_providers)


def publishers() -> list[_Hook]:
    return sorted(_publishers.values(), key=lambda h: (h.order, h.name))


def demo_loaders() -> list[_Hook]:
    return sorted(_demo_loaders.values(), key=lambda h: (h.order, h.name))


@contextmanager
def override(name: str, func: Callable[..., Any] | None) -> Iterator[None]:
    """For tests: provide `name` with `func` (checked against its contract) or, with
    None, make it absent; the previous provider is restored on exit."""
    if func is not None:
        check_against(name, func)
    else:
        contract_for(name)
    missing = object()
    previous = _providers.get(name, missing)
    if func is None:
        _providers.pop(name, None)
    else:
        _providers[name] = func
    try:
        yield
    finally:
        if previous is missing:
            _providers.pop(name, None)
        else:
            _providers[name] = previous  # type: ignore[assignment]


@contextmanager
def only(prefix: str, funcs: dict[str, Callable[..., Any]]) -> Iterator[None]:
    """For tests: the family `prefix` has exactly `funcs` (keyed by the rest of the
    name, each checked) for the duration; the real providers come back on exit."""
    for key, func in funcs.items():
        check_against(prefix + key, func)
    saved = {k: v for k, v in _providers.items() if k.startswith(prefix)}
    for k in saved:
        _providers.pop(k)
    _providers.update({prefix + k: v for k, v in funcs.items()})
    try:
        yield
    finally:
        for k in [k for k in _providers if k.startswith(prefix)]:
            _providers.pop(k)
        _providers.update(saved)
