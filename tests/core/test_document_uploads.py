"""`core.uploads.check_document`: the type of an attached document is read from its content, never its name."""

import pytest

from pilote.core.uploads import MB, DocumentLimits, UploadRefused, check_document

from .documents import EXE, JPEG, PDF, PNG, docx, odt, upload, xlsx, zip_bomb, zipped


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Délibération du 3 mars.pdf", PDF, "application/pdf"),
        ("plan.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("compte rendu.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("convention.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepted_documents_are_typed_by_their_content(name, content, content_type):
    checked_name, document_type = check_document(upload(name, content))
    assert (checked_name, document_type.content_type) == (name, content_type)


REFUSED = {
    "empty": ("vide.pdf", b"", "Le fichier est vide."),
    "too big": ("gros.pdf", PDF + bytes(10 * MB), "Le fichier pèse 10,1\xa0Mo : la limite est de 10,0\xa0Mo."),
    "disguised by its name": (
        "rapport.pdf",
        PNG,
        "Le nom « rapport.pdf » ne correspond pas à son contenu, qui est celui d'un fichier image PNG : "
        "renommez-le en .png.",
    ),
    "text named as a PDF": (
        "notes.pdf",
        b"Bonjour",
        "Ce type de fichier n'est pas accepté : déposez un fichier PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG.",
    ),
    "executable": ("deliberation.pdf", EXE, "Les programmes (exécutables, scripts) ne sont pas acceptés."),
    "script": (
        "compte-rendu.pdf",
        b"#!/bin/sh\nrm -rf /\n",
        "Les programmes (exécutables, scripts) ne sont pas acceptés.",
    ),
    "zip bomb": (
        "convention.docx",
        zip_bomb(),
        "Le document décompressé pèserait 60,1\xa0Mo : la limite est de 50,0\xa0Mo. "
        "Enregistrez-le à nouveau depuis son logiciel.",
    ),
    "plain zip": (
        "archive.docx",
        zipped({"a.txt": b"a"}),
        "Les archives zip ne sont pas acceptées : déposez un fichier PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG.",
    ),
    "broken zip": (
        "cassé.docx",
        b"PK\x03\x04" + bytes(30),
        "Le document n'est pas lisible : enregistrez-le à nouveau depuis son logiciel.",
    ),
    "path in its name": (
        "..\\..\\config.pdf",
        PDF,
        'Le nom « ..\\..\\config.pdf » contient des caractères interdits (/ \\ : * ? " < > | ou un point au début) : '
        "renommez le fichier.",
    ),
    "drive in its name": (
        "C:rapport.pdf",
        PDF,
        'Le nom « C:rapport.pdf » contient des caractères interdits (/ \\ : * ? " < > | ou un point au début) : '
        "renommez le fichier.",
    ),
    "hidden file": (
        ".htaccess.pdf",
        PDF,
        'Le nom « .htaccess.pdf » contient des caractères interdits (/ \\ : * ? " < > | ou un point au début) : '
        "renommez le fichier.",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_document_is_refused_with_its_reason(case):
    name, content, message = REFUSED[case]
    with pytest.raises(UploadRefused) as refusal:
        check_document(upload(name, content))
    assert str(refusal.value) == message


def test_a_docx_with_too_many_tags_is_refused_before_it_is_parsed():
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<a/>" * 3000})
    with pytest.raises(UploadRefused) as refusal:
        check_document(upload("x.docx", bomb), DocumentLimits(max_tags=1000))
    assert str(refusal.value) == (
        "Le document compte 3\u202f001 balises XML : la limite est de 1\u202f000. Enregistrez-le à nouveau depuis son "
        "logiciel."
    )
