"""Rules: one module per rule, each a small class reading the typed model."""
