"""The tuning steps of bench/retrieval_quality.py: the keyword index's entries, the fusion weight
and the heading × document-evidence grid on SciFact dev, and the declines' refit on the fit split
of customer set 2. Nothing here reads a test split."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from quality_metrics import document_of, documents_ranked, ndcg_at, with_document_evidence

DEPTH = 160  # passages asked of each side (bench/retrieval_quality.py: 4 × its k of 40)
WEIGHT_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def index_rows(organization):
    """The keyword index's entries, as knowledge.keyword builds them."""
    from knowledge import selectors

    rows = selectors.searchable_chunks(organization=organization).values_list(
        "document_id", "index", "title", "section", "text", "document__category"
    )
    keys, document_ids, categories, texts, heads = [], [], [], [], []
    for document_id, index, title, section, text, category in rows.iterator(chunk_size=2000):
        keys.append(f"doc-{document_id}-{index}")
        document_ids.append(document_id)
        categories.append(category)
        texts.append(f"{title}\n{section}\n{text}")
        heads.append(f"{title}\n{section}")
    return keys, document_ids, categories, texts, heads


def tune(pipelines, dev: list[tuple[str, set]], labels: dict) -> dict:
    """The vector weight of min-max and z-score fusion, by nDCG@10 on dev only."""
    from knowledge import embeddings, retrieval_fusion, vectorstore

    sides = []
    for query, relevant in dev:
        vector = [
            (hit.id, hit.similarity)
            for hit in vectorstore.query(
                pipelines.organization, embeddings.embed_query(query), DEPTH, pipelines.where
            )
        ]
        words = [(hit.key, hit.score) for hit in pipelines.previous.search(query, pipelines.scope, DEPTH)]
        sides.append((vector, words, relevant))
    chosen = {}
    for method in ("minmax", "zscore"):
        values = {}
        for weight in WEIGHT_GRID:
            values[weight] = statistics.mean(
                ndcg_at(
                    documents_ranked(
                        [key for key, _ in retrieval_fusion.fuse(v, w, method=method, weight=weight)], labels
                    ),
                    relevant,
                    10,
                )
                for v, w, relevant in sides
            )
        chosen[method] = max(values, key=lambda weight: (values[weight], -abs(weight - 0.5)))
        print(
            "  dev nDCG@10 by vector weight, "
            + method
            + ": "
            + ", ".join(f"{w}: {v:.3f}" for w, v in values.items())
        )
    print(
        f"  chosen on dev: {chosen} (production knowledge.retrieval_fusion: {retrieval_fusion.METHOD} w={retrieval_fusion.VECTOR_WEIGHT})"
    )
    context_grid(
        pipelines,
        [(v, query, relevant) for (v, _, relevant), (query, _) in zip(sides, dev, strict=True)],
        labels,
    )
    return chosen


def context_grid(pipelines, dev: list, labels: dict) -> None:
    """Dev nDCG@10 by heading-field weight × document-evidence weight (min-max, production w)."""
    from knowledge import retrieval_fusion
    from knowledge.bm25 import Bm25Index

    keys, document_ids, categories, texts, heads = index_rows(pipelines.organization)
    cells = []
    for heading in (0.0, 0.5, 1.0, 2.0):
        index = Bm25Index(
            keys, document_ids, [-1] * len(keys), categories, texts, heads, heading_weight=heading
        )
        lists = [
            (vector, [(hit.key, hit.score) for hit in index.search(query, pipelines.scope, DEPTH)], relevant)
            for vector, query, relevant in dev
        ]
        for document in (0.0, 0.3, 0.5):
            value = statistics.mean(
                ndcg_at(
                    documents_ranked(
                        [
                            key
                            for key, _ in with_document_evidence(
                                retrieval_fusion.fuse(vector, words), document_of, weight=document
                            )
                        ],
                        labels,
                    ),
                    relevant,
                    10,
                )
                for vector, words, relevant in lists
            )
            cells.append(f"h={heading} d={document}: {value:.3f}")
    print("  dev nDCG@10 by heading weight h and document weight d: " + ", ".join(cells))


def fit_declines(fit, path: Path | None) -> list[float]:
    """Logistic regression of passage relevance on (cosine, coverage) over the fit split (on the
    cosine alone if coverage comes out with a negative weight); the threshold is the middle of
    the widest run of thresholds that decide most fit questions right."""
    from sklearn.linear_model import LogisticRegression

    from knowledge import declines

    rows, targets = [], []
    for run, relevant, labels in fit:
        for key, feature in run.features:
            rows.append(list(feature))
            targets.append(1 if labels.get(document_of(key)) in relevant else 0)
    model = LogisticRegression(C=10.0).fit(rows, targets)
    coefficients = (float(model.coef_[0][0]), float(model.coef_[0][1]), float(model.intercept_[0]))
    if coefficients[1] < 0:  # evidence must not count against: refit on the cosine alone
        model = LogisticRegression(C=10.0).fit([[row[0]] for row in rows], targets)
        coefficients = (float(model.coef_[0][0]), 0.0, float(model.intercept_[0]))
    right = {}
    for threshold in [n / 100 for n in range(2, 96)]:
        right[threshold] = sum(
            (max((declines.probability(*f, coefficients) for _, f in run.features), default=0.0) >= threshold)
            == bool(relevant)
            for run, relevant, _ in fit
        )
    most = max(right.values())
    best_run: list[float] = []
    current: list[float] = []
    for threshold, good in right.items():
        current = current + [threshold] if good == most else []
        best_run = current if len(current) > len(best_run) else best_run
    threshold = round(best_run[len(best_run) // 2], 2)
    print(
        f"\n  declines fitted on {len(fit)} questions ({len(rows)} passages, {sum(targets)} relevant): "
        f"COSINE={coefficients[0]:.2f} COVERAGE={coefficients[1]:.2f} BIAS={coefficients[2]:.2f}, "
        f"THRESHOLD={threshold:.2f} ({most}/{len(fit)} questions right on the fit split, "
        f"thresholds {best_run[0]:.2f}–{best_run[-1]:.2f}); the refit's row below uses them (knowledge.declines is unchanged)"
    )
    if path:
        path.write_text(json.dumps([*coefficients, threshold]))
    return [*coefficients, threshold]
