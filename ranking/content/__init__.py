"""Reading the posts: `classify` gives each post its tone (`tone`), topics (`topics`) and watched terms
(`watchlist`), with the matching of handles, links and domains in `matching` and the folded-text rules in
ranking.text."""
