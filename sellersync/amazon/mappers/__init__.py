"""Pure functions from SP-API payload models to domain dataclasses: no ORM, no I/O."""
