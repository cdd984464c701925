"""The store: engine, tables, migrations and dialect-specific queries. Never imports Textual."""
