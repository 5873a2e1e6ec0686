def test_account_status_with_bearer_key(admin_api):
    response = admin_api.get("/api/v1/account/status")
    assert response.status_code == 200, response.content
    assert response.json()["plan"] == "self_hosted"
