"""factory_boy factories of the knowledge app (documents are made through the upload service,
which is what the tests exercise; items are plain rows)."""

import factory

from knowledge.models import KnowledgeItem
from tests.factories import OrganizationFactory


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Question {n}?")
    content = factory.Sequence(lambda n: f"Answer number {n}.")
    category = ""
