"""Canned responses: CRUD and safe placeholder rendering."""

import html

from conversations.services.canned import render_placeholders


def test_placeholders_are_substituted_once_and_escaped():
    values = {
        "contact.first_name": "<b>Ada</b>",
        "contact.last_name": "{{agent.email}}",
        "agent.email": "secret@acme.test",
    }
    content = "Hi {{contact.first_name}} {{ contact.last_name }}, {{contact.unknown}} {% if x %}{{ 7*7 }}"
    rendered = render_placeholders(content, values)
    assert rendered == "Hi &lt;b&gt;Ada&lt;/b&gt; {{agent.email}}, {{contact.unknown}} {% if x %}{{ 7*7 }}"


def test_crud_and_render_for_a_conversation(admin_api, agent_api, agent, conversation):
    created = admin_api.post(
        "/api/v1/canned-responses",
        {
            "title": "Greeting",
            "content": "<p>Hello {{contact.first_name}}, ticket #{{conversation.reference_number}}. "
            "{{agent.first_name}} from {{organization.name}}</p><script>x()</script>",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    canned = created.json()
    assert "<script" not in canned["content"]

    rendered = agent_api.post(
        f"/api/v1/canned-responses/{canned['id']}/render",
        {"conversation_uuid": str(conversation.uuid)},
        format="json",
    )
    assert rendered.status_code == 200, rendered.content
    expected = f"<p>Hello Ada, ticket #{conversation.reference_number}. {html.escape(agent.user.first_name)} from Acme</p>"
    assert rendered.json()["content"] == expected

    assert (
        agent_api.post(
            "/api/v1/canned-responses", {"title": "Mine", "content": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        admin_api.post(
            "/api/v1/canned-responses", {"title": "greeting", "content": "x"}, format="json"
        ).status_code
        == 409
    )
    assert (
        admin_api.post(
            "/api/v1/canned-responses", {"title": "Empty", "content": "<p></p>"}, format="json"
        ).status_code
        == 400
    )
    updated = admin_api.put(f"/api/v1/canned-responses/{canned['id']}", {"title": "Hello"}, format="json")
    assert updated.json()["title"] == "Hello"
    assert agent_api.get("/api/v1/canned-responses").json()["count"] == 1
    assert admin_api.delete(f"/api/v1/canned-responses/{canned['id']}").status_code == 204


def test_render_uses_the_calling_agent(agent_api, agent, admin_api, conversation):
    canned = admin_api.post(
        "/api/v1/canned-responses", {"title": "Sign", "content": "— {{agent.full_name}}"}, format="json"
    ).json()
    rendered = agent_api.post(
        f"/api/v1/canned-responses/{canned['id']}/render",
        {"conversation_uuid": str(conversation.uuid)},
        format="json",
    )
    assert rendered.json()["content"] == f"— {html.escape(agent.user.full_name)}"


def test_render_for_another_organizations_conversation_is_404(admin_api, other_conversation):
    canned = admin_api.post(
        "/api/v1/canned-responses", {"title": "Hi", "content": "Hi {{contact.email}}"}, format="json"
    ).json()
    response = admin_api.post(
        f"/api/v1/canned-responses/{canned['id']}/render",
        {"conversation_uuid": str(other_conversation.uuid)},
        format="json",
    )
    assert response.status_code == 404
    assert "eve@globex.test" not in response.content.decode()
