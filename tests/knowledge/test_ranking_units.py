"""Units of answer quality (issue 13): the stemmed BM25 index, score fusion and declines.
No database and no model: plain inputs, exact expectations."""

from types import SimpleNamespace

import pytest

from knowledge import declines, retrieval_fusion
from knowledge.bm25 import Bm25Index, analyze
from knowledge.scope import SourceScope

TEXTS = [
    "Custom domains: point a CNAME record at your project to serve docs from your own domain.",
    "Builds run in a container; a build that uses too much memory is killed.",
    "Two-factor authentication protects your account with a code from your phone.",
    "Pull request previews build every pull request and link the preview from the PR.",
]


def index(categories=("a", "a", "b", "b"), kb_item_ids=(-1, -1, -1, -1)):
    keys = [f"doc-{n + 1}-0" for n in range(len(TEXTS))]
    return Bm25Index(keys, [n + 1 for n in range(len(TEXTS))], list(kb_item_ids), list(categories), TEXTS)


# ---------- BM25 ----------


def test_analysis_stems_and_drops_stopwords():
    assert analyze("The builds are running") == ["build", "run"]
    assert analyze("") == []


def test_stemming_matches_other_word_forms():
    hits = index().search("domain", SourceScope(), 5)
    assert [hit.key for hit in hits] == ["doc-1-0"]
    assert [hit.key for hit in index().search("killing builds", SourceScope(), 5)][0] == "doc-2-0"


def test_best_match_first_and_limit():
    hits = index().search("pull request preview", SourceScope(), 1)
    assert len(hits) == 1 and hits[0].key == "doc-4-0" and hits[0].score > 0


def test_query_of_stopwords_or_unknown_words_finds_nothing():
    assert index().search("the and of", SourceScope(), 5) == []
    assert index().search("bitcoin refund", SourceScope(), 5) == []


def test_scope_masks_documents_and_categories():
    assert index().search("build", SourceScope.build(document_ids=[4]), 5)[0].key == "doc-4-0"
    assert {h.key for h in index().search("build", SourceScope.build(document_ids=[1]), 5)} == set()
    found = {h.key for h in index().search("account build", SourceScope.build(categories=["b"]), 5)}
    assert found == {"doc-3-0", "doc-4-0"}


def test_empty_index_and_empty_text():
    assert Bm25Index([], [], [], [], []).search("anything", SourceScope(), 5) == []
    one = Bm25Index(["doc-1-0", "doc-2-0"], [1, 2], [-1, -1], ["", ""], ["", "billing invoices"])
    assert [hit.key for hit in one.search("invoice", SourceScope(), 5)] == ["doc-2-0"]


def test_heading_field_ranks_the_page_named_by_the_question_first():
    keys, ids = ["doc-1-0", "doc-2-0"], [1, 2]
    texts = [
        "Builds\nOverview\nA custom domain build: each custom domain needs a build, custom domain redirects too.",
        "Custom domains\nSetup\nPoint a record at the project.",
    ]
    heads = ["Builds\nOverview", "Custom domains\nSetup"]
    flat = Bm25Index(keys, ids, [-1, -1], ["", ""], texts, heads, heading_weight=0)
    fielded = Bm25Index(keys, ids, [-1, -1], ["", ""], texts, heads, heading_weight=2.0)
    assert flat.search("custom domain", SourceScope(), 2)[0].key == "doc-1-0"
    assert fielded.search("custom domain", SourceScope(), 2)[0].key == "doc-2-0"
    assert fielded.scores("custom domain")[1] > flat.scores("custom domain")[1]
    # a term only in the body is scored as without the field
    assert fielded.scores("redirect")[0] == pytest.approx(flat.scores("redirect")[0])


def test_spelling_fallback_replaces_an_unknown_word_by_a_known_one_one_edit_away():
    keys, ids = [f"doc-{n + 1}-0" for n in range(len(TEXTS))], [n + 1 for n in range(len(TEXTS))]
    spelled = Bm25Index(keys, ids, [-1] * len(TEXTS), [""] * len(TEXTS), TEXTS, spelling=True)
    assert [hit.key for hit in spelled.search("custum domian", SourceScope(), 5)] == ["doc-1-0"]
    assert spelled.known_terms("my acount") == ["account"]
    assert spelled.known_terms("two factor authentification") == ["two", "factor"]  # two edits: left out
    assert spelled.search("bitcoin", SourceScope(), 5) == []  # nothing one edit away
    assert index().search("domian", SourceScope(), 5) == []  # off by default (bench/README.md)


# ---------- fusion ----------


VECTOR = [("a", 0.9), ("b", 0.8), ("c", 0.5)]
WORDS = [("c", 12.0), ("d", 6.0), ("a", 0.0)]


def test_minmax_uses_magnitudes():
    fused = dict(retrieval_fusion.fuse(VECTOR, WORDS, method="minmax", weight=0.5))
    # a: vector 1.0, keyword 0.0 → 0.5; c: vector 0.0, keyword 1.0 → 0.5; b: (0.75, absent=0) → 0.375
    assert fused["a"] == pytest.approx(0.5)
    assert fused["c"] == pytest.approx(0.5)
    assert fused["b"] == pytest.approx(0.375)
    assert fused["d"] == pytest.approx(0.25)


def test_minmax_weight_moves_the_order():
    assert retrieval_fusion.fuse(VECTOR, WORDS, weight=0.9)[0][0] == "a"
    assert retrieval_fusion.fuse(VECTOR, WORDS, weight=0.1)[0][0] == "c"


def test_rrf_uses_ranks_only():
    fused = dict(retrieval_fusion.fuse(VECTOR, WORDS, method="rrf", weight=0.5, rrf_k=60))
    assert fused["a"] == pytest.approx(0.5 / 61 + 0.5 / 63)
    assert fused["d"] == pytest.approx(0.5 / 62)


def test_zscore_and_ties_keep_vector_order():
    fused = retrieval_fusion.fuse([("x", 1.0), ("y", 1.0)], [], method="zscore")
    assert [key for key, _ in fused] == ["x", "y"]
    assert len(retrieval_fusion.fuse(VECTOR, WORDS, method="zscore")) == 4


def test_one_empty_side_decides_alone():
    fused = retrieval_fusion.fuse([], WORDS)
    assert fused[0] == ("c", pytest.approx(1.0))
    assert retrieval_fusion.fuse(VECTOR, [])[0] == ("a", pytest.approx(1.0))
    assert retrieval_fusion.fuse([], []) == []


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        retrieval_fusion.fuse(VECTOR, WORDS, method="borda")


# ---------- declines ----------


def chunk(text, cosine, title="Custom domains", section=""):
    return SimpleNamespace(title=title, section=section, text=text, vector_score=cosine, relevance=None)


def test_coverage_counts_stemmed_question_terms_in_title_and_text():
    cosine, coverage = declines.features(
        "use my own domains for the docs site",
        title="Custom domain",
        section="",
        text="Docs hosting.",
        cosine=0.4,
    )
    assert cosine == 0.4
    assert coverage == pytest.approx(2 / 4)  # "domain", "doc" present; "use", "site" absent


def test_relevance_rises_with_evidence_and_threshold_decides():
    close = declines.relevance("custom domain cname", chunk("Point a CNAME at your custom domain.", 0.75))
    far = declines.relevance("reset my router", chunk("Point a CNAME at your custom domain.", 0.05))
    assert 0 <= far < declines.THRESHOLD <= close <= 1
    good, bad = chunk("", 0.7), chunk("", 0.1)
    good.relevance, bad.relevance = close, far
    assert declines.is_relevant(good) and not declines.is_relevant(bad)
    assert not declines.is_relevant(chunk("", 0.9))  # no relevance computed: not relevant


def test_missing_cosine_counts_as_zero():
    assert declines.features("domain", title="", section="", text="domain", cosine=None) == (0.0, 1.0)
