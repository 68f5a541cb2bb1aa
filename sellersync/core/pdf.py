"""A one-column A4 PDF document (fpdf2) shared by the printed documents: invoices, credit notes, delivery
slips.

A Unicode TrueType font is used when one is found (setting `INVOICE_PDF_FONT`, else DejaVu Sans); otherwise
the PDF core font, with characters outside Latin-1 replaced. Chinese (and other CJK) text falls back to Noto
Sans CJK SC (setting `INVOICE_PDF_CJK_FONT`, else Debian's fonts-noto-cjk), embedded as a subset; the font is
loaded only for a document that has such text.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

DEFAULT_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
FONT_NAME = "invoice"
# (file, face in the collection): face 2 of Noto Sans CJK's collection is the Simplified Chinese one.
DEFAULT_CJK_FONTS = (("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),)
CJK_FONT_NAME = "invoice-cjk"
FIRST_CJK_CODE_POINT = 0x2E80  # CJK radicals; ideographs, kana, hangul and full-width forms come after


def cjk_font() -> tuple[Path, int] | None:
    configured = getattr(settings, "INVOICE_PDF_CJK_FONT", "")
    candidates = ([(configured, 0)] if configured else []) + list(DEFAULT_CJK_FONTS)
    for candidate, face in candidates:
        if Path(candidate).is_file():
            return Path(candidate), face
    return None


def font_path() -> Path | None:
    configured = getattr(settings, "INVOICE_PDF_FONT", "")
    for candidate in ([configured] if configured else []) + list(DEFAULT_FONT_PATHS):
        path = Path(candidate)
        if path.is_file():
            return path
    return None


class Document:
    """A one-column A4 document with a Unicode font when available."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        font = font_path()
        self.unicode = font is not None
        if font is not None:
            self.pdf.add_font(FONT_NAME, fname=str(font))
            self.family = FONT_NAME
        else:
            self.family = "helvetica"
        self.has_cjk_fallback = False

    def text(self, value: object) -> str:
        text = str(value)
        if self.unicode and not self.has_cjk_fallback and any(ord(c) >= FIRST_CJK_CODE_POINT for c in text):
            self._add_cjk_fallback()
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def _add_cjk_fallback(self) -> None:
        self.has_cjk_fallback = True
        font = cjk_font()
        if font is not None:
            self.pdf.add_font(CJK_FONT_NAME, fname=str(font[0]), collection_font_number=font[1])
            self.pdf.set_fallback_fonts([CJK_FONT_NAME])

    def line(self, value: object, size: int = 10, height: float = 6) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, height, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[object], widths: list[float], size: int = 9, aligns: str = "") -> None:
        """One table row; `aligns` gives each cell's alignment ("LLR"), by default the first left, the
        others right."""
        self.pdf.set_font(self.family, size=size)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            align = aligns[index] if aligns else ("L" if index == 0 else "R")
            self.pdf.cell(width, 6, self.text(cell)[:60], border="B", align=align)
        self.pdf.ln(6)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
