"""Synchronizers of the Amazon connector, by direction: import_orders, import_cancellations (and apply)."""
