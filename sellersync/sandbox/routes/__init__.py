"""One module per SP-API section; each exposes `OPERATIONS` (SP-API routes) or `routes(sandbox)` (plain)."""
