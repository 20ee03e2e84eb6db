"""Apply via Email: the mailbox's per-interviewer addresses, its intake (IMAP), quarantine."""
