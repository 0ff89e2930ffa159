"""NLP extraction (the only place spaCy is imported): analysis cache, entities, policies."""
