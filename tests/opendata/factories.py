import factory
from django.utils import timezone

from opendata.models import Dataset, Resource, Tag, Topic
from opendata.search import dataset_search_index
from openlima.models import OrgUnit


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tema {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Conjunto de datos {n}")
    slug = factory.Sequence(lambda n: f"conjunto-{n}")
    description = "Datos de prueba de la municipalidad."
    state = Dataset.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    publish_at = factory.LazyFunction(timezone.now)

    @factory.lazy_attribute
    def publisher(self):
        return OrgUnit.objects.get(slug="sgdi")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set([Tag.objects.get_or_create(name=t)[0] for t in extracted])

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # After tags: what the services do on every write (PostgreSQL only).
        if create:
            dataset_search_index(dataset_ids=[self.pk])


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    name = factory.Sequence(lambda n: f"Recurso {n}")
    format = "CSV"
    media_type = "text/csv"
