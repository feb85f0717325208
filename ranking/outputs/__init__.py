"""Writing a run: the contract's tables (`tables`), `ranking.xlsx` (`workbook`), the manifest (`manifest`) and the
output folder that appears whole or not at all (`staging`)."""
