"""Infrastructure every service stands on: the database (one writer thread, readers), the
event bus, the task registry and supervisor, keyset paging, the keychain, and the logs."""
