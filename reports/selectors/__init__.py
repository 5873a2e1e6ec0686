"""Read-only report queries, one module per area: ``overview``, ``people`` (agents and teams),
``bot``, ``unanswered``; ``measures`` and ``durations`` are what they share."""
