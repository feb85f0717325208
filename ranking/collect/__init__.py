"""Collecting the roster's posts from a scraping service: what to ask it for (`targets`)."""
