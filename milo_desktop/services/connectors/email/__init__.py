"""Email: the SMTP connector for outreach (smtp.py); the mailbox (IMAP) comes next."""
