"""Texts whose first bytes look like a binary signature are still texts; real binaries are not."""

import pytest

from helpdesk.errors import DomainError
from knowledge.ingestion.formats import detect_format


def test_plain_text_starting_with_bm_is_text_not_a_bitmap():
    detected = detect_format(b"BMI-1 regulates self-renewal of stem cells.\n", "abstract.txt")
    assert detected.format == "txt"


def test_a_real_bitmap_is_still_refused():
    header = b"BM" + (70).to_bytes(4, "little") + b"\x00\x00\x00\x00" + (54).to_bytes(4, "little")
    bitmap = (
        header
        + (40).to_bytes(4, "little")
        + b"\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x18\x00"
        + b"\x00" * 40
    )
    with pytest.raises(DomainError) as refused:
        detect_format(bitmap, "picture.txt")
    assert refused.value.code == "unsupported_media_type"
