"""Write operations of the chatbots app: the only code that changes its state. The API, the UI,
admin actions and Celery tasks all call these functions (keyword-only arguments).

Modules: ``chatbots`` (CRUD), ``answering`` (``chat_answer``: the RAG answerer, streamed or not),
``prompting`` (untrusted text, prompts, citations), ``grounding`` (confidence), ``scope`` (which
sources a bot may read, query rewriting), ``sessions`` (rating, resolving, deleting, escalating),
``escalation`` (the hand-off job), ``training`` (rag and modelfile jobs), ``monitor`` (review and
verified answers) and ``assist`` (the agents' AI prompts, summaries and reply drafts)."""
