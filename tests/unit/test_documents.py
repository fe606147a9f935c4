"""Loading source documents of every supported format, and refusing unusable ones."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from assistant.documents import is_supported, load_document
from assistant.errors import DocumentError


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---------------------------------------------------------------- Markdown


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = write(
        tmp_path / "recs.md",
        "---\ntitle: Custom Title\nkind: recommendations\ntags: [mlops, monitoring]\n---\n"
        "# Heading One\n\nBody text.\n",
    )
    doc = load_document(path)
    assert doc.title == "Custom Title"
    assert doc.kind == "recommendations"
    assert doc.tags == ("mlops", "monitoring")
    assert doc.source == "recs.md"
    assert doc.path == path
    assert doc.text == "# Heading One\n\nBody text.\n"  # front matter removed
    assert doc.warnings == ()


def test_markdown_without_front_matter_takes_title_from_first_heading(tmp_path: Path) -> None:
    path = write(tmp_path / "model.md", "Intro line.\n\n# MLOps Maturity Model\n\nLevel 1 is manual.\n")
    doc = load_document(path)
    assert doc.title == "MLOps Maturity Model"
    assert doc.kind == "maturity-model"  # inferred from "maturity model"
    assert doc.tags == ()


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Wardley map of the platform", "wardley-analysis"),
        ("Recommendations for Acme", "recommendations"),
        ("Team notes", "document"),
    ],
)
def test_kind_is_inferred(tmp_path: Path, heading: str, kind: str) -> None:
    doc = load_document(write(tmp_path / "doc.md", f"# {heading}\n\nSome body text.\n"))
    assert doc.kind == kind


def test_markdown_without_any_heading_takes_title_from_first_line(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "plain.md", "\n\nJust a line of text.\nAnother line.\n"))
    assert doc.title == "Just a line of text."


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "bom.md", b"\xef\xbb\xbf# Title\n\nBody.\n"))
    assert doc.title == "Title"
    assert doc.text.startswith("# Title")
    assert doc.warnings == ()


def test_whitespace_is_normalised(tmp_path: Path) -> None:
    # CRLF -> LF, trailing spaces gone, 3+ newlines collapse to one blank line, comments dropped,
    # tabs inside a line become " | ".
    raw = b"# T\r\n\r\n\r\n\r\nA line.   \r\n<!-- hidden -->\r\nx\ty\r\n"
    doc = load_document(write(tmp_path / "ws.md", raw))
    assert doc.text == "# T\n\nA line.\n\nx | y\n"


def test_content_hash_is_sha256_of_the_bytes(tmp_path: Path) -> None:
    raw = b"# Title\n\nSome body.\n"
    doc = load_document(write(tmp_path / "hash.md", raw))
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert len(doc.content_hash) == 64


# ---------------------------------------------------------------- plain text


def test_plain_text_heading_like_lines_become_headings(tmp_path: Path) -> None:
    text = (
        "Model Monitoring\n\n"
        "We track drift weekly.\n\n"
        "Recommendations\n\n"
        "Add alerting.\n\n"
        "Step 2 Overview\n\n"  # has a digit: not a heading
        "- Bullet item\n"
    )
    doc = load_document(write(tmp_path / "report.txt", text))
    assert doc.text == (
        "## Model Monitoring\n\n"
        "We track drift weekly.\n\n"
        "### Recommendations\n\n"  # a generic heading after a heading is subordinate
        "Add alerting.\n\n"
        "Step 2 Overview\n\n"
        "- Bullet item\n"
    )
    assert doc.title == "Model Monitoring"
    assert doc.kind == "document"


def test_plain_text_generic_heading_without_previous_heading_is_level_two(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "r.txt", "Recommendations\n\nAdd alerting.\n"))
    assert doc.text.startswith("## Recommendations\n")


def test_plain_text_lines_inside_a_paragraph_are_not_headings(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "p.txt", "Short Line\nContinues Here\n\nBody.\n"))
    assert "#" not in doc.text


def test_plain_text_with_markdown_headings_is_left_alone(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "md.txt", "# Real Heading\n\nStandalone Line\n\nBody.\n"))
    assert doc.text == "# Real Heading\n\nStandalone Line\n\nBody.\n"


def test_cp1252_text_loads_with_a_warning(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "legacy.txt", b"caf\xe9 r\xe9sum\xe9\n"))
    assert doc.text == "café résumé\n"
    assert len(doc.warnings) == 1
    assert "legacy.txt" in doc.warnings[0]
    assert "UTF-8" in doc.warnings[0]


# ---------------------------------------------------------------- HTML


def test_html(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Page Title</title><style>body { color: red }</style>"
        "<script>var secret = 1;</script></head><body>"
        "<h2>Section Two</h2><p>Paragraph text <script>hiddenCall()</script>continues.</p>"
        "<ul><li>Item one</li><li>Item two</li></ul>"
        "<p><style>.x { margin: 0 }</style>Styled paragraph.</p>"
        "</body></html>"
    )
    doc = load_document(write(tmp_path / "page.html", html))
    assert doc.title == "Page Title"
    assert doc.text == (
        "## Section Two\n\nParagraph text continues.\n\n- Item one\n\n- Item two\n\nStyled paragraph.\n"
    )
    for hidden in ("secret", "hiddenCall", "color", "margin"):
        assert hidden not in doc.text


def test_html_without_title_uses_first_heading(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "page.htm", "<body><h1>Main Heading</h1><p>Text.</p></body>"))
    assert doc.title == "Main Heading"
    assert doc.text == "# Main Heading\n\nText.\n"


# ---------------------------------------------------------------- DOCX and PDF


def test_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Deployment Practices", level=1)
    document.add_paragraph("Models are deployed by CI.")
    document.add_paragraph("")  # empty paragraphs are skipped
    document.add_heading("Rollback", level=2)
    document.add_paragraph("Rollbacks take minutes.")
    path = tmp_path / "practices.docx"
    document.save(str(path))

    doc = load_document(path)
    assert doc.text == (
        "# Deployment Practices\n\nModels are deployed by CI.\n\n## Rollback\n\nRollbacks take minutes.\n"
    )
    assert doc.title == "Deployment Practices"
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_core_title_wins(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Core Title"
    document.add_heading("Heading", level=1)
    document.add_paragraph("Body.")
    path = tmp_path / "titled.docx"
    document.save(str(path))
    assert load_document(path).title == "Core Title"


def test_pdf(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Drift monitoring runs every night.")
    path = tmp_path / "nightly.pdf"
    pdf.output(str(path))

    doc = load_document(path)
    assert "Drift monitoring runs every night." in doc.text
    assert doc.title == "Drift monitoring runs every night."  # no heading: the first line
    assert doc.source == "nightly.pdf"


# ---------------------------------------------------------------- errors


def random_bytes(n: int = 4096) -> bytes:
    return random.Random(1234).randbytes(n)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\t\n   \n", "empty"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("broken.pdf", random_bytes(), "PDF"),
        ("broken.docx", random_bytes(), "DOCX"),
        ("picture.png", b"\x89PNG\r\n", "unsupported"),
        ("badyaml.md", "---\ntitle: [unclosed\n---\n# T\n\nBody.\n", "front matter"),
        ("listmeta.md", "---\n- a\n- b\n---\n# T\n\nBody.\n", "front matter"),
        ("novel.md", "---\nkind: novel\n---\n# T\n\nBody.\n", "kind 'novel'"),
        ("onlymeta.md", "---\ntitle: Nothing else\n---\n", "no text"),
        ("comment.html", "<html><body><!-- only a comment --></body></html>", "no text"),
    ],
)
def test_unusable_files_raise_document_error_naming_the_file(
    tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(DocumentError) as info:
        load_document(path)
    message = str(info.value)
    assert name in message
    assert problem in message


def test_missing_file_raises_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"ghost\.md"):
        load_document(tmp_path / "ghost.md")


def test_is_supported() -> None:
    assert is_supported(Path("a.md"))
    assert is_supported(Path("A.MD"))
    assert is_supported(Path("report.docx"))
    assert not is_supported(Path("image.png"))
    assert not is_supported(Path("no_suffix"))
