"""The domain layer. Services take and return plain data; they never import Qt."""
