"""Resume files: the text of an uploaded ``.txt``/``.md``/``.pdf``/``.docx``, and the PDF export.

The readers are imported when a file is read, so starting the console does not load them.
Every way a file can fail to give text (damaged, password-protected, a scan without text, not
UTF-8) becomes :class:`UnreadableFile` with words the person can act on.

The PDF uses fpdf2's built-in Helvetica, which prints latin-1 only (fpdf2 ships no Unicode font
and a system font cannot be counted on): text goes through ``domain.resumes.pdf_safe`` first —
accented latin-1 letters stay, dashes and quotes become plain ones, other accents are dropped.
The text export keeps every character.
"""

from __future__ import annotations

from pathlib import Path

from jobcenter_tui.config import write_privately
from jobcenter_tui.domain.resumes import ResumeContent, contact_lines, outline, pdf_safe

UPLOAD_SUFFIXES = (".txt", ".md", ".pdf", ".docx")


class UnreadableFile(ValueError):
    """No text could be read from the file; the message says why in plain words."""


def extract_text(path: Path) -> str:
    """The text of a resume file, by its suffix; ``UnreadableFile`` when there is none to read."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        text = _plain_text(path.read_bytes())
    elif suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix == ".docx":
        text = _docx_text(path)
    else:
        raise UnreadableFile(f"{suffix or 'this'} files are not accepted; accepted: {', '.join(UPLOAD_SUFFIXES)}")
    if not text.strip():
        raise UnreadableFile("no text could be read from the file" + (" (is it a scanned image?)" if suffix == ".pdf" else ""))
    return text


def _plain_text(data: bytes) -> str:
    if b"\x00" in data:
        raise UnreadableFile("this is not a text file (it holds binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("the file's characters cannot be read; save it as UTF-8 text and upload it again")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged file; all mean "cannot read"
        raise UnreadableFile("the file cannot be read as a PDF (it may be damaged or not a PDF)") from None
    if encrypted:
        raise UnreadableFile("the PDF is password-protected; save a copy without a password and upload that")
    try:
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # noqa: BLE001 - as above, for damage found while reading the pages
        raise UnreadableFile("the PDF's pages cannot be read (it may be damaged)") from None


def _docx_text(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    except Exception:  # noqa: BLE001 - a damaged or renamed file fails in zipfile, lxml or python-docx
        raise UnreadableFile("the file cannot be read as a Word (.docx) document (it may be damaged)") from None
    return "\n".join(lines)


# --- writing exports ------------------------------------------------------------------------------


def pdf_bytes(content: ResumeContent) -> bytes:
    """The resume as a one-column US Letter PDF."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(pdf_safe(f"{content.name} - resume"))
    pdf.set_creator("jobcenter")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, pdf_safe(content.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in contact_lines(content):
        pdf.multi_cell(width, 5, pdf_safe(line), new_x="LMARGIN", new_y="NEXT")
    for heading, lines in outline(content):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(width, 6, pdf_safe(heading), new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y()
        pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
        pdf.ln(1)
        pdf.set_font("Helvetica", "", 10)
        for line in lines:
            pdf.multi_cell(width, 5, pdf_safe(line) or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def write_private(folder: Path, name: str, data: bytes) -> Path:
    """Write a new file readable by its owner only (0600), whole or not at all (a temporary file
    renamed at the end); a name already there gets " (2)", " (3)"…"""
    stem, suffix = Path(name).stem, Path(name).suffix
    target, n = folder / name, 2
    while True:
        try:
            with write_privately(target, replace=False) as out:
                out.write(data)
            return target
        except FileExistsError:
            target, n = folder / f"{stem} ({n}){suffix}", n + 1
