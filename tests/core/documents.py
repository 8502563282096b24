"""Documents written by the tests, as their software writes them: what `core.uploads.check_document` accepts and
what it must refuse (a zip bomb, a program, a name lying about the content…)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt() -> bytes:
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"})


def docx() -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A DOCX of 60 Mo of zeros once inflated (about 60 Ko as uploaded)."""
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(60_000_000)})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    document = SimpleUploadedFile("x", content)
    document.name = name  # as given, separators included (SimpleUploadedFile strips the folder of "a/b")
    return document
