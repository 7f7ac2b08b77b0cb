"""Pure rules: no Django."""
