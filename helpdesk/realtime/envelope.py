"""One event on its way to browsers: what every backend carries and every stream writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder


@dataclass(frozen=True, slots=True)
class Envelope:
    """``id`` is the durable event id (``None`` for live-only events such as typing)."""

    organization_id: int
    topics: tuple[str, ...]
    event: str
    data: dict
    id: int | None = None
    _frame: list = field(default_factory=list, compare=False, repr=False)

    @property
    def frame(self) -> bytes:
        """The SSE frame, encoded once however many streams write it."""
        if not self._frame:
            lines = [] if self.id is None else [f"id: {self.id}"]
            lines += [f"event: {self.event}", f"data: {encode_data(self.data)}", "", ""]
            self._frame.append("\n".join(lines).encode())
        return self._frame[0]

    def to_json(self) -> str:
        return json.dumps(
            {
                "i": self.id,
                "o": self.organization_id,
                "t": list(self.topics),
                "e": self.event,
                "d": self.data,
            },
            cls=DjangoJSONEncoder,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Envelope:
        raw = json.loads(text)
        return cls(
            id=raw["i"], organization_id=raw["o"], topics=tuple(raw["t"]), event=raw["e"], data=raw["d"]
        )


def encode_data(data: dict) -> str:
    """JSON on one line (an SSE ``data:`` line must not hold a newline; json.dumps escapes them)."""
    return json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"))
