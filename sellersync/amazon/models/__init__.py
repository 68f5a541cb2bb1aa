"""The connector's models: the backend (AmazonAccount), its marketplaces and offers, the bindings between
Amazon ids and local records, sync runs, and the messages sent to Amazon."""

from sellersync.amazon.models.accounts import AmazonAccount, AmazonMarketplace, AmazonOffer
from sellersync.amazon.models.audits import OrderAudit
from sellersync.amazon.models.backfills import BackfillWindow, OrderBackfill
from sellersync.amazon.models.bindings import AmazonOrder, AmazonOrderEvent
from sellersync.amazon.models.inventory import FbaInventoryLevel
from sellersync.amazon.models.refunds import AmazonRefund, AmazonRefundCursor
from sellersync.amazon.models.returns import AmazonReturn, ReturnsReportCursor
from sellersync.amazon.models.runs import OutboundMessage, SyncRun
from sellersync.amazon.models.settlements import AmazonSettlement, AmazonSettlementLine

__all__ = [
    "AmazonAccount",
    "AmazonMarketplace",
    "AmazonOffer",
    "AmazonOrder",
    "AmazonOrderEvent",
    "AmazonRefund",
    "AmazonRefundCursor",
    "AmazonReturn",
    "AmazonSettlement",
    "AmazonSettlementLine",
    "BackfillWindow",
    "FbaInventoryLevel",
    "OrderAudit",
    "OrderBackfill",
    "OutboundMessage",
    "ReturnsReportCursor",
    "SyncRun",
]
