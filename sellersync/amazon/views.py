"""Pages of the Amazon connector outside the model admin: the "Link with Amazon" authorization flow
(Amazon's website authorization workflow) and the per-user developer mode switch.

Link with Amazon: the account's button redirects to Seller Central's consent page with a signed `state`
(account id + a nonce kept in the session, valid 10 minutes); Amazon sends the seller back to
`oauth_callback` with `spapi_oauth_code`, `state` and `selling_partner_id`; the callback checks the state and
lets `linking.link_account` exchange the code for the refresh token and read the seller's marketplaces.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sellersync.amazon import linking
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import UserPreference
from sellersync.core.scoping import scope

#: Linking changes an account; developer mode shows the accounts' technical fields and sync buttons.
CHANGE_ACCOUNT = "amazon.change_amazonaccount"
STATE_SALT = "sellersync.amazon.oauth-state"
STATE_MAX_AGE_SECONDS = 600
SESSION_NONCE_KEY = "amazon_oauth_nonce"


def callback_url(request: HttpRequest) -> str:
    """The redirect URI registered with the application (SPAPI_REDIRECT_URL), else this server's callback."""
    configured = str(settings.SPAPI_REDIRECT_URL or "")
    return configured or request.build_absolute_uri(reverse("amazon:oauth-callback"))


def consent_url(request: HttpRequest, account: AmazonAccount) -> str:
    """The consent page URL for this account, with a fresh signed state remembered in the session."""
    nonce = secrets.token_urlsafe(16)
    request.session[SESSION_NONCE_KEY] = nonce
    state = signing.dumps({"account": account.pk, "nonce": nonce}, salt=STATE_SALT)
    return linking.consent_url(account, state=state, redirect_uri=callback_url(request))


def _account_from_state(request: HttpRequest, state: str) -> AmazonAccount | None:
    """The account the state was issued for, if it is authentic, fresh and issued to this session."""
    try:
        value = signing.loads(state, salt=STATE_SALT, max_age=STATE_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    expected_nonce = request.session.get(SESSION_NONCE_KEY)
    if not expected_nonce or not secrets.compare_digest(str(value.get("nonce", "")), str(expected_nonce)):
        return None
    return scope(AmazonAccount.objects.filter(pk=value.get("account")), request.user).first()


@require_GET
@staff_member_required
@permission_required(CHANGE_ACCOUNT, raise_exception=True)
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """Where Amazon sends the seller back after consent: checks the state, then links the account."""
    account = _account_from_state(request, request.GET.get("state", ""))
    code = request.GET.get("spapi_oauth_code", "")
    selling_partner_id = request.GET.get("selling_partner_id", "")
    if account is None or not code or not selling_partner_id:
        return HttpResponseBadRequest(
            _("Invalid or expired authorization request. Start again from the account.")
        )
    request.session.pop(SESSION_NONCE_KEY, None)
    try:
        marketplaces = linking.link_account(
            account, code=code, selling_partner_id=selling_partner_id, redirect_uri=callback_url(request)
        )
    except linking.LinkRefused as error:
        messages.error(request, _("The account was not linked: %(reason)s") % {"reason": error})
    except Exception as error:  # noqa: BLE001 - any refusal is shown to the user, the account stays as it was
        messages.error(request, _("Amazon refused the link: %(error)s") % {"error": error})
    else:
        synchronized = ", ".join(m.name for m in marketplaces if m.is_synchronized) or _("none")
        messages.success(
            request,
            _("The account is linked with Amazon seller %(seller)s. Synchronized marketplaces: %(names)s.")
            % {"seller": selling_partner_id, "names": synchronized},
        )
    return redirect("admin:amazon_amazonaccount_change", account.pk)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if allowed else reverse("admin:index")


@require_POST
@staff_member_required
@permission_required(CHANGE_ACCOUNT, raise_exception=True)
def toggle_developer_mode(request: HttpRequest) -> HttpResponse:
    """Switches the user's developer mode on or off, then goes back to the page they were on."""
    preference, _created = UserPreference.objects.get_or_create(user=request.user)
    preference.developer_mode = not preference.developer_mode
    preference.save(update_fields=["developer_mode"])
    if preference.developer_mode:
        messages.info(request, _("Developer mode is on."))
    else:
        messages.info(request, _("Developer mode is off."))
    return HttpResponseRedirect(_safe_next(request))
