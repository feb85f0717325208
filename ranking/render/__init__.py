"""Rendering: the Jinja environment (`environment`), WeasyPrint and its URL fetcher (`pdf`), and the pool of
worker processes that writes a run's PDFs (`pool`)."""
