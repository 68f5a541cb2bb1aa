"""Status vocabularies of the connector, one meaning per value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    NA = "NA", _("North America")  # sellingpartnerapi-na: US, CA, MX, BR
    EU = "EU", _("Europe")  # sellingpartnerapi-eu: UK, DE, FR, IT, ES, ... IN, AE, SA, EG, TR, ZA
    FE = "FE", _("Far East")  # sellingpartnerapi-fe: JP, AU, SG


class Environment(models.TextChoices):
    # Amazon's own hosts of the region (LWA, SP-API, Seller Central): the only ones a production account uses
    PRODUCTION = "production", _("Production (Amazon)")
    # the local SP-API sandbox at the URL the operator sets in SPAPI_SANDBOX_URL (the demo sets it)
    SANDBOX = "sandbox", _("Sandbox (local SP-API)")


class OrdersApi(models.TextChoices):
    V2026 = "2026-01-01", _("Orders 2026-01-01 (items embedded)")  # default: one call per page of orders
    V0 = "v0", _("Orders v0 (fallback)")  # one extra getOrderItems call per order


class UnknownSkuPolicy(models.TextChoices):
    CREATE_PRODUCT = "create", _("Create a product")  # a new product named after the Amazon title
    DEFAULT_PRODUCT = "default", _("Use the default product")  # the account's default product


class PiiAccess(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked yet")
    GRANTED = "granted", _("Granted")  # Amazon issues Restricted Data Tokens for buyer data
    REFUSED = "refused", _("Not granted")  # customers are created as "Amazon Customer"


class FulfillmentChannel(models.TextChoices):
    FBA = "AFN", _("Fulfilled by Amazon (FBA)")
    FBM = "MFN", _("Fulfilled by merchant (FBM)")


class OrderSyncState(models.TextChoices):
    SYNCED = "synced", _("Synchronized")  # the sales order reflects Amazon's latest version
    FAILED = "failed", _("Failed")  # the last attempt failed; see the error, retried with backoff
    # failed too often or too long: no automatic retry; listed until a retry or a newer version succeeds
    ATTENTION = "attention", _("Needs attention")


class SyncKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    CANCELLATIONS = "cancellations", _("Cancellations")
    PICKINGS = "pickings", _("Pickings")
    RECOVER = "recover", _("Recover order")
    RETRY = "retry", _("Retry failed orders")
    AUDIT = "audit", _("Gap audit")
    BACKFILL = "backfill", _("History import")  # one window of an order backfill (order reports)


class SyncRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")  # every order of the window is in (some may have failed alone)
    FAILED = "failed", _("Failed")  # the run stopped; the cursor did not move past what was committed


class BackfillWindowState(models.TextChoices):
    PENDING = "pending", _("Pending")  # no report requested yet
    REQUESTED = "requested", _("Report requested")  # Amazon generates it: polled again, never re-requested
    DONE = "done", _("Done")  # every order of the window applied (CANCELLED by Amazon: no order in it)
    FAILED = "failed", _("Failed")  # Amazon's FATAL or a malformed document: nothing applied; retried


class OutboundKind(models.TextChoices):
    SHIPMENT = "shipment", _("Shipment confirmation")
    CANCELLATION = "cancellation", _("Cancellation")
    INVOICE = "invoice", _("Invoice upload")
    STOCK = "stock", _("Stock level")


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Pending")  # recorded, not sent yet
    SENT = "sent", _("Sent")  # Amazon accepted the message; its processing result is awaited
    SYNCED = "synced", _("Synced with Amazon")  # Amazon processed it
    FAILED = "failed", _("Amazon sync failed")  # Amazon rejected it; see Amazon's error
