"""The builder's forms, one module per page."""
