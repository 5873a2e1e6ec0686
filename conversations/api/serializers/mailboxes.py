"""The mailbox of an email inbox: ``imap`` (where mail is read) and ``smtp`` (where replies
leave) as nested objects, flat on the model. Passwords are write-only: a mailbox says only
whether one is stored (``password_set``); a blank or missing one keeps the stored password."""

from rest_framework import serializers

from conversations.models import AfterImport, BotMode, Mailbox, MailboxSecurity

PASSWORD = {"write_only": True, "required": False, "allow_blank": True, "max_length": 1000}


def _password(**extra):
    return serializers.CharField(style={"input_type": "password"}, **PASSWORD, **extra)


class ImapSerializer(serializers.Serializer):
    host = serializers.CharField(max_length=255)
    port = serializers.IntegerField(min_value=1, max_value=65535, default=993)
    security = serializers.ChoiceField(choices=MailboxSecurity.choices, default=MailboxSecurity.TLS)
    username = serializers.CharField(max_length=255)
    password = _password(help_text="Write-only, stored encrypted; required when the mailbox is created.")
    password_set = serializers.SerializerMethodField()
    folder = serializers.CharField(max_length=255, default="INBOX")
    after_import = serializers.ChoiceField(choices=AfterImport.choices, default=AfterImport.MARK_SEEN)
    move_to_folder = serializers.CharField(
        max_length=255,
        default="",
        allow_blank=True,
        help_text="Where imported mail moves (after_import=move).",
    )
    poll_interval_seconds = serializers.IntegerField(min_value=10, max_value=86400, default=60)
    enabled = serializers.BooleanField(default=True, help_text="Import new mail (false: polling stops).")

    def get_password_set(self, mailbox) -> bool:
        return bool(mailbox.password_encrypted)


class SmtpSerializer(serializers.Serializer):
    host = serializers.CharField(
        source="smtp_host",
        max_length=255,
        default="",
        allow_blank=True,
        help_text="Blank: replies leave by the server-wide mail settings (EMAIL_URL).",
    )
    port = serializers.IntegerField(source="smtp_port", min_value=1, max_value=65535, default=587)
    security = serializers.ChoiceField(
        source="smtp_security", choices=MailboxSecurity.choices, default=MailboxSecurity.STARTTLS
    )
    username = serializers.CharField(source="smtp_username", max_length=255, default="", allow_blank=True)
    password = _password(source="smtp_password", help_text="Write-only, stored encrypted.")
    password_set = serializers.SerializerMethodField()
    from_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    from_email = serializers.EmailField(
        source="inbox.email", read_only=True, help_text="The inbox's address (set on the inbox)."
    )
    signature = serializers.CharField(
        max_length=2000, default="", allow_blank=True, help_text="Plain text under every reply mailed."
    )

    def get_password_set(self, mailbox) -> bool:
        return bool(mailbox.smtp_password_encrypted)


class PollSerializer(serializers.Serializer):
    last_poll_at = serializers.DateTimeField(allow_null=True)
    last_poll_count = serializers.IntegerField()
    last_imported_total = serializers.IntegerField()
    last_error = serializers.CharField()
    pending_count = serializers.IntegerField(
        help_text="Mail left in the folder for the next polls (a big import goes a batch at a time)."
    )
    next_poll_at = serializers.DateTimeField(allow_null=True)


class MailboxSerializer(serializers.ModelSerializer):
    inbox_id = serializers.IntegerField(help_text="An email inbox of the organization without a mailbox.")
    imap = ImapSerializer(source="*")
    smtp = SmtpSerializer(source="*", required=False)
    bot_mode = serializers.ChoiceField(choices=BotMode.choices, default=BotMode.DRAFT)
    poll = PollSerializer(source="*", read_only=True)

    class Meta:
        model = Mailbox
        fields = ["id", "inbox_id", "imap", "smtp", "bot_mode", "poll", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class MailboxUpdateSerializer(MailboxSerializer):
    """A change: the inbox stays; what is not sent keeps its value."""

    inbox_id = serializers.IntegerField(read_only=True)


class ConnectionTestSerializer(serializers.Serializer):
    imap = serializers.CharField(help_text='"ok" or "error"')
    smtp = serializers.CharField(help_text='"ok" or "error"')
    detail = serializers.CharField()
    imap_detail = serializers.CharField()
    smtp_detail = serializers.CharField()
