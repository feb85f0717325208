"""A workspace's settings: `ranking.toml` read into frozen dataclasses (`model`), every key typed and every rule
checked (`read`, `checks`), the files and the environment they name checked (`files`); the default topics
(`taxonomy`). The names below are the package's public API."""

from ranking.settings.files import (
    PASSWORD_VARIABLE,
    check_ca_file,
    checked_sender,
    logo_file,
    sending_problems,
    smtp_password,
    smtp_with_environment,
)
from ranking.settings.model import (
    COMPANY_SECTIONS,
    LANGS,
    LOGO_SUFFIXES,
    MAX_WEIGHT,
    SMTP_SECURITY,
    SOURCE_FIELDS,
    SOURCE_KINDS,
    Compliance,
    Inputs,
    Measures,
    Report,
    Scoring,
    Settings,
    Smtp,
    Source,
    Tone,
    Topics,
    check_smtp,
)
from ranking.settings.read import build, load_settings

__all__ = [
    "COMPANY_SECTIONS",
    "LANGS",
    "LOGO_SUFFIXES",
    "MAX_WEIGHT",
    "PASSWORD_VARIABLE",
    "SMTP_SECURITY",
    "SOURCE_FIELDS",
    "SOURCE_KINDS",
    "Compliance",
    "Inputs",
    "Measures",
    "Report",
    "Scoring",
    "Settings",
    "Smtp",
    "Source",
    "Tone",
    "Topics",
    "build",
    "check_ca_file",
    "check_smtp",
    "checked_sender",
    "load_settings",
    "logo_file",
    "sending_problems",
    "smtp_password",
    "smtp_with_environment",
]
