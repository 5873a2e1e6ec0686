"""``POST account/domains/{id}/ai-config``: the bot that answers a website domain's visitors."""

from chatbots.models import InboxBot
from conversations.services.domains import domain_bind
from tests.chatbots.factories import ChatbotFactory


def test_nova_ai_config_sets_the_bot_of_the_domains_inbox(org, admin_api):
    domain = domain_bind(organization=org, website_url="https://shop.example.com")
    bot = ChatbotFactory(organization=org)

    response = admin_api.post(
        f"/api/v1/account/domains/{domain.pk}/ai-config",
        {"ai_bot_config_id": bot.pk, "is_active": True},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "domain_id": domain.pk,
        "inbox_id": domain.inbox_id,
        "chatbot_id": bot.pk,
        "is_active": True,
    }
    inbox_bot = InboxBot.objects.get(inbox=domain.inbox)
    assert inbox_bot.chatbot == bot and inbox_bot.is_active
    off = admin_api.post(
        f"/api/v1/account/domains/{domain.pk}/ai-config",
        {"chatbot_id": bot.pk, "is_active": False},
        format="json",
    )
    assert off.status_code == 200 and InboxBot.objects.get(inbox=domain.inbox).is_active is False


def test_ai_config_refuses_other_organizations_and_missing_bots(org, other_org, admin_api, agent_api):
    domain = domain_bind(organization=org, website_url="https://shop.example.com")
    foreign_domain = domain_bind(organization=other_org, website_url="https://globex.example.com")
    foreign_bot = ChatbotFactory(organization=other_org)
    bot = ChatbotFactory(organization=org)
    url = f"/api/v1/account/domains/{domain.pk}/ai-config"

    assert admin_api.post(url, {"chatbot_id": foreign_bot.pk}, format="json").status_code == 404
    assert (
        admin_api.post(
            f"/api/v1/account/domains/{foreign_domain.pk}/ai-config", {"chatbot_id": bot.pk}, format="json"
        ).status_code
        == 404
    )
    missing = admin_api.post(url, {"is_active": True}, format="json")
    assert missing.status_code == 400 and "chatbot_id" in missing.json()["fields"]
    assert agent_api.post(url, {"chatbot_id": bot.pk}, format="json").status_code == 403
    assert InboxBot.objects.count() == 0
