"""The shapes of the reports' answers (they document the schema; the views answer the selectors'
dictionaries as they are) and the body of "write the answer"."""

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    from_ = serializers.DateField(help_text="First day, in the organization's time zone.")
    to = serializers.DateField(help_text="Last day (included).")
    preset = serializers.CharField()
    timezone = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class FiltersSerializer(PeriodSerializer):
    inbox_id = serializers.IntegerField(allow_null=True)
    team_id = serializers.IntegerField(allow_null=True)
    agent_id = serializers.IntegerField(allow_null=True)
    tag = serializers.CharField(allow_null=True)


class DurationSerializer(serializers.Serializer):
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField(help_text="Conversations measured.")


class SLAFiguresSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="A target still running.")
    met_percent = serializers.FloatField(allow_null=True)
    breached_percent = serializers.FloatField(allow_null=True)


class CsatFiguresSerializer(serializers.Serializer):
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField(), help_text='{"1": n, … "5": n}')


class MeasuresSerializer(serializers.Serializer):
    opened = serializers.IntegerField()
    resolved = serializers.IntegerField()
    backlog = serializers.IntegerField(
        help_text="Opened before the period ended, not resolved or closed by then."
    )
    first_response = DurationSerializer(
        help_text="Business time where the conversation's SLA uses business hours."
    )
    resolution = DurationSerializer()
    sla = SLAFiguresSerializer()
    csat = CsatFiguresSerializer()


class SeriesPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    opened = serializers.IntegerField()
    resolved = serializers.IntegerField()


class HeatmapSerializer(serializers.Serializer):
    weekdays = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="7 rows (Monday first) of 24 hourly counts of conversations opened.",
    )
    max = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    previous_period = PeriodSerializer()
    figures = MeasuresSerializer()
    previous = MeasuresSerializer()
    change_percent = serializers.DictField(child=serializers.FloatField(allow_null=True))
    series = SeriesPointSerializer(many=True)
    heatmap = HeatmapSerializer()


class AgentRowSerializer(MeasuresSerializer):
    agent_id = serializers.IntegerField(allow_null=True, help_text="null: assigned to nobody.")
    name = serializers.CharField()
    email = serializers.CharField()
    is_active = serializers.BooleanField()


class AgentsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    results = AgentRowSerializer(many=True)


class TeamRowSerializer(MeasuresSerializer):
    team_id = serializers.IntegerField(allow_null=True, help_text="null: no team.")
    name = serializers.CharField()


class TeamsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    results = TeamRowSerializer(many=True)


class InboxRowSerializer(MeasuresSerializer):
    inbox_id = serializers.IntegerField()
    name = serializers.CharField()
    channel = serializers.CharField(help_text="api, web or email.")
    channel_label = serializers.CharField()
    enabled = serializers.BooleanField()


class InboxesSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    results = InboxRowSerializer(many=True)


class TagRowSerializer(MeasuresSerializer):
    tag_id = serializers.IntegerField(
        allow_null=True, help_text="null: conversations with no tag. A conversation counts under each tag."
    )
    name = serializers.CharField()


class TagsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    results = TagRowSerializer(many=True)


class BotConversationsSerializer(serializers.Serializer):
    handled = serializers.IntegerField(help_text="Conversations opened in the period the bot answered in.")
    resolved_without_person = serializers.IntegerField(help_text="By the strict rule (see rule).")
    resolution_rate = serializers.FloatField(
        allow_null=True, help_text="Percent of the handled conversations whose outcome is known."
    )
    awaiting_window = serializers.IntegerField(help_text="Would count, but resolved less than 7 days ago.")
    resolved_without_agent_message = serializers.IntegerField()
    naive_resolution_rate = serializers.FloatField(allow_null=True)
    handed_off = serializers.IntegerField()
    handoff_rate = serializers.FloatField(allow_null=True)
    with_agent_message = serializers.IntegerField()
    rule = serializers.CharField()


class HandoffReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="requested, low_confidence, no_sources, escalated, agent_takeover"
    )
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class BotAnswersSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rated_up = serializers.IntegerField()
    rated_down = serializers.IntegerField()
    unrated = serializers.IntegerField()
    positive_percent = serializers.FloatField(allow_null=True)
    llm = serializers.IntegerField()
    retrieval_only = serializers.IntegerField(help_text="Passages only: Ollama was unreachable.")
    fallback = serializers.IntegerField()
    retrieval_only_share = serializers.FloatField(allow_null=True)
    median_latency_ms = serializers.IntegerField(allow_null=True)


class BotSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    conversations = BotConversationsSerializer()
    handoff_reasons = HandoffReasonSerializer(many=True)
    answers = BotAnswersSerializer()


class UnansweredGroupSerializer(serializers.Serializer):
    question = serializers.CharField()
    count = serializers.IntegerField()
    low_confidence = serializers.IntegerField()
    thumbs_down = serializers.IntegerField()
    last_asked_at = serializers.DateTimeField()
    examples = serializers.ListField(child=serializers.CharField())
    answer_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="For reports/unanswered/answer."
    )
    chatbots = serializers.ListField(child=serializers.DictField())


class UnansweredSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    grouping = serializers.CharField(help_text="embeddings, or exact text without the embedding model.")
    total_questions = serializers.IntegerField()
    truncated = serializers.BooleanField()
    groups = UnansweredGroupSerializer(many=True)


class UnansweredAnswerSerializer(serializers.Serializer):
    answer_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=50
    )
    question = serializers.CharField(max_length=500)
    answer = serializers.CharField(max_length=20000)


class KnowledgeItemBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    verified = serializers.BooleanField()
