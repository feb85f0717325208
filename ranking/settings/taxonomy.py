"""The default topics of pharma leadership posts, in French and English (used when ranking.toml has no [topics]).

Keywords are matched ignoring case and accents, on word boundaries; a `*` ends a word with any ending
(`vaccin*`: vaccin, vaccins, vaccine, vaccination). Several words match with any spacing between them.
"""

from __future__ import annotations

DEFAULT_TOPICS: dict[str, tuple[str, ...]] = {
    "covid": (
        "covid*", "sars-cov-2", "coronavirus", "pandemi*", "pandémi*", "vaccin*", "confinement*", "lockdown*",
        "pass sanitaire", "health pass", "gestes barrières",
    ),
    "health_sovereignty": (
        "souveraineté*", "sovereignty", "relocalis*", "reshoring", "autonomie stratégique", "strategic autonomy",
        "pénurie*", "shortage*", "indépendance sanitaire", "made in france", "made in europe",
    ),
    "digital_transformation": (
        "numérique*", "digital*", "transformation digitale", "intelligence artificielle", "artificial intelligence",
        "ia", "machine learning", "data", "données de santé", "health data", "e-santé", "e-health",
        "télémédecine", "telemedicine", "télésanté", "telehealth",
    ),
    "rnd_innovation": (
        "r&d", "recherche*", "research*", "innov*", "essai* clinique*", "clinical trial*", "biotech*", "découverte*",
        "discovery", "molécule*", "molecule*", "brevet*", "patent*", "pipeline*", "thérapie* génique*",
        "gene therap*",
    ),
    "patients": (
        "patient*", "association* de patients", "malade*", "parcours de soin*", "accès aux traitements",
        "access to medicine*", "qualité de vie", "quality of life", "aidant*", "caregiver*", "maladie* rare*",
        "rare disease*",
    ),
    "talent_diversity": (
        "talent*", "diversit*", "inclusi*", "parité", "égalité femmes-hommes", "gender equality", "recrut*",
        "recruit*", "hiring", "embauche*", "alternan*", "apprenti*", "mentor*", "handicap*", "women in",
    ),
    "csr_environment": (
        "rse", "csr", "esg", "environnement*", "environment*", "climat*", "climate", "carbone", "carbon",
        "décarbon*", "decarboni*", "net zero", "neutralité carbone", "durable*", "sustainab*", "biodiversit*",
        "recycl*", "développement durable", "écolog*", "ecolog*",
    ),
    "manufacturing": (
        "production*", "produire", "usine*", "site* de production", "manufactur*", "supply chain",
        "chaîne d'approvisionnement", "approvisionnement*", "industriel*", "industrial*", "fabrication",
        "fabriqu*", "bioproduction", "principe* actif*", "active ingredient*",
    ),
}  # fmt: skip
