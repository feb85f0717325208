"""Loading: the workspace (settings, roster, companies, export files), each export format read into the canonical
posts table (`formats/`, each module describing one format), the core every format loads through (`convert`:
a reader's frame to canonical posts; `scraped`, `flat`: scraping services' downloads; `accounting`: why a record
is skipped), the values checked, and the merge of every export's posts."""
