"""Releases are written on every change, never on no change, and compiled with ocdsmerge."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from contracting import services
from contracting.models import Amendment, Bid, ContractingProcess, Release
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_each_stage_writes_a_release_with_its_tag(make_process):
    p = make_process(
        bids=[(1, "95000", Bid.Status.VALID)], award=(1, "95000"), contract="95000"
    )
    tags = list(p.releases.order_by("date", "id").values_list("tag", flat=True))
    assert tags == [["planning"], ["tender"], ["award"], ["contract"]]
    ids = list(p.releases.values_list("release_id", flat=True))
    assert len(set(ids)) == 4 and all(i.startswith(p.ocid) for i in ids)
    assert p.ocid.startswith("ocds-xxxxxx-")
    assert p.stage == "contract"
    assert p.compiled["tag"] == ["compiled"]
    assert p.compiled["contracts"][0]["value"]["amount"] == 95000


def test_saving_without_changes_writes_nothing(make_process):
    p = make_process()
    count = p.releases.count()
    assert services.release_write(process=p) is None
    assert p.releases.count() == count


def test_update_in_the_same_stage_is_an_update_tag(make_process):
    p = make_process()
    p.tender_amount = Decimal("123456")
    p.save()
    release = services.release_write(process=p)
    assert release.tag == ["tenderUpdate"]
    p.refresh_from_db()
    assert p.compiled["tender"]["value"]["amount"] == 123456


def test_amendment_then_implementation(make_process):
    p = make_process(
        bids=[(1, "100000", Bid.Status.VALID)], award=(1, "100000"), contract="100000"
    )
    contract = p.contracts.get()
    contract.amount = Decimal("130000")
    contract.save()
    Amendment.objects.create(
        contract=contract,
        date=contract.signed_on,
        rationale="Adicional",
        new_amount=Decimal("130000"),
    )
    services.release_write(process=p)
    p.refresh_from_db()
    assert "contract_amended_above_threshold" in set(
        p.red_flags.values_list("code", flat=True)
    )
    assert p.value_contracted == Decimal("130000")


def test_old_releases_keep_their_content(make_process):
    p = make_process()
    first = Release.objects.filter(process=p).order_by("id").first()
    snapshot = first.data
    p.title = "Otro título"
    p.save()
    services.release_write(process=p)
    first.refresh_from_db()
    assert first.data == snapshot


def test_imported_processes_cannot_be_edited_locally(make_process):
    p = make_process()
    ContractingProcess.objects.filter(pk=p.pk).update(source="import")
    p.refresh_from_db()
    with pytest.raises(Exception, match="import_ocds"):
        services.release_write(process=p)


def test_editor_cannot_create_for_another_unit(logistics, procurement_editor):
    from openlima.models import OrgUnit

    other = OrgUnit.objects.get(slug="sgdi")
    with pytest.raises(PermissionDenied):
        services.process_create(
            user=procurement_editor, data={"title": "X", "buyer_unit": other}
        )
    citizen = StaffFactory(is_staff=False)
    with pytest.raises(PermissionDenied):
        services.process_create(
            user=citizen, data={"title": "X", "buyer_unit": logistics}
        )
    p = services.process_create(
        user=procurement_editor, data={"title": "Propio", "buyer_unit": logistics}
    )
    assert p.releases.count() == 1


def test_publisher_publishes_due_processes(make_process):
    from datetime import timedelta

    from django.utils import timezone

    p = make_process(published=False)
    p.publish_at = timezone.now() - timedelta(minutes=1)
    p.save(update_fields=["publish_at"])
    later = make_process("Luego", published=False)
    later.publish_at = timezone.now() + timedelta(days=1)
    later.save(update_fields=["publish_at"])
    assert services.publish_due(now=timezone.now()) == 1
    p.refresh_from_db()
    later.refresh_from_db()
    assert p.is_published and not later.is_published
