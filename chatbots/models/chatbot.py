from django.db import models

DEFAULT_CONFIDENCE_THRESHOLD = 0.35


class Chatbot(models.Model):
    """A support bot: which Ollama model answers, how, and from which of the organization's
    documents and knowledge-base items (and nothing else)."""

    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="chatbots"
    )
    name = models.CharField(max_length=200, help_text="Also accepted as Nova Chat's bot_name.")
    model = models.CharField(max_length=200, help_text="The Ollama model that answers.")
    ollama_endpoint = models.CharField(
        max_length=300, blank=True, help_text="Blank: the organization's default endpoint."
    )
    temperature = models.FloatField(default=0.2)
    max_tokens = models.PositiveIntegerField(default=1000, help_text="Ollama's num_predict.")
    system_prompt = models.TextField(blank=True)
    greeting_message = models.TextField(blank=True)
    product_documents = models.ManyToManyField("knowledge.Document", blank=True, related_name="chatbots")
    knowledge_categories = models.JSONField(
        default=list, blank=True, help_text="Documents and KB items of these categories are sources too."
    )
    verified_items = models.ManyToManyField(
        "knowledge.KnowledgeItem",
        blank=True,
        related_name="verified_for_chatbots",
        help_text="Answers verified in the monitor: sources of this bot, ranked first.",
    )
    confidence_threshold = models.FloatField(default=DEFAULT_CONFIDENCE_THRESHOLD)
    handoff_enabled = models.BooleanField(default=True)
    handoff_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    derived_model_name = models.CharField(
        max_length=200, blank=True, help_text="Model created by modelfile training; used while current."
    )
    derived_model_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "helpdesk.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="chatbot_unique_name"),
        ]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="chatbot_org_active"),
            models.Index(fields=["organization", "-created_at"], name="chatbot_org_created"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def answer_model(self) -> str:
        """The model that answers: the derived (modelfile) model while it is current."""
        return self.derived_model_name or self.model
