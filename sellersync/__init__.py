"""sellersync: keeps an Amazon seller's books in step with Amazon through the Selling Partner API."""

__version__ = "0.1.0"
