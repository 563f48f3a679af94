"""Reports the regulation asks for, built from the records (data first, then the file)."""
