"""Login with Amazon: the token endpoint and the website authorization (consent) page."""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sellersync.sandbox.records import Seller
from sellersync.sandbox.service import Sandbox


def _lwa_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    """application/x-www-form-urlencoded, parsed with the stdlib (no multipart dependency needed)."""
    return dict(parse_qsl((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True))


def _token_reply(sandbox: Sandbox, seller: Seller) -> JSONResponse:
    return JSONResponse(
        {
            "access_token": sandbox.issue_access_token(seller.seller_id),
            "token_type": "bearer",  # nosec B105  # OAuth's token type, not a secret
            "expires_in": 3600,
            "refresh_token": seller.refresh_token,
        }
    )


def routes(sandbox: Sandbox) -> list[Route]:
    async def token(request: Request) -> Response:
        values = await _form(request)
        sellers = sandbox.sellers()
        client = next((seller for seller in sellers if seller.client_id == values.get("client_id")), None)
        if client is None or client.client_secret != values.get("client_secret"):
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        grant_type = values.get("grant_type")
        if grant_type == "refresh_token":
            seller = next((s for s in sellers if s.refresh_token == values.get("refresh_token")), None)
            if seller is None:
                return _lwa_error(
                    400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
                )
        elif grant_type == "authorization_code":
            redeemed = sandbox.redeem_auth_code(values.get("code", ""))
            if redeemed is None:
                return _lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : code")
            seller = redeemed
        else:
            return _lwa_error(400, "unsupported_grant_type", "The authorization grant type is not supported")
        sandbox.remember_clock()
        return _token_reply(sandbox, seller)

    async def consent(request: Request) -> Response:
        params = request.query_params
        options = "".join(
            f'<option value="{html.escape(s.seller_id)}">{html.escape(s.name)} ({s.region})</option>'
            for s in sandbox.sellers()
        )
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
            for name in ("application_id", "state", "redirect_uri")
        )
        page = (
            "<!doctype html><html><head><title>Authorize application - SP-API sandbox</title></head><body>"
            "<h1>Authorize application</h1>"
            f"<p>Application <code>{html.escape(params.get('application_id', ''))}</code> asks for access to "
            "your Selling Partner account.</p>"
            f'<form method="post" action="/apps/authorize/confirm">{hidden}'
            f'<label>Seller account <select name="selling_partner_id">{options}</select></label> '
            '<button type="submit">Authorize</button></form></body></html>'
        )
        return HTMLResponse(page)

    async def confirm(request: Request) -> Response:
        form = await _form(request)
        seller = sandbox.seller(form.get("selling_partner_id", ""))
        redirect_uri = form.get("redirect_uri", "")
        if seller is None or not redirect_uri.startswith(("http://", "https://")):
            return HTMLResponse("<p>Unknown seller or invalid redirect_uri.</p>", status_code=400)
        query = urlencode(
            {
                "spapi_oauth_code": sandbox.issue_auth_code(seller.seller_id),
                "state": form.get("state", ""),
                "selling_partner_id": seller.seller_id,
            }
        )
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)

    return [
        Route("/auth/o2/token", token, methods=["POST"]),
        Route("/apps/authorize/consent", consent, methods=["GET"]),
        Route("/apps/authorize/confirm", confirm, methods=["POST"]),
    ]
