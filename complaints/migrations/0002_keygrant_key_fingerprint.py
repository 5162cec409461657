import hashlib

from django.db import migrations, models


def fill(apps, schema_editor):
    KeyGrant = apps.get_model("complaints", "KeyGrant")
    MemberKey = apps.get_model("complaints", "MemberKey")
    RecoveryKey = apps.get_model("complaints", "RecoveryKey")

    def fp(public):
        return hashlib.sha256(bytes(public)).hexdigest()[:16]

    for mk in MemberKey.objects.all():
        KeyGrant.objects.filter(member_id=mk.user_id).update(
            key_fingerprint=fp(mk.public_key)
        )
    recovery = RecoveryKey.objects.order_by("-created_at").first()
    if recovery is not None:
        KeyGrant.objects.filter(member__isnull=True).update(
            key_fingerprint=fp(recovery.public_key)
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="keygrant",
            name="key_fingerprint",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
