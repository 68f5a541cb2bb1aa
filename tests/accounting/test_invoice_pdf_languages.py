"""The invoice PDF in the document's own language, whoever prints it: Chinese words as real text (the CJK font
is embedded, pdftotext reads them back), Spanish dates and money; English stays as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from sellersync.accounting.pdf import render_invoice_pdf
from sellersync.core.models import Company, Partner
from sellersync.core.pdf import cjk_font
from tests.accounting.fixtures import euro_invoice

pytestmark = pytest.mark.django_db


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: .ci/run installs it")
    pytest.skip(f"{what} is not installed")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "invoice.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)  # noqa: S603, S607
    assert result.returncode == 0, result.stderr
    return result.stdout


def pdf_fonts(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607


def test_a_chinese_invoice_pdf_carries_the_chinese_words_as_text(
    company: Company, customer: Partner, tmp_path: Path
) -> None:
    require(cjk_font() is not None, "a CJK font (apt-get install fonts-noto-cjk)")
    # given a customer who reads Chinese, invoiced 2 x 1234.50 EUR for a product described in Chinese
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])
    invoice = euro_invoice(company, customer, "402-CN", unit_price="1234.50", description="陶瓷马克杯")

    # when a user who reads Spanish prints it
    with translation.override("es"):
        content = render_invoice_pdf(invoice)
    text = pdf_text(content, tmp_path)

    # then the labels are sellersync's Chinese ones, the date and the money in Chinese formats
    assert "发票 INV/2026/00001" in text
    assert "日期：2026年3月1日" in text
    assert "开票给：" in text
    assert "陶瓷马克杯" in text
    assert "总计：2469.00 EUR" in text  # Django's Chinese number format: no thousands separator
    assert "已通过亚马逊支付。" in text
    # and the Chinese glyphs come from the embedded Noto Sans CJK SC subset, not from missing-glyph boxes
    assert "NotoSansCJKSC" in pdf_fonts(content, tmp_path)


def test_a_spanish_invoice_pdf_has_spanish_labels_dates_and_money(
    company: Company, customer: Partner, tmp_path: Path
) -> None:
    invoice = euro_invoice(company, customer, "402-ES", unit_price="1234.50", language="es")

    with translation.override("zh-hans"):
        text = pdf_text(render_invoice_pdf(invoice), tmp_path)

    assert "Factura INV/2026/00001" in text
    assert "Fecha: 1 de marzo de 2026" in text
    # the Spanish norm groups thousands with a (non-breaking) space, which pdftotext reads as a space
    assert "Total: 2 469,00 EUR" in text.replace("\xa0", " ")
    assert "Pagado a través de Amazon." in text


def test_an_english_invoice_pdf_needs_no_cjk_font(
    company: Company, customer: Partner, tmp_path: Path
) -> None:
    invoice = euro_invoice(company, customer, "402-EN", unit_price="1234.50")

    with translation.override("zh-hans"):
        content = render_invoice_pdf(invoice)
    text = pdf_text(content, tmp_path)

    assert "Invoice INV/2026/00001" in text
    assert "Total: 2,469.00 EUR" in text
    assert "CJK" not in pdf_fonts(content, tmp_path)
