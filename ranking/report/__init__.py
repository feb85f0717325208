"""Report data and the documents' contexts: what both documents draw on (`data`), the rows and header they share
(`rows`), one module per document (`leaderboard`, `company`), the content pages (`content`), data quality
(`quality`), the labels (`i18n`) and the generated reference of the contexts (`reference`)."""
