"""The back office speaks the language the user chose, wherever they log in; else the browser's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from sellersync.core.selectors import saved_language


class UserLanguageMiddleware:
    """Activates the language saved in the user's preference (after LocaleMiddleware, which picked the
    language cookie or the browser's Accept-Language, and after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = saved_language(request.user) if request.user.is_authenticated else ""
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
