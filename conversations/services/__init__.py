"""Write operations of the conversations app: the only code that changes its state. The API, the
agent UI, admin actions and Celery tasks all call these functions (keyword-only arguments).

Modules: ``defaults`` (per-organization statuses and API inbox), ``contacts``, ``inboxes``,
``catalog`` (statuses, tags), ``conversations`` (create, priority, tags, subject, last seen),
``lifecycle`` (status, snooze, reopen, wake-up), ``messages`` (send, notes, delivery, retry),
``attachments`` (uploads), ``assignment`` (agents, teams, round robin), ``merge``,
``saved_views``, ``canned``, ``macros``, ``sla`` (business hours, policies, deadlines),
``sla_breaches`` (missed targets), ``activity`` (thread entries and domain events)."""
