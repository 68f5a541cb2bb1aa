"""Link with Amazon (Amazon's website authorization workflow), the service side.

The consent page is the Seller Central of the account's marketplace (else of its region), or the sandbox's;
the application id and the redirect URI registered with the application come from the environment
(`SPAPI_APPLICATION_ID`, `SPAPI_REDIRECT_URL`); `version=beta` is added while the application is a draft
(`SPAPI_APP_IS_DRAFT`). When the seller comes back, `link_account` exchanges the code for the refresh token,
reads the seller's marketplaces with it and stores both in one transaction, or refuses and changes nothing:
- an account already bound to a seller is never moved to another seller (two accounts once ended up on one
  seller that way);
- a seller and region already linked to another account is accepted only for marketplaces that account
  does not synchronize (the seeds' "register the seller twice with disjoint marketplaces").
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sellersync.amazon.choices import Environment, PiiAccess
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace
from sellersync.amazon.services import (
    ApplicationNotConfigured,
    application_credentials,
    client_for_account,
    endpoints_for,
    participating_marketplaces,
    store_marketplaces,
)
from sellersync.spapi.auth import exchange_authorization_code
from sellersync.spapi.marketplaces import Marketplace
from sellersync.spapi.models.sellers import MarketplaceInfo


class LinkRefused(Exception):
    """The link would move the account to another seller or give it no marketplace of its own."""


def application_id(account: AmazonAccount) -> str:
    """The SP-API application id shown on the consent page: SPAPI_APPLICATION_ID (a sandbox account may
    use its LWA client id instead, which is what the local sandbox knows its application by)."""
    configured = str(settings.SPAPI_APPLICATION_ID or "")
    if configured:
        return configured
    if account.environment == Environment.SANDBOX:
        try:
            return application_credentials(account)[0]
        except ApplicationNotConfigured:
            pass
    raise LinkRefused(
        _("Set SPAPI_APPLICATION_ID (your application's id in Developer Central) to link with Amazon.")
    )


def consent_url(account: AmazonAccount, *, state: str, redirect_uri: str) -> str:
    """The consent page of the account's Seller Central, asking for this application."""
    params = {"application_id": application_id(account), "state": state, "redirect_uri": redirect_uri}
    if settings.SPAPI_APP_IS_DRAFT:
        params["version"] = "beta"
    return f"{endpoints_for(account).consent_url(_home_marketplace(account))}?{urlencode(params)}"


def _home_marketplace(account: AmazonAccount) -> Marketplace | None:
    """The account's first synchronized marketplace, when known (its Seller Central may be a local one)."""
    for marketplace_id in account.marketplaces.filter(is_synchronized=True).values_list(
        "marketplace_id", flat=True
    ):
        try:
            return Marketplace.from_id(marketplace_id)
        except ValueError:
            continue
    return None


def link_account(
    account: AmazonAccount, *, code: str, selling_partner_id: str, redirect_uri: str
) -> list[AmazonMarketplace]:
    """Finish "Link with Amazon": the refresh token and the seller's marketplaces, stored together, or
    LinkRefused (an SpApiError when Amazon refuses) with the account left as it was."""
    _refuse_another_seller(account, selling_partner_id)
    client_id, client_secret = application_credentials(account)
    refresh_token = exchange_authorization_code(
        client_id=client_id,
        client_secret=client_secret,
        code=code,
        redirect_uri=redirect_uri,
        endpoints=endpoints_for(account),
    )
    candidate = AmazonAccount.objects.get(pk=account.pk)
    candidate.refresh_token, candidate.seller_id = refresh_token, selling_partner_id
    with client_for_account(candidate) as client:
        participating = participating_marketplaces(client)
    with transaction.atomic():
        locked = AmazonAccount.objects.select_for_update().get(pk=account.pk)
        _refuse_another_seller(locked, selling_partner_id)
        _refuse_no_marketplace_of_its_own(locked, selling_partner_id, participating)
        locked.refresh_token, locked.seller_id = refresh_token, selling_partner_id
        locked.pii_access = PiiAccess.UNKNOWN
        locked.save(update_fields=["refresh_token", "seller_id", "pii_access"])
        marketplaces = store_marketplaces(locked, participating)
    account.refresh_from_db()
    return marketplaces


def _refuse_another_seller(account: AmazonAccount, selling_partner_id: str) -> None:
    if account.seller_id and account.seller_id != selling_partner_id:
        raise LinkRefused(
            _(
                "This account belongs to seller %(current)s, but seller %(other)s gave the consent. Sign in "
                "to Seller Central as %(current)s, or create a new account for %(other)s."
            )
            % {"current": account.seller_id, "other": selling_partner_id}
        )


def _refuse_no_marketplace_of_its_own(
    account: AmazonAccount, selling_partner_id: str, participating: Sequence[MarketplaceInfo]
) -> None:
    """Another account of the same seller and region may keep its marketplaces; this one needs one left."""
    others = AmazonAccount.objects.filter(seller_id=selling_partner_id, region=account.region).exclude(
        pk=account.pk
    )
    if not others.exists():
        return
    own = set(account.marketplaces.filter(is_synchronized=True).values_list("marketplace_id", flat=True))
    taken = set(
        AmazonMarketplace.objects.filter(account__in=others, is_synchronized=True).values_list(
            "marketplace_id", flat=True
        )
    )
    if any(info.id in own or info.id not in taken for info in participating):
        return
    raise LinkRefused(
        _(
            "Seller %(seller)s is already linked to %(accounts)s, which synchronizes all of its marketplaces "
            "in this region. To split them between two accounts, untick there the marketplaces this account "
            "should take, then link again."
        )
        % {"seller": selling_partner_id, "accounts": ", ".join(str(other) for other in others)}
    )
