"""Pure rules and value types: no I/O, no clock reads, no store, no UI."""
