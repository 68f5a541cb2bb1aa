"""In a real browser (Debian's chromium, driven by Playwright): a seller switches the back office to 简体中文
and to Español with the top bar's switcher, and sellersync's own words (fieldsets, field labels, menu,
reports) change on the account, sales order, delivery and dashboard pages; the choice follows the user to a
new browser; and the Chinese text is drawn with a CJK font (no missing-glyph boxes)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Currency, UserPreference
from sellersync.core.pdf import DEFAULT_CJK_FONTS
from sellersync.core.services import create_company
from sellersync.stock.choices import PickingKind
from sellersync.stock.models import Picking
from tests.amazon.fixtures import Sandbox, make_account
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with

urlpatterns = root_urls_with("dashboard", "dashboard/", "sellersync.dashboard.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]
CJK_FONT_FILE = DEFAULT_CJK_FONTS[0][0]

# sellersync's words on each page (never Django's own): fieldsets, field labels, menu, report headings
EXPECTED = {
    "zh-hans": {
        "account": ["凭据", "订单追踪", "库存与产品"],
        "sales order": ["客户参考", "交货状态"],
        "delivery": ["追踪参考", "承运商"],
        "dashboard": ["销售报告", "每个订单的利润（扣除退款和亚马逊费用）"],
    },
    "es": {
        "account": ["Credenciales", "Seguimiento de pedidos", "Existencias y productos"],
        "sales order": ["Referencia del cliente", "Estado de entrega"],
        "delivery": ["Referencia de seguimiento", "Transportista"],
        "dashboard": ["Reportes de venta", "Margen por pedido, neto de reembolsos y tarifas de Amazon"],
    },
}


@pytest.fixture
def pages(sandbox: Sandbox) -> dict[str, str]:
    """The four pages, on demo-like data: an NA seller's orders synchronized from the sandbox."""
    company = create_company("Demo Store", Currency.objects.get(code="USD"), "US")
    account = make_account(sandbox, company, "NA")
    sync_orders(account)
    delivery = Picking.objects.filter(kind=PickingKind.OUTGOING, sales_order__isnull=False).first()
    assert delivery is not None and delivery.sales_order is not None
    return {
        "account": reverse("admin:amazon_amazonaccount_change", args=[account.pk]),
        "sales order": reverse("admin:sales_salesorder_change", args=[delivery.sales_order.pk]),
        "delivery": reverse("admin:stock_picking_change", args=[delivery.pk]),
        "dashboard": reverse("dashboard:index"),
    }


def page_texts(page: Any, base_url: str, pages: dict[str, str]) -> dict[str, str]:
    texts = {}
    for name, url in pages.items():
        page.goto(base_url + url)
        texts[name] = page.locator("body").inner_text()
    return texts


def missing_words(texts: dict[str, str], language: str) -> list[str]:
    return [
        f"{name}: {word}"
        for name, words in EXPECTED[language].items()
        for word in words
        if word not in texts[name]
    ]


def switch_to(page: Any, language_name: str, language_code: str) -> None:
    page.locator("#language-switcher").get_by_role("button", name=language_name).click()
    page.wait_for_selector(f"html[lang='{language_code}']")


def fonts_drawing(page: Any, selector: str) -> dict[str, int]:
    """Font family -> glyphs drawn, for the text of the element, as chromium reports it (DevTools CSS)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_switching_to_chinese_and_spanish_translates_sellersync_and_follows_the_user(
    live_server: Any, pages: dict[str, str], browser: Any
) -> None:
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    # given a seller whose browser speaks English
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(60_000)
    login(page, live_server)
    english = page_texts(page, live_server.url, pages)

    # when they choose 简体中文 in the top bar, then Español
    switch_to(page, "简体中文", "zh-hans")
    chinese = page_texts(page, live_server.url, pages)
    switch_to(page, "Español", "es")
    spanish = page_texts(page, live_server.url, pages)

    # and come back another day in a new browser (no cookie, English Accept-Language)
    page.context.close()
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(60_000)
    login(page, live_server)
    page.goto(live_server.url + pages["account"])
    later = page.locator("body").inner_text()
    later_language = page.locator("html").get_attribute("lang")

    # then every page shows sellersync's own words in the chosen language, and English words before
    assert missing_words(chinese, "zh-hans") == []
    assert missing_words(spanish, "es") == []
    assert "Credentials" in english["account"] and "Credentials" not in chinese["account"]
    assert "Tracking reference" in english["delivery"] and "Tracking reference" not in spanish["delivery"]
    # and the last choice is the user's, in any browser
    assert UserPreference.objects.get(user=user).language == "es"
    assert later_language == "es" and "Credenciales" in later


def test_a_chinese_page_is_drawn_with_a_cjk_font_not_boxes(
    live_server: Any, tmp_path: Path, browser: Any
) -> None:
    if not Path(CJK_FONT_FILE).is_file():
        if os.environ.get("CI"):
            pytest.fail("fonts-noto-cjk is missing: .ci/run installs it")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk): Chinese pages show boxes")
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    UserPreference.objects.create(user=user, language="zh-hans")
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(60_000)
    login(page, live_server)
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist"))
    menu_text = page.locator("#menu-sales-reporting").inner_text()
    fonts = fonts_drawing(page, "#menu-sales-reporting")
    screenshot = tmp_path / "sales-orders-zh.png"
    page.screenshot(path=str(screenshot), full_page=True)

    # then the menu entry is in Chinese and all four of its glyphs come from a CJK font
    assert menu_text == "销售报告"
    assert {family: count for family, count in fonts.items() if "CJK" in family} == {"Noto Sans CJK SC": 4}
    assert screenshot.stat().st_size > 10_000
