import factory

from network import services
from network.models import Amt, Association, Category, Municipality, Opportunity, Representative
from tests.factories import UserFactory


class AmtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amt
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Amt Testheide {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testdorf {n}")
    kind = Municipality.Kind.MUNICIPALITY
    amt = factory.SubFactory(AmtFactory)
    latitude = 54.3
    longitude = 9.7


class AssociationFactory(factory.django.DjangoModelFactory):
    """A published entry with its search vector, as the services keep it."""

    class Meta:
        model = Association
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Verein Nummer {n}")
    slug = factory.Sequence(lambda n: f"verein-{n}")
    description = "Ein Verein im Kreis."
    municipality = factory.SubFactory(MunicipalityFactory)
    status = Association.Status.PUBLISHED

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            services.refresh_search_vector(association_ids=[self.pk])


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Helfer:in gesucht {n}")
    description = "Wir suchen Unterstützung."
    commitment = Opportunity.Commitment.REGULAR
    municipality = factory.SelfAttribute("association.municipality")

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            services.refresh_opportunity_search_vector(opportunity=self)


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)
