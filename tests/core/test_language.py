"""The back office's language: the browser's by default, else the one the user chose in the top bar, kept in
their preference (so it follows them to another browser), through Django's set_language."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from sellersync.core.models import UserPreference

pytestmark = pytest.mark.django_db
PASSWORD = "language-test-password"
SALES_ORDERS = reverse("admin:sales_salesorder_changelist")


@pytest.fixture
def boss() -> AbstractUser:
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


def logged_in(user: AbstractUser, **headers: str) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


def test_without_a_choice_the_browser_language_is_used(boss: AbstractUser) -> None:
    page = logged_in(boss, accept_language="es-ES,es;q=0.9").get(SALES_ORDERS)

    assert page.status_code == 200
    assert page["Content-Language"] == "es"
    assert "Órdenes de venta" in page.content.decode()  # sellersync's verbose_name_plural, in Spanish


def test_the_switcher_keeps_the_choice_in_the_users_preference(boss: AbstractUser) -> None:
    # given a user whose browser asks for Spanish
    client = logged_in(boss, accept_language="es")

    # when they choose 简体中文 in the top bar
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": SALES_ORDERS})

    # then they are back on the page, and the preference says Chinese
    assert response.status_code == 302 and response["Location"] == SALES_ORDERS
    assert UserPreference.objects.get(user=boss).language == "zh-hans"
    # and in another browser (no cookie, Spanish Accept-Language) the back office is in Chinese
    page = logged_in(boss, accept_language="es").get(SALES_ORDERS)
    assert page["Content-Language"] == "zh-hans"
    assert "销售订单" in page.content.decode()


def test_the_switcher_shows_each_language_in_its_own_name(boss: AbstractUser) -> None:
    page = logged_in(boss).get(reverse("admin:index")).content.decode()

    assert 'id="language-switcher"' in page
    for code, name in (("en", "English"), ("zh-hans", "简体中文"), ("es", "Español")):
        assert f'value="{code}" lang="{code}"' in page and f">{name}</button>" in page


def test_a_language_that_is_not_offered_is_not_kept(boss: AbstractUser) -> None:
    client = logged_in(boss)

    client.post(reverse("set_language"), {"language": "fr", "next": SALES_ORDERS})

    assert not UserPreference.objects.filter(user=boss).exclude(language="").exists()


def test_an_anonymous_visitor_can_switch_without_a_preference() -> None:
    response = Client().post(reverse("set_language"), {"language": "es", "next": "/admin/login/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    assert UserPreference.objects.count() == 0


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "es_MX:es", "LANG": "en_US.UTF-8"}, "es"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_console_commands_speak_the_shells_language(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    from django.utils import translation

    from sellersync.cli import _speak_the_shells_language

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with translation.override("en"):
        _speak_the_shells_language()
        assert translation.get_language() == expected
