"""The agent UI of the conversations app (server-rendered, htmx): ``inbox``, ``conversation``
(page, live poll) and ``actions`` (reply, status, assignment, …), ``attachments``, ``contacts``
and the settings pages (``settings_catalog``, ``settings_workflow``, ``settings_sla``)."""
