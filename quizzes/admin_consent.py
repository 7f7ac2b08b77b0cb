"""Admin for consent education models (being written)."""
