"""Schemathesis against ``/api/schema/``: every documented operation, called with generated
requests (and with the ids of a populated organization, so real rows are read and written),
answers without a server error and with a response the schema describes (status code, content
type and body). Deterministic (derandomized) and bounded: a few examples per operation."""

from __future__ import annotations

import io
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.models import ApiKey, Role
from tests.conversations.factories import (
    BusinessHoursFactory,
    ContactFactory,
    InboxFactory,
    make_conversation,
)
from tests.factories import MembershipFactory, TeamFactory

# Hypothesis keeps caches in ./.hypothesis by default: keep the working tree clean.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "parley-hypothesis"))

EXAMPLES_PER_OPERATION = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class World:
    key: str
    ids: dict[str, object]


def _created(response) -> dict:
    assert response.status_code in (200, 201, 202), response.content
    body = response.json()
    return body[0] if isinstance(body, list) else body


@pytest.fixture
def world(org, owner, api_for, settings, fake_ollama, tmp_path) -> World:
    """An organization with some of everything, created through the services and the API."""
    settings.MEDIA_ROOT = tmp_path / "media"
    org.allowed_outbound_hosts = ["127.0.0.1"]  # the webhook's receiver (nothing listens: port 9)
    org.save(update_fields=["allowed_outbound_hosts"])
    api = api_for(owner)
    agent = MembershipFactory(organization=org, role=Role.AGENT, user__email="fuzz-agent@acme.test")
    team = TeamFactory(organization=org)
    inbox = InboxFactory(organization=org)
    contact = ContactFactory(organization=org)
    BusinessHoursFactory(organization=org)
    conversation = make_conversation(org, inbox=inbox, email=contact.email)
    post = lambda path, body, **kw: _created(api.post(f"/api/v1/{path}", body, format="json", **kw))  # noqa: E731
    message = post(f"conversations/{conversation.uuid}/messages", {"message": "We are on it."})
    note = post(f"contacts/{contact.pk}/notes", {"note": "Prefers email."})
    media = _created(api.post("/api/v1/media", {"files": _file("shot.png", _png())}, format="multipart"))
    document = _created(
        api.post(
            "/api/v1/documents",
            {"file": _file("manual.txt", b"The Widget Pro ships with a USB-C charger."), "train_ai": "false"},
            format="multipart",
        )
    )
    chatbot = post("chatbots", {"name": "Helper", "model": "llama3.2"})
    session = post(
        "chat/message", {"message": "Does the widget have a charger?", "chatbot_id": chatbot["id"]}
    )
    webhook = post("webhooks", {"url": "http://127.0.0.1:9/parley", "events": ["ticket.created"]})
    ids = {
        "agent": agent.pk,
        "team": team.pk,
        "inbox": inbox.pk,
        "contact": contact.pk,
        "note": note["id"],
        "conversation": str(conversation.uuid),
        "ticket": conversation.pk,
        "api_key": ApiKey.objects.get(organization=org, membership=owner).pk,
        "message": message["uuid"],
        "media": media["uuid"],
        "document": document["id"],
        "chatbot": chatbot["id"],
        "session": session["session_id"],
        "webhook": webhook["id"],
        "status": post("statuses", {"name": "Waiting on vendor"})["id"],
        "tag": post("tags", {"name": "billing"})["id"],
        "view": post("views", {"name": "Mine", "filters": []})["id"],
        "canned": post("canned-responses", {"title": "Thanks", "content": "Thank you!"})["id"],
        "macro": post("macros", {"name": "Close", "actions": [{"type": "set_status", "value": "resolved"}]})[
            "id"
        ],
        "sla": post("sla-policies", {"name": "Gold", "first_response_minutes": 30})["id"],
        "business_hours": post("business-hours", {"name": "Office", "is_always_open": True})["id"],
        "prompt": post("ai/prompts", {"key": "polite", "title": "Polite", "content": "Be polite."})["id"],
        "item": post("knowledge_base/items", {"title": "Warranty?", "content": "Two years."})["id"],
        "operation": document["operation_id"],
    }
    return World(key=api.full_key, ids=ids)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def real_path_parameters(path: str, ids: dict) -> dict:
    """The fixture's ids for the path's parameters, so generated requests also reach real rows."""
    resource = {
        "agents": "agent",
        "teams": "team",
        "inboxes": "inbox",
        "contacts": "contact",
        "users": "contact",
        "tickets": "ticket",
        "api-keys": "api_key",
        "documents": "document",
        "chatbots": "chatbot",
        "webhooks": "webhook",
        "statuses": "status",
        "tags": "tag",
        "views": "view",
        "canned-responses": "canned",
        "macros": "macro",
        "sla-policies": "sla",
        "business-hours": "business_hours",
        "prompts": "prompt",
        "items": "item",
        "operations": "operation",
        "media": "media",
    }
    segments = [segment for segment in path.split("/") if segment and not segment.startswith("{")]
    owner = next((resource[segment] for segment in reversed(segments[2:]) if segment in resource), None)
    values = {
        "uuid": ids["media"] if owner == "media" else ids["conversation"],
        "conversation_uuid": ids["conversation"],
        "message_uuid": ids["message"],
        "note_id": ids["note"],
        "session_id": ids["session"],
        "sid": ids["session"],
        "team_id": ids["team"],
        "index": 1,
        "id": ids.get(owner or "", 1),
    }
    names = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
    return {name: values[name] for name in names if name in values}


def real_bodies(method: str, path: str, ids: dict) -> list[dict]:
    """Bodies naming the fixture's rows, so the success paths of these writes are checked too
    (generated ids almost never exist)."""
    conversation, chatbot, session = ids["conversation"], ids["chatbot"], ids["session"]
    bodies = {
        ("POST", "/api/v1/chat/message"): [
            {"message": "Is there a charger?", "chatbot_id": chatbot},
            {"message": "Is there a charger?", "chatbot_id": chatbot, "stream": True},
            {"message": "And the battery?", "session_id": session, "stream": True, "defer": True},
        ],
        ("POST", "/api/v1/chat/rate"): [{"session_id": session, "index": 1, "rate": 1}],
        ("POST", "/api/v1/chat/resolve"): [{"session_id": session}],
        ("POST", "/api/v1/conversations"): [
            {
                "subject": "Broken widget",
                "content": "It does not start.",
                "contact_email": "new@example.com",
                "inbox_id": ids["inbox"],
                "team_id": ids["team"],
                "agent_id": ids["agent"],
            }
        ],
        ("PUT", "/api/v1/conversations/{uuid}/assignee/user"): [{"assignee_id": ids["agent"]}],
        ("PUT", "/api/v1/conversations/{uuid}/assignee/team"): [{"assignee_id": ids["team"]}],
        ("PUT", "/api/v1/conversations/{uuid}/status"): [
            {"status": "resolved"},
            {"status": "snoozed", "snoozed_until": "1h"},
        ],
        ("PUT", "/api/v1/conversations/{uuid}/priority"): [{"priority": "high"}],
        ("POST", "/api/v1/macros/{id}/apply"): [{"conversation_uuid": conversation}],
        ("POST", "/api/v1/canned-responses/{id}/render"): [{"conversation_uuid": conversation}],
        ("POST", "/api/v1/documents/train"): [
            {"chatbot_id": str(chatbot), "document_ids": [ids["document"]]}
        ],
        ("POST", "/api/v1/knowledge/search"): [{"query": "charger", "chatbot_id": chatbot}],
        ("POST", "/api/v1/webhooks"): [{"url": "http://127.0.0.1:9/other", "events": ["message.created"]}],
        ("POST", "/api/v1/agents"): [{"email": "new-agent@acme.test", "first_name": "Nia", "role": "agent"}],
    }
    return bodies.get((method, path), [])


@pytest.fixture
def no_dns(monkeypatch):
    """Generated URLs (webhooks, crawls) name hosts of the whole internet: refuse lookups of
    names at once instead of waiting on a resolver that cannot reach out."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in str(host) else socket.AF_INET, str(host))
        except (OSError, ValueError):
            if host not in ("localhost",):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def connections_kept_open():
    """Django closes the database connection at the start and end of each WSGI request; the
    test client suspends that so requests run inside the test's transaction, and so do we."""
    hooks = (signals.request_started, signals.request_finished)
    for hook in hooks:
        hook.disconnect(close_old_connections)
    yield
    for hook in hooks:
        hook.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
def test_every_operation_answers_as_documented(world, no_dns, connections_kept_open):
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    headers = {"Authorization": f"Bearer {world.key}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    # Each example runs in a savepoint rolled back afterwards, so every operation (deleting the
    # fuzzer's own key included) meets the same fixture.
    operations.sort(key=lambda operation: (operation.path, operation.method))
    assert len(operations) > 150

    for operation in operations:
        real = real_path_parameters(operation.path, world.ids)
        # Valid and invalid requests alike (an invalid one must be a documented 4xx, never a 500).
        strategy = st.one_of(
            operation.as_strategy(), operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
        )
        if real:
            strategy = st.one_of(operation.as_strategy(path_parameters=real), strategy)
        bodies = real_bodies(operation.method.upper(), operation.path, world.ids)
        if bodies:
            strategy = st.one_of(
                *(
                    operation.as_strategy(path_parameters=real, body=body, media_type="application/json")
                    for body in bodies
                ),
                strategy,
            )

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            with transaction.atomic():
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                transaction.set_rollback(True)  # every example meets the same fixture

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collected: report every operation at once
            failures.append(f"{operation.method.upper()} {operation.path}\n{str(exc)[:3000]}")

    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
