"""Read queries of the conversations app, always scoped to one organization. They return
querysets with their joins and prefetches applied, so a page of results costs a constant number
of queries whatever its size.

Modules: ``conversations`` (lists, filters, detail, unread counts), ``messages``, ``contacts``,
``search`` (full text on PostgreSQL, substring on SQLite), ``sla`` (the SLA overview),
``catalog`` (inboxes, statuses, tags, views, canned responses, macros, SLA settings, media)."""
