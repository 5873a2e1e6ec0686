"""UI routes of the conversations app: the inbox, conversations, contacts and their settings."""

from django.urls import include, path

from conversations.views import (
    actions,
    attachments,
    bulk,
    contact_manage,
    contact_transfer,
    contacts,
    conversation,
    csat,
    inbox,
    macros,
    realtime,
    settings_catalog,
    settings_domains,
    settings_mailbox,
    settings_sla,
    settings_workflow,
    widget_script,
)

app_name = "conversations"

conversation_patterns = [
    path("", conversation.conversation_detail, name="conversation"),
    path("live/", conversation.conversation_live, name="conversation-live"),
    path("typing/", realtime.typing, name="typing"),
    path("reply/", actions.reply, name="reply"),
    path("status/", actions.set_status, name="status"),
    path("snooze/", actions.snooze, name="snooze"),
    path("priority/", actions.set_priority, name="priority"),
    path("assignee/", actions.assign_agent, name="assignee"),
    path("team/", actions.assign_team, name="team"),
    path("tags/", actions.tags, name="tags"),
    path("merge/", actions.merge, name="merge"),
    path("macro/", macros.apply, name="macro"),
    path("macro/preview/", macros.preview, name="macro-preview"),
    path("macro/undo/", macros.undo, name="macro-undo"),
    path("contact-note/", actions.contact_note, name="contact-note"),
    path("canned/<int:pk>/", actions.canned_text, name="canned-text"),
    path("messages/<uuid:message_uuid>/retry/", actions.retry_message, name="retry"),
]

urlpatterns = [
    path("widget.js", widget_script.widget_script, name="widget-script"),
    path("nova-widget-sdk-v2.js", widget_script.widget_script, name="widget-script-sdk"),
    path("realtime/stream", realtime.stream, name="realtime-stream"),
    path("csat/<str:token>", csat.csat_page, name="csat"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/views/", inbox.view_create, name="view-create"),
    path("inbox/bulk/", bulk.bulk_apply, name="bulk"),
    path("inbox/bulk/undo/", bulk.bulk_undo, name="bulk-undo"),
    path("inbox/views/<int:pk>/delete/", inbox.view_delete, name="view-delete"),
    path("inbox/c/<uuid:uuid>/", include(conversation_patterns)),
    path("inbox/attachments/<uuid:uuid>/", attachments.attachment_download, name="attachment"),
    path("contacts/", contacts.contact_index, name="contacts"),
    path("contacts/new/", contact_manage.contact_new, name="contact-new"),
    path("contacts/export.csv", contact_transfer.contact_export_csv, name="contacts-export"),
    path("contacts/import/", contact_transfer.contact_import, name="contacts-import"),
    path(
        "contacts/import/<uuid:operation_id>/",
        contact_transfer.contact_import_status,
        name="contact-import-status",
    ),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:pk>/merge/", contact_manage.contact_merge_page, name="contact-merge"),
    path("contacts/<int:pk>/block/", contacts.contact_block, name="contact-block"),
    path("contacts/<int:pk>/notes/", contacts.contact_note_add, name="contact-note-add"),
    path(
        "contacts/<int:pk>/notes/<int:note_id>/delete/",
        contacts.contact_note_remove,
        name="contact-note-delete",
    ),
    # settings
    path("settings/domains/", settings_domains.domain_list, name="settings-domains"),
    path("settings/domains/<int:pk>/", settings_domains.domain_edit, name="settings-domain"),
    path("settings/inboxes/", settings_catalog.inbox_list, name="settings-inboxes"),
    path("settings/inboxes/new/", settings_catalog.inbox_edit, name="settings-inbox-create"),
    path("settings/inboxes/<int:pk>/", settings_catalog.inbox_edit, name="settings-inbox"),
    path("settings/inboxes/<int:pk>/delete/", settings_catalog.inbox_remove, name="settings-inbox-delete"),
    path("settings/inboxes/<int:pk>/mailbox/", settings_mailbox.mailbox_edit, name="settings-mailbox"),
    path(
        "settings/inboxes/<int:pk>/mailbox/test/", settings_mailbox.mailbox_test, name="settings-mailbox-test"
    ),
    path("settings/statuses/", settings_catalog.status_list, name="settings-statuses"),
    path("settings/statuses/<int:pk>/", settings_catalog.status_edit, name="settings-status"),
    path("settings/statuses/<int:pk>/delete/", settings_catalog.status_remove, name="settings-status-delete"),
    path("settings/tags/", settings_catalog.tag_list, name="settings-tags"),
    path("settings/tags/<int:pk>/", settings_catalog.tag_edit, name="settings-tag"),
    path("settings/tags/<int:pk>/delete/", settings_catalog.tag_remove, name="settings-tag-delete"),
    path("settings/canned-responses/", settings_workflow.canned_list, name="settings-canned"),
    path("settings/canned-responses/new/", settings_workflow.canned_edit, name="settings-canned-create"),
    path("settings/canned-responses/<int:pk>/", settings_workflow.canned_edit, name="settings-canned-edit"),
    path(
        "settings/canned-responses/<int:pk>/delete/",
        settings_workflow.canned_remove,
        name="settings-canned-delete",
    ),
    path("settings/macros/", settings_workflow.macro_list, name="settings-macros"),
    path("settings/macros/new/", settings_workflow.macro_edit, name="settings-macro-create"),
    path("settings/macros/<int:pk>/", settings_workflow.macro_edit, name="settings-macro"),
    path("settings/macros/<int:pk>/delete/", settings_workflow.macro_remove, name="settings-macro-delete"),
    path("settings/sla-policies/", settings_sla.sla_policy_list, name="settings-sla"),
    path("settings/sla-policies/new/", settings_sla.sla_policy_edit, name="settings-sla-create"),
    path("settings/sla-policies/<int:pk>/", settings_sla.sla_policy_edit, name="settings-sla-policy"),
    path(
        "settings/sla-policies/<int:pk>/delete/", settings_sla.sla_policy_remove, name="settings-sla-delete"
    ),
    path("settings/business-hours/", settings_sla.business_hours_list, name="settings-business-hours"),
    path(
        "settings/business-hours/new/",
        settings_sla.business_hours_edit,
        name="settings-business-hours-create",
    ),
    path(
        "settings/business-hours/<int:pk>/",
        settings_sla.business_hours_edit,
        name="settings-business-hours-edit",
    ),
    path(
        "settings/business-hours/<int:pk>/delete/",
        settings_sla.business_hours_remove,
        name="settings-business-hours-delete",
    ),
]
