"""Case Details panes: one module per tab, each with its own keys, loader and forms."""
