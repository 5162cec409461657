"""Database backends of the portal (docs/performance.md, "Levers used")."""
