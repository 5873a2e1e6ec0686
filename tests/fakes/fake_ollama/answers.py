"""How the fake Ollama answers: sources and question from the prompt, grounded text, JSON,
embeddings. See the package docstring for the rules other test suites rely on."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter

DEFAULT_MODELS = frozenset({"llama3.2", "nomic-embed-text"})
EMBEDDING_DIM = 384
VERSION = "0.6.5"
IDK = "I don't know based on the provided sources."
STOP_WORDS = frozenset(
    "the and for are but not you your with this that have has had was were what when where which who "
    "how why can could would should will does did from into about there their them they then than "
    "its our out all any some more most such only own same too very just also been being may might "
    "must shall each other both few many much per via yes".split()
)
_SOURCE_LINE = re.compile(r"^\s*(?:\[(?:source\s*)?(\d+)\]|source\s+(\d+)\s*[:.)\]])\s*:?\s*(.*)$", re.I)
_QUESTION_LABEL = re.compile(
    r"^\s*(?:follow-?up question|follow-?up|user question|question)\s*:\s*(.*)$", re.I
)
_DELIMITER = re.compile(r"^\s*(?:[^\w\s]+|</?[\w-]+>|(?:<<<|>>>|###).*)\s*$")
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def canonical(name: str) -> str:
    name = (name or "").strip()
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in STOP_WORDS}


def _sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def parse_sources(texts: list[str]) -> tuple[dict[int, str], list[str]]:
    """Numbered sources found in ``texts`` and the lines that are neither sources nor delimiters."""
    sources: dict[int, list[str]] = {}
    rest: list[str] = []
    for text in texts:
        current = None
        for line in text.splitlines():
            match = _SOURCE_LINE.match(line)
            if match:
                current = int(match.group(1) or match.group(2))
                sources[current] = [match.group(3)]
            elif _DELIMITER.match(line) or _QUESTION_LABEL.match(line):
                current = None
                if line.strip() and not _DELIMITER.match(line):
                    rest.append(line)
            elif current is not None:
                sources[current].append(line)
            else:
                rest.append(line)
    return {n: "\n".join(lines).strip() for n, lines in sources.items()}, rest


def question_of(text: str) -> str:
    labelled = [m.group(1).strip() for m in map(_QUESTION_LABEL.match, text.splitlines()) if m]
    labelled = [q for q in labelled if q]
    if labelled:
        return labelled[-1]
    _, rest = parse_sources([text])
    return " ".join(line.strip() for line in rest if line.strip()) or text.strip()


def grounded_answer(sources: dict[int, str], question: str) -> str:
    if not sources:
        return question
    wanted = _words(question)
    best, best_score = None, 0
    for number in sorted(sources):
        for sentence in _sentences(sources[number]):
            if " ".join(sentence.split()).lower() == " ".join(question.split()).lower():
                continue
            score = len(wanted & _words(sentence))
            if score > best_score:
                best, best_score = (sentence, number), score
    return f"{best[0]} [{best[1]}]" if best else IDK


def _top_words(text: str, limit: int = 5) -> list[str]:
    counts = Counter(w for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in STOP_WORDS)
    return [word for word, _ in counts.most_common(limit)]


def _json_answer(fmt, prompt_text: str, material: str, answer: str) -> str:
    sentences = _sentences(material)
    first = sentences[0] if sentences else ""
    if "key_features" in prompt_text and not isinstance(fmt, dict):
        review = {
            "summary": first,
            "key_features": _top_words(material),
            "entities": {"products": [], "features": []},
            "confidence": 0.8,
        }
        return json.dumps(review)
    if isinstance(fmt, dict) and isinstance(fmt.get("properties"), dict):
        keys = {k: (v or {}).get("type") == "array" for k, v in fmt["properties"].items()}
    else:
        keys = {m.group(1): m.group(2) == "[" for m in re.finditer(r'"(\w+)"\s*:\s*(\[?)', prompt_text)}
    if not keys:
        return json.dumps({"response": answer})
    out = {}
    for key, is_list in keys.items():
        name = key.lower()
        if is_list:
            out[key] = _top_words(material)
        elif "summary" in name:
            out[key] = first
        elif "title" in name:
            out[key] = " ".join(first.split()[:6])
        elif "sentiment" in name:
            out[key] = "neutral"
        elif name in ("confidence", "score", "similarity"):
            out[key] = 0.8
        else:
            out[key] = answer
    return json.dumps(out)


def embedding(text: str) -> list[float]:
    vector = [0.0] * EMBEDDING_DIM
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "big") % EMBEDDING_DIM
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if not norm:
        vector[0], norm = 1.0, 1.0
    return [v / norm for v in vector]


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def text_answer(body: dict, texts: list[str], last: str, *, reply_with=None) -> str:
    """The answer to a chat/generate request whose message texts are ``texts`` (``last``: the
    last user message or the prompt), as the module docstring describes."""
    sources, _ = parse_sources(texts)
    answer = reply_with(body) if callable(reply_with) else reply_with
    if answer is None:
        answer = grounded_answer(sources, question_of(last))
    fmt = body.get("format")
    if not fmt:
        return answer
    if reply_with is not None and _is_json_object(answer):
        return answer  # a scripted structured answer, returned as it is
    if sources:
        material = "\n".join(sources[n] for n in sorted(sources))
    else:
        blocks = re.split(r"^\s*(?:[^\w\s]+|</?[\w-]+>)\s*$", last, flags=re.M)
        material = next((b for b in reversed(blocks) if b.strip()), last)
    return _json_answer(fmt, "\n".join(texts), material, answer)
