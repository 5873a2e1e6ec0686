"""factory_boy factories of the chatbots app, and helpers that make real knowledge through the
knowledge services (documents ingested and embedded, KB items indexed)."""

import factory

from chatbots.models import Chatbot
from knowledge.models import Document, KnowledgeItem
from knowledge.services.documents import document_create_from_bytes
from knowledge.services.ingestion import document_ingest
from knowledge.services.kb_items import kb_item_create, kb_items_index
from tests.factories import OrganizationFactory


class ChatbotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chatbot
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Bot {n}")
    model = "llama3.2"
    temperature = 0.2
    max_tokens = 400

    @factory.post_generation
    def documents(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.product_documents.set(extracted)


def make_document(
    organization, text: str, *, title: str = "Manual", category: str = "", **fields
) -> Document:
    """A processed, embedded text document (ingested synchronously)."""
    document = document_create_from_bytes(
        organization=organization,
        data=text.encode(),
        filename=f"{title.lower().replace(' ', '-')}.txt",
        title=title,
        category=category,
        queue_ingest=False,
        **fields,
    )
    document = document_ingest(document=document)
    assert document.status == "processed", document.error
    return document


def make_kb_item(
    organization, title: str, content: str, *, category: str = "", verified: bool = False
) -> KnowledgeItem:
    item = kb_item_create(
        organization=organization, title=title, content=content, category=category, verified=verified
    )
    kb_items_index(organization=organization, item_ids=[item.pk])
    return item
