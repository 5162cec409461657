from datetime import timedelta

import factory
from django.utils import timezone

from participation.models import (
    Comment,
    Consultation,
    ConsultationOption,
    Proposal,
    Session,
)
from tests.factories import UserFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Propuesta de prueba {n}")
    summary = "Un resumen breve"
    body = "Una descripción suficientemente larga."
    body_html = "<p>Una descripción suficientemente larga.</p>"
    topic = "participacion"
    published_at = factory.LazyFunction(timezone.now)
    support_ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        if create:
            from participation.services import proposal_search_index

            proposal_search_index(proposal_ids=[self.pk])


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    target_type = "participation.proposal"
    target_id = factory.LazyAttribute(lambda o: ProposalFactory().pk)
    author = factory.SubFactory(UserFactory)
    body = "Un comentario"
    body_html = "<p>Un comentario</p>"

    @factory.post_generation
    def set_root(self, create, extracted, **kwargs):
        if create and self.root_id is None:
            self.root_id = self.parent.root_id if self.parent_id else self.pk
            self.save(update_fields=["root_id"])


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Consulta {n}")
    slug = factory.Sequence(lambda n: f"consulta-{n}")
    question = "¿Cómo calificaría los compromisos en orden de prioridad?"
    status = Consultation.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationOption

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Opción {n}")
    position = factory.Sequence(lambda n: n)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Sesión {n}")
    agenda = "1. Bienvenida\n2. Debate"
    mode = Session.Mode.IN_PERSON
    address = "Plaza Mayor"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5, hours=2))
    capacity = 2
