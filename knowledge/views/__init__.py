"""UI views of the knowledge app (server-rendered, htmx for live parts). Thin: they call the
services in ``knowledge.services`` and read through ``knowledge.selectors``."""
