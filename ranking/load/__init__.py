"""Loading: the workspace (settings, roster, companies, export files), each export format read into the canonical
posts table (`formats/`), the values checked, and the merge of every export's posts."""
