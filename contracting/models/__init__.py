"""Public works and procurement as Open Contracting data (docs/contracting.md).

Staff edit a process in ordinary tables (tender, bids, awards, contracts, ...). Every save
writes an immutable OCDS `Release` built from those tables; the process's compiled release
(`compiled`, stored in `CompiledRelease`) is merged from all its releases with ocdsmerge and the bundled schema, and the
public pages, the red flags and the API all read that compiled release. Imported processes
(`manage.py import_ocds`) have releases only: their compiled release is the same kind of
data, so they show and filter like the others.
"""

from .awards import Amendment, Award, Bid, Contract, ImplementationMilestone, Payment
from .bulk import BulkFile
from .common import (
    AMOUNT_FIELD,
    RUC_VALIDATOR,
    Category,
    Method,
    Stage,
    supplier_id_valid,
    validate_supplier_id,
)
from .documents import Document
from .follows import Follow
from .processes import ContractingProcess, ProcessParty, RedFlag, Supplier
from .projects import InfrastructureProject, ProgressReport
from .releases import CompiledRelease, Release

__all__ = [
    "AMOUNT_FIELD",
    "Amendment",
    "Award",
    "Bid",
    "BulkFile",
    "Category",
    "CompiledRelease",
    "Contract",
    "ContractingProcess",
    "Document",
    "Follow",
    "ImplementationMilestone",
    "InfrastructureProject",
    "Method",
    "Payment",
    "ProcessParty",
    "ProgressReport",
    "RUC_VALIDATOR",
    "RedFlag",
    "Release",
    "Stage",
    "Supplier",
    "supplier_id_valid",
    "validate_supplier_id",
]
