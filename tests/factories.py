"""Factories shared across apps (users, units, districts)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from openlima.models import District, OrgUnit, User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Unidad de prueba {n}")
    slug = factory.Sequence(lambda n: f"unidad-prueba-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A registered citizen with a verified e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"vecino{n}@example.pe")
    display_name = factory.Sequence(lambda n: f"Vecino {n}")
    password = factory.PostGenerationMethodCall("set_password", "clave-segura-123")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self,
                email=self.email,
                defaults={"verified": extracted is not False, "primary": True},
            )

    @factory.lazy_attribute
    def district(self):
        return District.objects.order_by("ubigeo").first()


class StaffFactory(UserFactory):
    """Municipal staff; pass `roles=[...]` (openlima.roles) and `org_unit=`."""

    is_staff = True
    email = factory.Sequence(lambda n: f"personal{n}@munlima.gob.pe")

    @factory.lazy_attribute
    def org_unit(self):
        return OrgUnit.objects.get(slug="sgdi")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
