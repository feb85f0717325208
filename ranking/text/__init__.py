"""Text that every layer shares and that imports nothing of ranking: folded text and keyword patterns
(`keywords`), keyword alternations small enough to compile (`patterns`), third-party text made safe for a
terminal or a document (`safe`)."""
