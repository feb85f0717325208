"""Delivery: the monthly message (`message`), SMTP with retries (`mailer`), the ledger that keeps anyone from being
mailed twice (`ledger`), and `ranking send` itself (`send`)."""
