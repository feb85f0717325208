"""Scoring: the contract's rankings of executives, teams and CEOs in both scopes (`ranks`), and the series,
splits and best posts the reports draw (`series`)."""
