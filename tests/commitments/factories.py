import datetime

import factory

from commitments.models import ActionPlan, Commitment, Milestone


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Plan de acción {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    government = "Municipalidad Metropolitana de Lima"
    period_start = datetime.date(2024, 1, 1)
    period_end = datetime.date(2027, 12, 31)
    status = "implementation"
    is_published = True


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"compromiso-{n}")
    title = factory.Sequence(lambda n: f"Compromiso de prueba {n}")
    ogp_values = "transparency,participation"
    objective = "Abrir datos municipales"

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible_units.set(extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Hito {n}")
    start_on = datetime.date(2026, 1, 1)
    due_on = datetime.date(2027, 6, 30)
