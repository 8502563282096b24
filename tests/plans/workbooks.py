"""Workbooks the plan tests write themselves: the template's sheets with given rows, and hostile variants made by
rewriting one member of the zip (its XML, its declared sizes) — small files, built in milliseconds."""

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from pilote.plans import spreadsheet

FICHES_XML = "xl/worksheets/sheet1.xml"  # the "Fiches actions" sheet of `workbook_bytes`


def fiche(ref="N1", cost=None, *, started=None, ended=None, title="Fiche") -> list:
    return [ref, title, "", "Innovation", "", "", started, ended, cost]


def workbook_bytes(fiches: list[list], funders: list[list] = (), indicators: list[list] = ()) -> bytes:
    book = Workbook()
    for n, (title, columns, rows) in enumerate(
        [
            (spreadsheet.FICHES, spreadsheet.FICHE_COLUMNS, fiches),
            (spreadsheet.FUNDERS, spreadsheet.FUNDER_COLUMNS, funders),
            (spreadsheet.INDICATORS, spreadsheet.INDICATOR_COLUMNS, indicators),
        ]
    ):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(fiches: list[list], funders: list[list] = (), indicators: list[list] = ()) -> SimpleUploadedFile:
    return upload(workbook_bytes(fiches, funders, indicators))


def upload(content: bytes, name="plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def rewritten(content: bytes, member: str, rewrite) -> bytes:
    """`content` with the XML of `member` replaced by `rewrite(xml text)`."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = rewrite(data.decode()).encode()
            target.writestr(info.filename, data)
    return buffer.getvalue()


def with_member(content: bytes, member: str, chunks, chunk_count: int) -> bytes:
    """`content` plus a member written from `chunk_count` repetitions of `chunks` (streamed, never held whole)."""
    buffer = io.BytesIO(content)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(member, "w", force_zip64=True) as target,
    ):
        for _ in range(chunk_count):
            target.write(chunks)
    return buffer.getvalue()


def declaring_smaller_size(content: bytes, member: str, size: int) -> bytes:
    """`content` whose zip directory says `member` inflates to `size` bytes, fewer than it really does."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(member)
    data = bytearray(content)
    # local header: uncompressed size at offset 22; central directory entry: at offset 24
    struct.pack_into("<I", data, info.header_offset + 22, size)
    struct.pack_into("<I", data, _central_entry(data, member) + 24, size)
    return bytes(data)


def _central_entry(data: bytearray, member: str) -> int:
    name = member.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + length] == name:
            return start
        start += 4
    raise ValueError(member)
