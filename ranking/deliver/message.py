"""The monthly message: recipients read from companies.csv and checked, and one e-mail per recipient built from
templates/email/ (plain text and HTML, in the run's language) with the company report and the leaderboard attached.

Headers hold only the project's own text (the report title, the month, the publisher) and checked addresses:
company and people's names stay in the body, where the templates escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate

from ranking.deliver.ledger import Key
from ranking.load.contacts import Recipient
from ranking.period import Period
from ranking.render.environment import render
from ranking.report.i18n import Translator
from ranking.settings import Settings

#: Every part 7-bit (quoted-printable or base64): no reliance on the server's 8BITMIME.
POLICY = SMTP_POLICY.clone(cte_type="7bit")


@dataclass(frozen=True)
class EmailContext:
    """Everything templates/email/message.{txt,html} show."""

    lang: str
    title: str
    publisher: str
    year: int
    month: int
    company_name: str
    recipient_name: str | None
    company_file: str
    leaderboard_file: str


def make_message_id(key: Key, sender: str) -> str:
    return f"<{key.id[:40]}.ranking@{sender.rsplit('@', 1)[1]}>"


def build_message(
    recipient: Recipient,
    files: list[tuple[str, bytes]],
    settings: Settings,
    sender: str,
    message_id: str,
    period: Period,
    lang: str,
) -> EmailMessage:
    """The message of one recipient. Headers hold only the project's own text and addresses: the company's
    and the recipient's names stay in the body (third-party text never reaches a header)."""
    t = Translator(lang)
    context = EmailContext(
        lang,
        settings.report.title.get(lang),
        settings.report.publisher.get(lang),
        period.year,
        period.month,
        recipient.company_name,
        recipient.name,
        files[0][0],
        files[1][0],
    )
    message = EmailMessage(policy=POLICY)
    subject = t("email.subject", title=settings.report.title.get(lang), month=t.month(period.year, period.month))
    # Encoded here, whole, as RFC 2047 words: the email package's own folding can emit an empty encoded word.
    message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n"))
    message.set_raw("From", formataddr((settings.report.publisher.get(lang), sender), charset="utf-8"))
    message["To"] = Address(addr_spec=recipient.address)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a monthly mailing
    message.set_content(render("email/message.txt", context, lang))
    message.add_alternative(render("email/message.html", context, lang), subtype="html")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message
