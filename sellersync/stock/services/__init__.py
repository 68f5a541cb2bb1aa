"""Stock services, split by topic; import them from here (`from sellersync.stock import services`).

- setup: standard locations, default warehouse, the Amazon location, carriers
- deliveries: deliveries of sales orders, validate (with backorders) and cancel pickings
- inventory: done moves (FBA sales), transfers, inventory adjustments, replenishment
- returns: customer returns (into a location at once, or an incoming return to receive)
"""

from sellersync.stock.services._common import (
    ALLOWED_TRANSITIONS,
    DeliveryLine,
    InvalidQuantity,
    NothingToDeliver,
    TransferLine,
    ValidationResult,
)
from sellersync.stock.services.deliveries import (
    cancel_order_with_deliveries,
    cancel_picking,
    close_deliveries_shipped_outside,
    create_delivery_for_new_order,
    create_delivery_for_order,
    validate_picking,
)
from sellersync.stock.services.inventory import (
    adjust_inventory,
    create_transfer,
    propose_replenishment,
    record_done_moves,
    record_moves_of_delivered_order,
    record_order_shipped,
)
from sellersync.stock.services.returns import (
    create_return_receipt,
    get_or_create_damaged_location,
    record_customer_return,
    returned_quantities,
)
from sellersync.stock.services.setup import (
    AMAZON_LOCATION_CODE,
    SELF_DELIVERY_CARRIER_NAME,
    find_carrier,
    get_or_create_amazon_location,
    get_self_delivery_carrier,
    setup_company_stock,
    standard_location,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "AMAZON_LOCATION_CODE",
    "SELF_DELIVERY_CARRIER_NAME",
    "DeliveryLine",
    "InvalidQuantity",
    "NothingToDeliver",
    "TransferLine",
    "ValidationResult",
    "adjust_inventory",
    "cancel_order_with_deliveries",
    "cancel_picking",
    "close_deliveries_shipped_outside",
    "create_delivery_for_new_order",
    "create_delivery_for_order",
    "create_return_receipt",
    "create_transfer",
    "find_carrier",
    "get_or_create_amazon_location",
    "get_or_create_damaged_location",
    "get_self_delivery_carrier",
    "propose_replenishment",
    "record_done_moves",
    "record_moves_of_delivered_order",
    "record_customer_return",
    "record_order_shipped",
    "returned_quantities",
    "setup_company_stock",
    "standard_location",
    "validate_picking",
]
