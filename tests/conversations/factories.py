"""Factories of the conversations domain. Conversations are made through the service (so they
have a reference number, a status, a first message and denormalized fields like real ones)."""

import factory

from conversations.models import BusinessHours, Contact, Inbox, SLAPolicy
from conversations.services import conversations as conversation_services
from tests.factories import OrganizationFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")


class InboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inbox

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Inbox {n}")
    channel = "api"


class BusinessHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessHours

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Office hours {n}")
    timezone = "UTC"
    hours = factory.LazyFunction(
        lambda: {
            day: [{"open": "09:00", "close": "17:00"}]
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        }
    )
    holidays = factory.LazyFunction(list)


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    first_response_minutes = 60
    next_response_minutes = 120
    resolution_minutes = 480


_counter = iter(range(10**9))


def make_conversation(organization, *, email=None, content="Hello, I need help", subject="Help", **kwargs):
    """A conversation opened by a contact through the real service."""
    number = next(_counter)
    return conversation_services.conversation_create(
        organization=organization,
        contact_email=email or f"visitor{number}@example.com",
        content=content,
        subject=subject,
        **kwargs,
    )
