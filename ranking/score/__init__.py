"""Scoring: the contract's rankings of executives, teams and CEOs in both scopes and each post's influence
(`ranks`), the series, splits, best posts and movers the reports draw (`series`), and the measures beyond volume,
declared once (`catalogue`) and computed (`measures`)."""
