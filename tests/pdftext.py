"""Read back the PDFs we serve: pages and text, spaces collapsed (French numbers are grouped with narrow no-break
spaces, which the text shows as plain ones)."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> tuple[int, str]:
    assert content.startswith(b"%PDF"), content[:40]
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
