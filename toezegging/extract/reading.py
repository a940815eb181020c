"""Reading a document as plain text: .txt, .pdf (pypdf), .docx (python-docx), .html.

Page furniture of a PDF (a header or footer repeated on most pages, page numbers) is
dropped here, where the pages are still apart; the rest of the cleaning is text-only.
pypdf and python-docx are imported by the reader of their format (`PDF only`, `Word
only`): reading a text letter, or starting the command, loads neither.
"""

import logging
import re
import warnings
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InvalidInput
from .rules import load_rules


def sniff(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf" or head.startswith(b"%PDF"):
        return "pdf"
    if suffix == ".docx" or (head.startswith(b"PK") and suffix not in (".txt", ".html", ".htm")):
        return "docx"
    if suffix in (".html", ".htm", ".xhtml") or head.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    return "text"


def read_document(path: str | Path) -> str:
    """The text of the document at `path`; raises InvalidInput when it cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InvalidInput(f"cannot read {path}: {e.strerror or e}. Check the path.") from None
    kind = sniff(path, raw[:64])
    if kind == "pdf":
        return pdf_text(path)
    if kind == "docx":
        return docx_text(path)
    text = decode(raw)
    return html_text(text) if kind == "html" else text


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# ----------------------------------------------------------------------------- PDF


def pdf_text(path: Path) -> str:
    """The text of a PDF, its pages separated by form feeds. pypdf's own complaints about a
    font or a damaged table are not shown: the user sees our message or the text."""

    from pypdf import PdfReader  # noqa: PLC0415 (PDF only)
    from pypdf.errors import PyPdfError  # noqa: PLC0415 (PDF only)

    logger = logging.getLogger("pypdf")  # its modules log font and xref complaints
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path)
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))  # PasswordType.NOT_DECRYPTED is 0
                except (PyPdfError, NotImplementedError, ValueError, TypeError):
                    opened = False
                if not opened:
                    raise InvalidInput(
                        f"{path} is a PDF with a password; save an unlocked copy first "
                        "(or save it as plain text)."
                    )
            pages = [page.extract_text() or "" for page in reader.pages]
    except InvalidInput:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        NotImplementedError,
        RecursionError,
        OSError,
        AssertionError,
        ZeroDivisionError,
    ) as e:
        detail = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
        raise InvalidInput(
            f"cannot read {path} as a PDF ({detail}); save it again as PDF or as plain text."
        ) from None
    finally:
        logger.setLevel(level)
    if not any(p.strip() for p in pages):
        raise InvalidInput(f"{path} holds no text (a scanned PDF?); run it through OCR or give a text copy.")
    return "\f".join(drop_repeated_furniture(pages))


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def drop_repeated_furniture(pages: list[str], edge: int = 3) -> list[str]:
    """Drop the lines at the top or bottom of a page that recur on at least half the pages."""
    if len(pages) < 3:
        return pages
    split = [p.splitlines() for p in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        keys = {_furniture_key(x) for x in lines[:edge] + lines[-edge:] if x.strip()}
        counts.update(keys)
    repeated = {k for k, n in counts.items() if n >= max(2, len(pages) // 2)}
    rules = load_rules()

    def label(line: str) -> bool:
        # "Vraag 6" and "Antwoord 6" often stand at the top or foot of a page: text, not furniture
        return bool(rules.question.match(line) or rules.answer.match(line))

    out = []
    for lines in split:
        n = len(lines)
        kept = [
            x
            for i, x in enumerate(lines)
            if not ((i < edge or i >= n - edge) and _furniture_key(x) in repeated and not label(x))
        ]
        out.append("\n".join(kept))
    return out


# ----------------------------------------------------------------------------- Word


def docx_text(path: Path) -> str:
    import docx  # noqa: PLC0415 (Word only)
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415 (Word only)
    from docx.table import Table  # noqa: PLC0415 (Word only)

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise InvalidInput(f"cannot read {path} as a Word document ({e}); save it again as .docx.") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
                    lines.append("")
        else:
            lines.append(block.text)
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "dd",
    "dt",
    "pre",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "nav"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n\n", text).strip() + "\n"
