"""Serializers of the knowledge API: validate input shapes, render rows. No writes here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.api.serializers import IdListField
from knowledge import chunking
from knowledge.models import Chunk, Document, DocumentEvent, KnowledgeItem
from knowledge.services.documents import MAX_TAG_LENGTH, MAX_TAGS
from knowledge.services.kb_items import CATEGORY_MAX, CONTENT_MAX, TITLE_MAX


class TagListField(serializers.ListField):
    """Tags as a JSON list, or (multipart) repeated fields or one comma-separated string."""

    child = serializers.CharField(max_length=50, allow_blank=True)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name)
            if not values:
                return serializers.empty
            if len(values) == 1 and isinstance(values[0], str):
                return [part for part in values[0].split(",")]
            return values
        return super().get_value(dictionary)


class DocumentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentEvent
        fields = ["status", "message", "created_at"]


class ReviewSerializer(serializers.Serializer):
    summary = serializers.CharField()
    key_features = serializers.ListField(child=serializers.CharField())
    entities = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    confidence = serializers.FloatField(allow_null=True)
    model = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    operation_id = serializers.UUIDField(read_only=True, allow_null=True)
    source_url = serializers.SerializerMethodField()
    uploaded_by = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "category",
            "description",
            "tags",
            "status",
            "training_status",
            "error",
            "format",
            "content_type",
            "original_filename",
            "size",
            "sha256",
            "source_url",
            "train_ai",
            "element_count",
            "chunk_count",
            "embedding_model",
            "operation_id",
            "uploaded_by",
            "review",
            "processed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="The page a crawl fetched this from.")
    )
    def get_source_url(self, document) -> str | None:
        return document.source_url or None  # an uploaded file has none (null, not "")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_uploaded_by(self, document) -> str | None:
        membership = document.uploaded_by
        return membership.user.email if membership is not None else None

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, document) -> dict | None:
        if document.reviewed_at is None:
            return None
        return {
            "summary": document.summary,
            "key_features": document.key_features,
            "entities": document.entities,
            "confidence": document.review_confidence,
            "model": document.review_model,
            "reviewed_at": document.reviewed_at,
        }


class DocumentDetailSerializer(DocumentSerializer):
    events = DocumentEventSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="One file (PDF, DOCX, TXT, MD, HTML, RST).")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="Several files.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    tags = TagListField(required=False)
    train_ai = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs):
        request = self.context.get("request")
        uploads = []
        if request is not None:
            uploads = request.FILES.getlist("file") + request.FILES.getlist("files")
        if not uploads:
            raise serializers.ValidationError(
                {"file": ["Attach a file (field 'file', or 'files' for several)."]}
            )
        attrs.pop("file", None)  # both are in ``uploads``
        attrs.pop("files", None)
        attrs["uploads"] = uploads
        return attrs


class DocumentUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH), required=False, max_length=MAX_TAGS
    )
    train_ai = serializers.BooleanField(required=False)


class DocumentUploadRefusalSerializer(serializers.Serializer):
    filename = serializers.CharField()
    error = serializers.CharField(help_text="Why this file was refused.")
    code = serializers.CharField(help_text="unsupported_media_type, too_large, duplicate, limit_exceeded…")
    document_id = serializers.IntegerField(required=False, help_text="The existing document (duplicates).")


class DocumentUploadResultSerializer(serializers.Serializer):
    """The answer to a several-file upload: the documents created and the files refused."""

    results = DocumentSerializer(many=True)
    errors = DocumentUploadRefusalSerializer(many=True)


class ChunkingSerializer(serializers.Serializer):
    """``chunk_size`` and ``overlap`` (characters; absent or null: the server's), checked by
    ``knowledge.chunking``."""

    chunk_size = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=f"{chunking.MIN_CHUNK_SIZE} to {chunking.MAX_CHUNK_SIZE} characters",
    )
    overlap = serializers.IntegerField(
        required=False, allow_null=True, help_text="0 to half the chunk size, in characters"
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            chunking.check_chunking(chunk_size=attrs.get("chunk_size"), overlap=attrs.get("overlap"))
        except chunking.ChunkingError as error:
            raise serializers.ValidationError({error.field: [error.message]})
        return attrs


class ReingestSerializer(ChunkingSerializer):
    pass


class ReviewRequestSerializer(serializers.Serializer):
    model = serializers.CharField(required=False, allow_blank=True, max_length=200)
    ollama_endpoint = serializers.CharField(required=False, allow_blank=True, max_length=300)
    prompt = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    extract_entities = serializers.BooleanField(required=False, default=True)


class ReviewResponseSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    summary = serializers.CharField()
    key_features = serializers.ListField(child=serializers.CharField())
    entities = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    confidence = serializers.FloatField(allow_null=True)
    model = serializers.CharField()


class CrawlRequestSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    max_levels = serializers.IntegerField(required=False, min_value=0)
    max_pages = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)


class OperationAcceptedSerializer(serializers.Serializer):
    operation_id = serializers.UUIDField()
    status = serializers.CharField()


class ChunkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chunk
        fields = ["id", "index", "text", "section", "page", "char_count", "token_count"]
        read_only_fields = fields


class KnowledgeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeItem
        fields = [
            "id",
            "title",
            "content",
            "category",
            "tags",
            "verified",
            "source",
            "indexed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "source", "indexed_at", "created_at", "updated_at"]


class KnowledgeItemWriteSerializer(serializers.Serializer):
    """The shape of an item (lengths from ``knowledge.services.kb_items``). On update every field
    is optional; the ones given must be well-formed (a title and a content are never blank)."""

    title = serializers.CharField(required=False, max_length=TITLE_MAX)
    content = serializers.CharField(required=False, max_length=CONTENT_MAX)
    category = serializers.CharField(required=False, allow_blank=True, max_length=CATEGORY_MAX)
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=MAX_TAG_LENGTH),
        required=False,
        max_length=MAX_TAGS,
    )
    verified = serializers.BooleanField(required=False)


class KnowledgeImportItemSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="Or `question`.")
    content = serializers.CharField(required=False, help_text="Or `answer`.")
    question = serializers.CharField(required=False)
    answer = serializers.CharField(required=False)
    category = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class SearchRequestSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=2000)
    document_ids = IdListField(required=False, allow_null=True)
    categories = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, allow_null=True
    )
    kb_item_ids = IdListField(required=False, allow_null=True)
    include_kb_items = serializers.BooleanField(required=False, default=True)
    k = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)


class SearchHitSerializer(serializers.Serializer):
    source_type = serializers.ChoiceField(choices=["document", "kb_item"])
    chunk_id = serializers.CharField()
    document_id = serializers.IntegerField(allow_null=True)
    kb_item_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    section = serializers.CharField(allow_blank=True)
    page = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(allow_blank=True)
    snippet = serializers.CharField()
    score = serializers.FloatField()
    vector_score = serializers.FloatField(allow_null=True)
    keyword_score = serializers.FloatField(allow_null=True)
    verified = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)
