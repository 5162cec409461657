"""Encrypt TOTP secrets and recovery-code seeds written before openlima/mfa_adapter.py."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from openlima.mfa_adapter import PREFIX, encrypt_text

    Authenticator = apps.get_model("mfa", "Authenticator")
    for auth in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(auth.data or {})
        field = "secret" if auth.type == "totp" else "seed"
        value = data.get(field)
        if isinstance(value, str) and not value.startswith(PREFIX):
            data[field] = encrypt_text(value)
            auth.data = data
            auth.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("openlima", "0003_unaccent"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
