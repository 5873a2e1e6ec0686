"""Shared by the knowledge benchmarks: a throw-away workspace (SQLite + Chroma on disk + media in a
temporary folder, never the development data), Django set up on it, and the shared corpus
ingested through the real services (``document_create_from_bytes`` + ``document_ingest``)."""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SETS = (
    # (folder, glob, category)
    ("readthedocs", "**/*.rst", "readthedocs"),
    ("bookstack/content", "**/*.md", "bookstack"),
    ("readthedocs-mixed-formats", "*.pdf", "readthedocs-mixed"),
    ("readthedocs-mixed-formats", "*.docx", "readthedocs-mixed"),
)


class Workspace:
    """A temporary folder holding the benchmark's database, vectors and files."""

    def __init__(self, workdir: str | None = None, *, keep: bool = False):
        self.created = workdir is None
        self.path = Path(workdir or tempfile.mkdtemp(prefix="parley-knowledge-bench-"))
        self.path.mkdir(parents=True, exist_ok=True)
        self.keep = keep or not self.created

    def cleanup(self) -> None:
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)


def setup_django(
    workspace: Workspace, *, chroma_url: str | None = None, database_url: str | None = None
) -> None:
    """Point every setting at the workspace, then ``django.setup()`` and migrate."""
    os.environ["PARLEY_VAR_DIR"] = str(workspace.path)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workspace.path / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every SQL query in memory
    os.environ["SECRET_KEY"] = "knowledge-bench-only"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["MEDIA_ROOT"] = str(workspace.path / "media")
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["UNSTRUCTURED_DISABLE_NOTICE"] = "1"
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    if chroma_url:
        os.environ["CHROMA_MODE"], os.environ["CHROMA_URL"] = "http", chroma_url
    else:
        os.environ["CHROMA_MODE"], os.environ["CHROMA_PATH"] = "persistent", str(workspace.path / "chroma")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def new_organization(name: str):
    from django.utils.text import slugify

    from helpdesk.models import Organization, Plan

    return Organization.objects.create(
        name=name, slug=slugify(f"{name}-{time.time_ns()}")[:80], plan=Plan.SELF_HOSTED
    )


@dataclass
class CorpusFile:
    path: str  # relative to the corpus folder
    data: bytes
    category: str

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower().lstrip(".")

    @property
    def pages(self) -> int | None:
        """Pages of a PDF (the only format whose pages are known)."""
        if self.suffix != "pdf":
            return None
        import pypdf

        return len(pypdf.PdfReader(io.BytesIO(self.data)).pages)


def corpus_files(corpus: Path, sets=CORPUS_SETS) -> list[CorpusFile]:
    files = []
    for folder, pattern, category in sets:
        base = corpus / folder
        for path in sorted(base.glob(pattern)):
            if path.is_file():
                files.append(CorpusFile(str(path.relative_to(corpus)), path.read_bytes(), category))
    if not files:
        raise SystemExit(f"No corpus files under {corpus}: pass --corpus")
    return files


@dataclass
class IngestStats:
    path: str
    format: str
    status: str
    document_id: int | None = None
    pages: int | None = None
    elements: int = 0
    chunks: int = 0
    wall: float = 0.0
    seconds: dict = field(default_factory=dict)
    error: str = ""


def ingest_file(organization, corpus_file: CorpusFile) -> IngestStats:
    """Store and ingest one file synchronously, the way the ``ingest`` worker does."""
    from helpdesk.errors import DomainError
    from helpdesk.services import operations as operation_services
    from knowledge.services.documents import INGEST_KIND, document_create_from_bytes
    from knowledge.services.ingestion import document_ingest

    stats = IngestStats(
        path=corpus_file.path, format=corpus_file.suffix, status="refused", pages=corpus_file.pages
    )
    started = time.perf_counter()
    try:
        document = document_create_from_bytes(
            organization=organization,
            data=corpus_file.data,
            filename=Path(corpus_file.path).name,
            title=corpus_file.path,
            category=corpus_file.category,
            queue_ingest=False,
        )
    except DomainError as error:
        stats.error = f"{error.code}: {error.message}"
        return stats
    operation = operation_services.operation_create(
        organization=organization, kind=INGEST_KIND, params={"document_id": document.pk}
    )
    document = document_ingest(document=document, operation=operation)
    stats.wall = time.perf_counter() - started
    operation.refresh_from_db()
    document.refresh_from_db()
    stats.document_id, stats.status, stats.error = document.pk, document.status, document.error
    stats.elements, stats.chunks = document.element_count, document.chunk_count
    stats.seconds = (operation.result or {}).get("seconds", {})
    return stats


def ingest_corpus(organization, files: list[CorpusFile], *, progress=True) -> list[IngestStats]:
    results = []
    for number, corpus_file in enumerate(files, start=1):
        results.append(ingest_file(organization, corpus_file))
        if progress and (number % 20 == 0 or number == len(files)):
            print(f"  … {number}/{len(files)} files", file=sys.stderr, flush=True)
    return results


def warm_up_embeddings() -> float:
    from knowledge import embeddings

    started = time.perf_counter()
    embeddings.warm_up()
    embeddings.embed_texts(["warm-up"])
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_summary(values: list[float]) -> str:
    milliseconds = [value * 1000 for value in values]
    return (
        f"median {statistics.median(milliseconds):7.1f} ms   p95 {percentile(milliseconds, 0.95):7.1f} ms"
        f"   (n={len(milliseconds)})"
    )


def machine_description() -> str:
    import platform

    import torch

    from knowledge import embeddings

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (load average {load}), "
        f"Python {platform.python_version()}, torch threads {torch.get_num_threads()}, "
        f"embeddings {embeddings.embedding_model_name()}"
    )
