"""The measures of bench/retrieval_quality.py: one question's run through every pipeline, and
hit@1, recall@5, MRR@10, nDCG@10, decline AUC and decline error counts over a set of runs.

Passages are collapsed to documents (a document ranks where its best passage does)."""

from __future__ import annotations

import math
from collections import defaultdict


class Run:
    """One question through every pipeline: ranked passage keys per pipeline, the decline score
    of the pipelines that decline (higher = more likely answerable), and the production
    pipeline's first passages' decline features (what ``--fit-declines`` fits on)."""

    def __init__(self, lists: dict[str, list[str]], decline: dict[str, float], features: list):
        self.lists, self.decline, self.features = lists, decline, features


def document_of(key: str) -> int | None:
    parts = key.split("-")
    return int(parts[1]) if parts[0] == "doc" and len(parts) == 3 else None


def documents_ranked(keys: list[str], labels: dict[int, str]) -> list[str]:
    seen: dict[str, None] = {}
    for key in keys:
        label = labels.get(document_of(key))
        if label is not None and label not in seen:
            seen[label] = None
    return list(seen)


def ndcg_at(ranked: list, relevant: set, k: int) -> float:
    gain = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def ranking_scores(runs: list[tuple[Run, set]], method: str, labels: dict, *, any_hit: bool) -> dict:
    totals = defaultdict(float)
    answerable = [(run, relevant) for run, relevant in runs if relevant]
    for run, relevant in answerable:
        ranked = documents_ranked(run.lists[method], labels)
        found = len(relevant & set(ranked[:5]))
        totals["hit@1"] += 1.0 if ranked[:1] and ranked[0] in relevant else 0.0
        totals["recall@5"] += (1.0 if found else 0.0) if any_hit else found / len(relevant)
        totals["MRR@10"] += next(
            (1.0 / rank for rank, item in enumerate(ranked[:10], start=1) if item in relevant), 0.0
        )
        totals["nDCG@10"] += ndcg_at(ranked, relevant, 10)
    return {name: value / len(answerable) for name, value in totals.items()}


def auc(positives: list[float], negatives: list[float]) -> float | None:
    if not positives or not negatives:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def decline_scores(runs, labels, method: str, threshold: float) -> dict:
    """Project sets: answerable vs unanswerable. SciFact: first document relevant vs not."""
    positives, negatives = [], []
    declined_negative = declined_positive = 0
    has_unanswerable = any(not relevant for _, relevant in runs)
    for run, relevant in runs:
        score = run.decline[method]
        if has_unanswerable:
            positive = bool(relevant)
        else:
            top = documents_ranked(run.lists[method], labels)[:1]
            positive = bool(top and top[0] in relevant)
        (positives if positive else negatives).append(score)
        declined = score < threshold
        if relevant and declined:
            declined_positive += 1
        if not relevant and declined:
            declined_negative += 1
    answerable = sum(1 for _, relevant in runs if relevant)
    return {
        "AUC": auc(positives, negatives),
        "unanswerable declined": f"{declined_negative}/{len(runs) - answerable}",
        "answerable declined": f"{declined_positive}/{answerable}",
    }


def print_table(title: str, runs, labels, methods, *, any_hit: bool, thresholds: dict) -> None:
    """One line per pipeline; decline columns for the pipelines in ``thresholds``."""
    print(f"\n{title}")
    columns = ["hit@1", "recall@5", "MRR@10", "nDCG@10"]
    print(
        f"  {'pipeline':<52}"
        + "".join(f"{name:>10}" for name in columns)
        + f"{'decl.AUC':>10}{'unans.decl':>12}{'ans.decl':>10}"
    )
    for method in methods:
        values = ranking_scores(runs, method, labels, any_hit=any_hit)
        line = f"  {method:<52}" + "".join(f"{values[name]:10.3f}" for name in columns)
        if method in thresholds:
            found = decline_scores(runs, labels, method, thresholds[method])
            area = "—" if found["AUC"] is None else f"{found['AUC']:.3f}"
            line += f"{area:>10}{found['unanswerable declined']:>12}{found['answerable declined']:>10}"
        print(line)


def with_document_evidence(fused, document_of_key, *, weight: float) -> list[tuple[str, float]]:
    """A variant measured and NOT kept (it lowers SciFact dev, see bench/README.md): each passage
    plus ``weight`` times the fused score of the best other passage of its document."""
    best: dict = {}
    for key, score in fused:
        document = document_of_key(key)
        if document is not None and len(best.setdefault(document, [])) < 2:
            best[document].append(score)
    rescored = []
    for position, (key, score) in enumerate(fused):
        top = best.get(document_of_key(key), [])
        other = (top[1] if len(top) > 1 else 0.0) if top and top[0] == score else (top[0] if top else 0.0)
        rescored.append((key, score + weight * other, position))
    rescored.sort(key=lambda item: (-item[1], item[2]))
    return [(key, score) for key, score, _ in rescored]
