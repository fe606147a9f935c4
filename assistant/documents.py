"""Reading source documents (Markdown, text, PDF, DOCX, HTML) into one Markdown-like form.

Every loader returns a ``SourceDocument`` whose ``text`` marks headings with ``#`` so that a single
heading-aware chunker serves all formats. Anything unreadable raises ``DocumentError`` with a
message naming the file and the problem; ingestion reports it and goes on with the other files.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import DocumentError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".pdf", ".docx", ".html", ".htm")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
KINDS = ("maturity-model", "wardley-analysis", "recommendations", "document")


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    source: str  # the file name, as cited
    title: str
    kind: str
    text: str  # Markdown-like body, headings marked with '#'
    content_hash: str
    tags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def load_document(path: Path) -> SourceDocument:
    """Read one file; raise ``DocumentError`` (naming the file) when it cannot be used."""
    name = path.name
    if not is_supported(path):
        raise DocumentError(
            f"{name}: unsupported file type {path.suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if path.is_symlink():
        # A link's target can be anywhere on the machine: a folder received from a client could
        # link "notes.txt" to ~/.ssh/id_rsa and have it indexed, quoted in answers and reports.
        # The target is not named in the message (it may itself be private).
        raise DocumentError(
            f"{name}: is a symbolic link; links are not followed, ingest the file it points to by its own path"
        )
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{name}: {size // (1024 * 1024)} MB is over the "
                f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit; split it into smaller files"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise DocumentError(f"{name}: the file is empty")
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    if suffix == ".pdf":
        text = _pdf_text(raw, name)
    elif suffix == ".docx":
        text, meta = _docx_text(raw, name)
    elif suffix in (".html", ".htm"):
        text, meta = _html_text(_decode(raw, name, warnings), name)
    else:
        decoded = _decode(raw, name, warnings)
        meta, decoded = split_front_matter(decoded, name)
        text = (
            decoded
            if suffix in (".md", ".markdown") or _has_markdown_headings(decoded)
            else (mark_plain_text_headings(decoded))
        )
    text = _normalise_whitespace(text)
    if not text.strip():
        raise DocumentError(f"{name}: no text could be extracted (a scanned or empty document?)")
    title = str(meta.get("title") or _first_heading(text) or _first_line(text) or path.stem)
    kind = str(meta.get("kind") or infer_kind(title, text))
    if kind not in KINDS:
        raise DocumentError(f"{name}: front matter kind {kind!r} is not one of {', '.join(KINDS)}")
    tags_value = meta.get("tags") or ()
    tags = tuple(str(t) for t in tags_value) if isinstance(tags_value, list | tuple) else ()
    return SourceDocument(
        path=path,
        source=name,
        title=title.strip()[:200],
        kind=kind,
        text=text,
        content_hash=digest,
        tags=tags,
        warnings=tuple(warnings),
    )


def _decode(raw: bytes, name: str, warnings: list[str]) -> str:
    # A NUL byte never occurs in real text files; it marks binaries that merely carry a text
    # extension (an image renamed to .md, say).
    if b"\x00" in raw[:65536]:
        raise DocumentError(f"{name}: looks like a binary file, not text; convert it to text first")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:65536]) * 0.01:
        raise DocumentError(f"{name}: looks like a binary file, not text; convert it to text first")
    warnings.append(f"{name}: not valid UTF-8, read as Windows-1252; save it as UTF-8 to be sure")
    return text


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def split_front_matter(text: str, name: str = "document") -> tuple[dict[str, Any], str]:
    """Split YAML front matter (``---`` fenced, at the very top) from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: the front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise DocumentError(f"{name}: the front matter must be a YAML mapping")
    return meta, text[match.end() :]


_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)


def _has_markdown_headings(text: str) -> bool:
    return bool(_MD_HEADING.search(text))


def mark_plain_text_headings(text: str) -> str:
    """Turn heading-like lines of plain text into ``##`` headings.

    Text exported from reports loses its heading styles but keeps the layout: a heading is a
    short line standing alone between blank lines, starting with a capital, without final
    punctuation and without the tabs of a table row.
    """
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        words = stripped.split()
        if (
            stripped
            and prev_blank
            and next_blank
            and 1 <= len(words) <= 8
            and stripped[0].isupper()
            and stripped[-1] not in ".,;:!?"
            and "\t" not in line
            and not stripped.startswith(("-", "*", "•"))
            and not any(ch.isdigit() for ch in stripped)
        ):
            # Generic headings ("Recommendations") belong to the section before them.
            level = "###" if stripped.lower() in _SUBORDINATE_HEADINGS and out_has_heading(out) else "##"
            out.append(f"{level} {stripped}")
        else:
            out.append(line)
    return "\n".join(out)


_SUBORDINATE_HEADINGS = {
    "recommendations",
    "recommendation",
    "findings",
    "summary",
    "key findings",
    "next steps",
    "current state",
    "risks",
    "examples",
    "notes",
}


def out_has_heading(lines: list[str]) -> bool:
    return any(line.startswith("## ") for line in lines)


def infer_kind(title: str, text: str) -> str:
    head = (title + "\n" + text[:2000]).lower()
    if "wardley" in head:
        return "wardley-analysis"
    if "maturity model" in head:
        return "maturity-model"
    if "recommendation" in title.lower():
        return "recommendations"
    return "document"


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or None
    return None


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return None


def _normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)  # comments are not content
    lines = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip("\t"))
        body = line[indent:].rstrip(" \t")
        # Tabs inside a line separate table cells in exported reports: keep them visible.
        lines.append("    " * indent + re.sub(r"\t+", " | ", body))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _pdf_text(raw: bytes, name: str) -> str:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about odd PDFs are noise here
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise DocumentError(f"{name}: the PDF is encrypted; save an unprotected copy") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentError(f"{name}: not a readable PDF (corrupt or truncated?)") from exc
    except Exception as exc:  # pypdf raises a wide range of errors on hostile files
        raise DocumentError(f"{name}: not a readable PDF ({type(exc).__name__})") from exc
    return mark_plain_text_headings("\n\n".join(pages))


def _docx_text(raw: bytes, name: str) -> tuple[str, dict[str, Any]]:
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{name}: not a readable DOCX file (corrupt, or not Word 2007+?)") from exc
    except Exception as exc:
        raise DocumentError(f"{name}: not a readable DOCX file ({type(exc).__name__})") from exc
    parts: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _docx_heading_level(style)
        parts.append(("#" * level + " " + text) if level else text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            if any(cells):
                parts.append(" | ".join(cells))
    meta: dict[str, Any] = {}
    core_title = (document.core_properties.title or "").strip()
    if core_title:
        meta["title"] = core_title
    return "\n\n".join(parts), meta


def _docx_heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.fullmatch(r"Heading (\d)", style)
    return min(int(match.group(1)), 6) if match else 0


def _html_text(html: str, name: str) -> tuple[str, dict[str, Any]]:
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(html, "html.parser")
    except Exception as exc:
        raise DocumentError(f"{name}: not readable HTML ({type(exc).__name__})") from exc
    for tag in soup(["script", "style", "noscript", "template", "nav", "footer", "svg"]):
        tag.decompose()
    meta: dict[str, Any] = {}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(strip=True)
    parts: list[str] = []
    body = soup.body or soup
    for element in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "td", "th", "blockquote"]):
        if element.find_parent(["li", "td", "th", "blockquote"]) and element.name in ("p", "li"):
            continue  # nested blocks are read with their parent
        text = " ".join(element.get_text(" ", strip=True).split())
        if not text:
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            parts.append("#" * int(element.name[1:]) + " " + text)
        elif element.name == "li":
            parts.append("- " + text)
        else:
            parts.append(text)
    if not parts:  # a page of bare text without block elements
        parts.append(" ".join(body.get_text(" ", strip=True).split()))
    return "\n\n".join(parts), meta
