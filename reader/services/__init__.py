"""The typed services `Library` owns: articles, search, indexing, entities, policies, notes.

Each service has a read side (never writes the user's store) and a write side (every write
returns a `reader.domain.Changes`); only `IndexingService` brings derived data up to date.
"""
