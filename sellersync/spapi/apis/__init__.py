"""One class per SP-API section and version; one method per operation, with typed parameters."""
