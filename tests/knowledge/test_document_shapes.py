"""Every Document in an answer has ``category`` (schemathesis found a several-file upload answer
documented as a Document): one file answers the Document, several answer {results, errors}, and
the schema says both."""

import pytest
from django.core.management import call_command

from tests.knowledge.conftest import upload

pytestmark = pytest.mark.usefixtures("embedding_model")


def test_one_file_answers_a_document_with_its_category(admin_api):
    response = admin_api.post(
        "/api/v1/documents", {"file": upload("a.txt", "Alpha text."), "category": "faq"}, format="multipart"
    )

    assert response.status_code == 201 and response.json()["category"] == "faq"


def test_several_files_answer_results_and_refusals(admin_api):
    response = admin_api.post(
        "/api/v1/documents",
        {"files": [upload("a.txt", "Alpha text."), upload("b.bin", b"\x00\x01\x02binary")]},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    assert [document["category"] for document in body["results"]] == [""]
    assert body["errors"] == [
        {"filename": "b.bin", "error": body["errors"][0]["error"], "code": "unsupported_media_type"}
    ]


def test_schema_documents_both_answers(tmp_path):
    import yaml

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    created = schema["paths"]["/api/v1/documents"]["post"]["responses"]["201"]["content"]["application/json"]
    variants = schema["components"]["schemas"][created["schema"]["$ref"].split("/")[-1]]["oneOf"]

    assert {variant["$ref"].split("/")[-1] for variant in variants} == {"Document", "DocumentUploadResult"}
    assert "category" in schema["components"]["schemas"]["Document"]["required"]
