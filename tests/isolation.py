"""Organization isolation checks, reusable by every app's tests.

Another organization's object must answer 404 (never 403: existence must not leak) and must not
change. Typical use in a parametrized matrix::

    from tests.isolation import assert_isolated, assert_not_listed, assert_unchanged

    @pytest.mark.parametrize("method,body", [("get", None), ("put", {"name": "x"}), ("delete", None)])
    def test_other_org_cannot_touch_my_widget(other_api, widget, method, body):
        assert_isolated(other_api, method, f"/api/v1/widgets/{widget.pk}", body)
        assert_unchanged(widget)  # compares the DB row with the instance loaded before the call

    def test_widget_list_is_scoped(admin_api, other_widget):
        assert_not_listed(admin_api, "/api/v1/widgets", [other_widget.pk])

``snapshot(instance)`` records a row's stored fields, for when the in-memory instance was changed
since it was loaded: ``before = snapshot(obj)`` … ``assert_unchanged(obj, before)``. Related rows
(many-to-many, children) are not covered: assert them explicitly.
"""

from __future__ import annotations

ERROR_KEYS = {"error", "code", "fields"}


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    """The response has ``status`` and the API's error body; returns the body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert ERROR_KEYS <= set(body), body
    assert isinstance(body["error"], str) and body["error"], body
    assert isinstance(body["fields"], dict), body
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_isolated(client, method: str, url: str, body: dict | None = None) -> dict:
    """``client`` (authenticated in another organization) gets a 404 in the error shape."""
    call = getattr(client, method.lower())
    response = call(url, body, format="json") if body is not None else call(url)
    return assert_error_shape(response, 404, "not_found")


def _field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def snapshot(instance) -> dict:
    """Every concrete field of ``instance`` as stored in the database right now."""
    return _field_values(type(instance)._default_manager.get(pk=instance.pk))


def assert_unchanged(instance, before: dict | None = None) -> None:
    """The row still exists and every concrete field equals ``before`` (a ``snapshot``) or, without
    one, the values the in-memory ``instance`` holds (load it before the request; don't refresh it)."""
    manager = type(instance)._default_manager
    assert manager.filter(pk=instance.pk).exists(), f"{instance!r} was deleted"
    expected = before if before is not None else _field_values(instance)
    assert snapshot(instance) == expected, f"{instance!r} changed"


def assert_not_listed(client, url: str, foreign_ids, id_field: str = "id") -> list:
    """Walk every page of a paginated list and check none of ``foreign_ids`` appears.
    Returns the ids that were listed (so callers can also assert their own rows are there)."""
    foreign = {str(value) for value in foreign_ids}
    seen, page = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}&per_page=200")
        assert response.status_code == 200, (response.status_code, response.content[:500])
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        seen += [str(row[id_field]) for row in rows]
        if not isinstance(body, dict) or page >= body.get("total_pages", 1):
            break
        page += 1
    leaked = foreign & set(seen)
    assert not leaked, f"rows of another organization listed: {sorted(leaked)}"
    return seen
