import pytest

from chatbots.models import InboxBot
from chatbots.selectors import inbox_bot_for
from chatbots.services.inbox_bots import InboxBotError, inbox_bot_set
from tests.chatbots.factories import ChatbotFactory
from tests.conversations.factories import InboxFactory


def test_inbox_bot_set_creates_then_replaces_the_bot_of_an_inbox(org):
    inbox = InboxFactory(organization=org, channel="web")
    first, second = ChatbotFactory(organization=org), ChatbotFactory(organization=org)

    inbox_bot_set(organization=org, inbox=inbox, chatbot=first, is_active=True)
    inbox_bot = inbox_bot_set(organization=org, inbox=inbox, chatbot=second, is_active=False)

    assert InboxBot.objects.filter(inbox=inbox).count() == 1
    found = inbox_bot_for(inbox)
    assert found == inbox_bot
    assert (found.chatbot, found.is_active) == (second, False)


def test_inbox_bot_for_an_inbox_without_bot_is_none(org):
    assert inbox_bot_for(InboxFactory(organization=org, channel="api")) is None


@pytest.mark.parametrize("case", ["other_inbox", "other_bot"])
def test_inbox_bot_set_refuses_foreign_objects(org, other_org, case):
    inbox = InboxFactory(organization=other_org if case == "other_inbox" else org, channel="web")
    chatbot = ChatbotFactory(organization=other_org if case == "other_bot" else org)

    with pytest.raises(InboxBotError):
        inbox_bot_set(organization=org, inbox=inbox, chatbot=chatbot, is_active=True)

    assert not InboxBot.objects.exists()
