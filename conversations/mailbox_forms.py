"""The mailbox settings form of an email inbox (UI): it shapes the input of
``services.mailboxes.mailbox_save``; passwords are write-only (never rendered back)."""

from __future__ import annotations

from django import forms

from conversations.models import AfterImport, BotMode, MailboxSecurity
from helpdesk.forms import DomainErrorsMixin

PASSWORD_HELP = "Stored encrypted; leave blank to keep the saved one."


class MailboxForm(DomainErrorsMixin, forms.Form):
    host = forms.CharField(max_length=255, label="IMAP server")
    port = forms.IntegerField(min_value=1, max_value=65535, initial=993, label="IMAP port")
    security = forms.ChoiceField(choices=MailboxSecurity.choices, initial=MailboxSecurity.TLS)
    username = forms.CharField(max_length=255, label="User name")
    password = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False),
        help_text=PASSWORD_HELP,
    )
    folder = forms.CharField(max_length=255, initial="INBOX")
    after_import = forms.ChoiceField(choices=AfterImport.choices, initial=AfterImport.MARK_SEEN)
    move_to_folder = forms.CharField(max_length=255, required=False, help_text="When imported mail moves.")
    poll_interval_seconds = forms.IntegerField(
        min_value=10, max_value=86400, initial=60, label="Check every (seconds)"
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Import new mail")
    bot_mode = forms.ChoiceField(
        choices=BotMode.choices,
        initial=BotMode.DRAFT,
        label="The inbox's bot",
        help_text="Needs a bot assigned to this inbox (Chatbots). Draft: its answer is a private note an agent sends.",
    )
    from_name = forms.CharField(max_length=100, required=False, label="From name")
    signature = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text added under every reply mailed from this inbox.",
    )  # fmt: skip
    smtp_host = forms.CharField(
        max_length=255, required=False, label="SMTP server", help_text="Blank: the server-wide mail settings."
    )
    smtp_port = forms.IntegerField(min_value=1, max_value=65535, initial=587, label="SMTP port")
    smtp_security = forms.ChoiceField(
        choices=MailboxSecurity.choices, initial=MailboxSecurity.STARTTLS, label="SMTP security"
    )
    smtp_username = forms.CharField(max_length=255, required=False, label="SMTP user name")
    smtp_password = forms.CharField(
        required=False,
        max_length=1000,
        label="SMTP password",
        widget=forms.PasswordInput(render_value=False),
        help_text=PASSWORD_HELP,
    )
