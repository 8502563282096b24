"""What every uploaded file goes through before an app reads it, so that no file can hurt the service.

In this order, each step before any costlier one: the size of the upload; for an XLSX workbook (a zip of XML
files), the uncompressed sizes its zip directory declares (Python's zipfile never inflates a member past its
declared size: a member that lies fails its CRC check and is refused as unreadable), then the number of XML tags
of its members (counted on the bytes, parsing costs grow with it), then the dimension each sheet declares, then
its rows, read with a cap. openpyxl parses the XML with defusedxml (no entity, no DTD expansion, no
external reference) when it is installed; `open_xlsx` refuses to run without it.

Every refusal is an `UploadRefused` whose text is the French message for the user; the caller writes nothing.
"""

import math
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl.xml
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook

MB = 1_000_000  # as the French "Mo" of file managers
NOT_XLSX = "Le fichier n'est pas un classeur Excel (.xlsx) lisible."


class UploadRefused(Exception):
    """A file refused before or while it is read; `str(error)` is the French message for the user."""


@dataclass(frozen=True)
class XlsxLimits:
    max_bytes: int = 5 * MB  # the upload itself
    max_uncompressed_bytes: int = 20 * MB  # all zip members together, as the zip directory declares them
    # XML tags ("<") of all members together, counted on the inflated bytes before any parsing: parsing costs
    # about 10 µs a tag: 20 Mo of empty cells ("<c/>") took 52 s of CPU within the size limit, 990,000 of them 12 s.
    max_tags: int = 600_000  # 2.3 × a plan of 2,000 fiches written by openpyxl (260,611)
    max_members: int = 100  # files in the zip: a workbook of three sheets holds about ten
    max_rows: int = 20_000  # of one sheet, blank rows included: declared by its dimension or read
    max_columns: int = 50  # declared by a sheet's dimension


def grouped(n: int) -> str:
    """12 000: a count as French text writes it."""
    return f"{n:,}".replace(",", "\u202f")


def megabytes(n: int) -> str:
    """5,1 Mo: rounded up, so that a file over a limit never reads as equal to it."""
    return f"{math.ceil(n / (MB / 10)) / 10:.1f}".replace(".", ",") + "\u00a0Mo"


def check_size(file, max_bytes: int) -> None:
    """Refuses a file larger than `max_bytes`, from the size the upload handler counted (nothing is read)."""
    if file.size > max_bytes:
        raise UploadRefused(f"Le fichier pèse {megabytes(file.size)} : la limite est de {megabytes(max_bytes)}.")


def check_zip(
    file,
    limits: "XlsxLimits | DocumentLimits",
    *,
    noun: str = "Le classeur",
    unreadable: str = NOT_XLSX,
    advice: str = "Enregistrez-le à nouveau depuis le modèle exporté",
    tags_advice: str = "Enregistrez-le à nouveau depuis le modèle exporté, sans cellules vides mises en forme",
) -> dict[str, bytes]:
    """Refuses a file that is not a zip, whose members would inflate past the limit (from the sizes its directory
    declares), or whose XML holds too many tags (counted as the members inflate, chunk by chunk). Returns the
    names of its members (with the first bytes of an OpenDocument's `mimetype`). `noun`, `unreadable` and the advices
    word the refusals (a workbook, a document)."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise UploadRefused(f"{unreadable} Il contient {grouped(len(members))} fichiers.")
            declared = sum(member.file_size for member in members)
            if declared > limits.max_uncompressed_bytes:
                raise UploadRefused(
                    f"{noun} décompressé pèserait {megabytes(declared)} : la limite est de "
                    f"{megabytes(limits.max_uncompressed_bytes)}. {advice}."
                )
            tags = sum(_tags(archive, member) for member in members)
            names = {
                member.filename: archive.read(member)[:100] if member.filename == "mimetype" else b""
                for member in members
            }
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise UploadRefused(unreadable) from error  # a member lying about its size fails its CRC check here
    finally:
        file.seek(0)
    if tags > limits.max_tags:
        raise UploadRefused(
            f"{noun} compte {grouped(tags)} balises XML : la limite est de {grouped(limits.max_tags)}. {tags_advice}."
        )
    return names


def _tags(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    count = 0
    with archive.open(member) as content:
        while chunk := content.read(MB):
            count += chunk.count(b"<")
    return count


def open_xlsx(file, limits: XlsxLimits = XlsxLimits()):
    """The workbook, read-only (its sheets are parsed row by row through `sheet_rows`), after the checks above
    and the declared dimension of every sheet. Close it after use (`workbook.close()`)."""
    if not openpyxl.xml.DEFUSEDXML:
        raise ImproperlyConfigured("openpyxl must parse uploads with defusedxml: install it, keep OPENPYXL_DEFUSEDXML")
    check_size(file, limits.max_bytes)
    check_zip(file, limits)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors (zip, XML, defusedxml, KeyError…)
        raise UploadRefused(NOT_XLSX) from error
    for sheet in workbook.worksheets:
        _check_dimension(sheet, limits)
    return workbook


def _check_dimension(sheet, limits: XlsxLimits) -> None:
    """The dimension a sheet declares (`<dimension ref="A1:I99999999"/>`): openpyxl pads the rows up to it."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > limits.max_rows or columns > limits.max_columns:
        raise UploadRefused(
            f"L'onglet « {sheet.title} » déclare {grouped(rows)} lignes et {grouped(columns)} colonnes : "
            f"la limite est de {grouped(limits.max_rows)} lignes et {grouped(limits.max_columns)} colonnes."
        )


def sheet_rows(sheet, *, columns: int, max_rows: int) -> Iterator[tuple]:
    """The values of each row of `sheet` (blank ones included), `columns` wide. The XML is parsed as the rows are
    read: an error of the file met on the way, or a row past `max_rows`, is an `UploadRefused`."""
    rows = sheet.iter_rows(max_col=columns, values_only=True)
    for count in range(1, max_rows + 2):
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # truncated XML, entity refused by defusedxml, bad CRC of a lying zip member…
            raise UploadRefused(f"{NOT_XLSX} (onglet « {sheet.title} », ligne {count})") from error
        if count > max_rows:
            raise UploadRefused(
                f"L'onglet « {sheet.title} » compte plus de {grouped(max_rows)} lignes : c'est la limite. "
                "Scindez le fichier."
            )
        yield row


# --- documents attached to a file or a fiche (délibérations, comptes rendus, conventions…) ------------------------

RESAVE = "Enregistrez-le à nouveau depuis son logiciel"
NOT_DOCUMENT = "Le document n'est pas lisible : enregistrez-le à nouveau depuis son logiciel."


@dataclass(frozen=True)
class DocumentLimits:
    max_bytes: int = 10 * MB  # a scanned délibération of 20 pages
    max_uncompressed_bytes: int = 50 * MB  # members of an ODT/DOCX/XLSX together, as its zip directory declares
    max_tags: int = 2_000_000  # "<" counted in its members (images count too: about one byte in 256)
    max_members: int = 500
    max_name: int = 150  # characters of the file's name


@dataclass(frozen=True)
class DocumentType:
    label: str  # as the user reads it
    content_type: str
    extensions: tuple[str, ...]  # the first one names the stored file


DOCUMENT_TYPES = {
    "pdf": DocumentType("PDF", "application/pdf", (".pdf",)),
    "odt": DocumentType("texte OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": DocumentType("classeur OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "docx": DocumentType(
        "document Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
    ),
    "xlsx": DocumentType(
        "classeur Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
    ),
    "png": DocumentType("image PNG", "image/png", (".png",)),
    "jpeg": DocumentType("image JPEG", "image/jpeg", (".jpg", ".jpeg")),
}
ACCEPTED = "PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG"
# Signatures of programs: Windows (MZ), Linux (ELF), macOS (Mach-O, fat binaries), scripts (#!), Java classes.
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
# What a file name must not hold: path separators, characters Windows refuses, control characters.
UNSAFE_NAME = set('/\\:*?"<>|') | {chr(n) for n in range(32)} | {"\x7f"}


def check_name(name: str, limits: DocumentLimits = DocumentLimits()) -> str:
    """The file's name, stripped, when it can be shown and offered for download as it is; refused otherwise."""
    name = (name or "").strip()
    if not name or name.startswith(".") or UNSAFE_NAME & set(name):
        raise UploadRefused(
            f'Le nom « {name} » contient des caractères interdits (/ \\ : * ? " < > | ou un point au début) : '
            "renommez le fichier."
        )
    if len(name) > limits.max_name:
        raise UploadRefused(f"Le nom du fichier dépasse {limits.max_name} caractères : renommez-le.")
    return name


def check_document(file, limits: DocumentLimits = DocumentLimits()) -> tuple[str, DocumentType]:
    """The file's checked name and its type, read from its content (its first bytes, and the members of a zip):
    never from its name, whose extension must agree with the content. Refused: empty, too big, a bad name, a
    program, a type not accepted, a zip bomb, a name lying about the content."""
    if not file.size:
        raise UploadRefused("Le fichier est vide.")
    check_size(file, limits.max_bytes)
    name = check_name(file.name, limits)
    kind = sniff(file, limits)
    declared = DOCUMENT_TYPES[kind]
    if not name.lower().endswith(declared.extensions):
        raise UploadRefused(
            f"Le nom « {name} » ne correspond pas à son contenu, qui est celui d'un fichier {declared.label} : "
            f"renommez-le en {declared.extensions[0]}."
        )
    return name, declared


def sniff(file, limits: DocumentLimits = DocumentLimits()) -> str:
    """The key of DOCUMENT_TYPES that the content is, or UploadRefused."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(EXECUTABLES):
        raise UploadRefused("Les programmes (exécutables, scripts) ne sont pas acceptés.")
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(
            check_zip(file, limits, noun="Le document", unreadable=NOT_DOCUMENT, advice=RESAVE, tags_advice=RESAVE)
        )
    raise UploadRefused(f"Ce type de fichier n'est pas accepté : déposez un fichier {ACCEPTED}.")


def _office_kind(members: dict[str, bytes]) -> str:
    mimetype = members.get("mimetype", b"").strip()
    if mimetype == DOCUMENT_TYPES["odt"].content_type.encode():
        return "odt"
    if mimetype == DOCUMENT_TYPES["ods"].content_type.encode():
        return "ods"
    if "[Content_Types].xml" in members and "word/document.xml" in members:
        return "docx"
    if "[Content_Types].xml" in members and "xl/workbook.xml" in members:
        return "xlsx"
    raise UploadRefused(f"Les archives zip ne sont pas acceptées : déposez un fichier {ACCEPTED}.")
