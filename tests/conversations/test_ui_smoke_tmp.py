from django.test import Client

from tests.conversations.factories import make_conversation


def test_smoke(org, agent, admin, conversation):
    make_conversation(org, email="ada@example.com", subject="Second")
    client = Client()
    client.force_login(admin.user)
    for url in ["/inbox/", "/inbox/?tab=all", f"/inbox/c/{conversation.uuid}/", "/contacts/", f"/contacts/{conversation.contact_id}/",
                "/settings/inboxes/", "/settings/inboxes/new/", "/settings/statuses/", "/settings/tags/", "/settings/canned-responses/",
                "/settings/canned-responses/new/", "/settings/macros/", "/settings/macros/new/", "/settings/sla-policies/",
                "/settings/sla-policies/new/", "/settings/business-hours/", "/settings/business-hours/new/"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        open(f"/tmp/uitest/{url.strip('/').replace('/', '_') or 'root'}.html", "wb").write(response.content)
