"""How much an answer deserves to be trusted: retrieval relevance combined with grounding.

``relevance`` is the similarity of the best source to the question (the vector similarity when
the retrieval has one, else its fused score). ``grounding`` checks the answer against the
sources: does it cite sources that exist, and how much of its wording comes from the sources it
cites. An answer that says it does not know has no confidence at all. The result is one number
in 0..1 compared with the bot's ``confidence_threshold``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from chatbots.services.prompting import cited_numbers, strip_citations

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOP_WORDS = frozenset(
    "the and for are but not you your with this that have has had was were what when where which who "
    "how why can could would should will does did from into about there their them they then than "
    "its our out all any some more most such only own same too very just also been being may might "
    "must shall each other both few many much per via yes please thanks thank".split()
)
_UNKNOWN = re.compile(
    r"\bi\s+(?:do\s+not|don't|dont)\s+know\b|\bi\s+(?:cannot|can't|could\s+not|couldn't)\s+find\b|"
    r"\b(?:the\s+)?(?:provided\s+)?sources?\s+(?:do|does)\s+not\s+(?:contain|say|mention|cover)\b|"
    r"\bno\s+information\s+(?:about|on|in)\s+the\s+(?:provided\s+)?sources\b",
    re.IGNORECASE,
)
# Without a valid citation the answer may still be right, but we cannot point at its support.
UNCITED_FACTOR = 0.75
INVALID_CITATION_FACTOR = 0.8


def content_words(text: str) -> set[str]:
    return {w for w in (m.lower() for m in _WORD.findall(text or "")) if len(w) >= 3 and w not in STOP_WORDS}


def says_unknown(answer: str) -> bool:
    return bool(_UNKNOWN.search(answer or ""))


@dataclass
class Grounding:
    cited: list[int] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)
    overlap: float = 0.0
    unknown: bool = False
    score: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def grounding(answer: str, sources: Sequence[str]) -> Grounding:
    """``sources[i]`` is the text of source ``[i + 1]``."""
    numbers = cited_numbers(answer)
    cited = [n for n in numbers if 1 <= n <= len(sources)]
    invalid = [n for n in numbers if n not in cited]
    result = Grounding(cited=cited, invalid_citations=invalid, unknown=says_unknown(answer))
    if result.unknown:
        return result
    words = content_words(strip_citations(answer))
    support_texts = [sources[n - 1] for n in cited] if cited else list(sources)
    support: set[str] = set()
    for text in support_texts:
        support |= content_words(text)
    result.overlap = round(len(words & support) / len(words), 4) if words else 0.0
    score = result.overlap
    if not cited:
        score *= UNCITED_FACTOR
    if invalid:
        score *= INVALID_CITATION_FACTOR
    result.score = round(score, 4)
    return result


def relevance(scores: Sequence[float]) -> float:
    return round(max(scores), 4) if scores else 0.0


def confidence(*, relevance_score: float, ground: Grounding) -> float:
    """Relevance, scaled down by up to a half when the answer is not supported by its sources."""
    if ground.unknown:
        return 0.0
    value = relevance_score * (0.5 + 0.5 * ground.score)
    return round(min(max(value, 0.0), 1.0), 4)
