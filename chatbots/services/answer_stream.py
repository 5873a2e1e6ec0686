"""A streamed answer: the events ``POST chat/message`` with ``stream: true`` and
``GET chat/stream/{sid}`` send as ``text/event-stream``.

Iterating yields ``(event, data)``: ``("token", {"token": str})`` as the model produces text, then
one ``("done", {response, session_id, confidence, sources, index, mode, handoff_offered,
replaced})``. ``response`` is what was stored: when the finished answer turned out not to be
grounded enough it is the fallback message and ``replaced`` is true (clients show it instead of
the streamed text). Fallback and retrieval-only answers come as one token event and ``done``.

``close()`` (the client went away) closes the Ollama stream, which stops generation, and stores
what had been produced (``interrupted``)."""

from __future__ import annotations

import time

from chatbots.services.answer_finish import finish_early, finish_llm, finish_retrieval_only
from chatbots.services.answer_plan import AnswerPlan, ChatAnswer
from helpdesk import ollama


class ChatAnswerStream:
    def __init__(self, plan: AnswerPlan):
        self.plan = plan
        self.answer: ChatAnswer | None = None
        self._events = self._generate()

    @property
    def session(self):
        return self.plan.session

    def __iter__(self):
        return self

    def __next__(self) -> tuple[str, dict]:
        return next(self._events)

    def close(self) -> None:
        self._events.close()

    def _whole(self, answer: ChatAnswer):
        self.answer = answer
        yield ("token", {"token": answer.response})
        yield ("done", answer.as_dict())

    def _generate(self):
        plan = self.plan
        if plan.early_mode:
            yield from self._whole(finish_early(plan))
            return
        llm_started = time.perf_counter()
        try:
            tokens = ollama.chat(
                plan.messages, model=plan.model, host=plan.host, options=plan.options, stream=True
            )
        except ollama.OllamaError as exc:
            yield from self._whole(finish_retrieval_only(plan, error=exc))
            return
        produced: list[str] = []
        outcome, error = "aborted", None
        try:
            for token in tokens:
                if not produced:
                    plan.details["timings_ms"]["first_token"] = round(
                        (time.perf_counter() - plan.started) * 1000, 2
                    )
                produced.append(token)
                yield ("token", {"token": token})
            outcome = "complete"
        except ollama.OllamaError as exc:
            outcome, error = "failed", exc
        finally:
            tokens.close()
            if outcome == "aborted":  # the client went away: keep what it had been sent
                plan.details["stream"] = "client_disconnected"
                self.answer = finish_llm(plan, "".join(produced), interrupted=True, final=False)
        plan.details["timings_ms"]["llm"] = round((time.perf_counter() - llm_started) * 1000, 2)
        text = "".join(produced)
        if outcome == "failed":
            plan.details["stream"] = f"ollama_failed: {getattr(error, 'message', error)}"[:500]
            if not text.strip():
                yield from self._whole(finish_retrieval_only(plan, error=error))
                return
        self.answer = finish_llm(plan, text, interrupted=outcome == "failed", stats=tokens.stats)
        yield ("done", self.answer.as_dict())
