"""Results -> text, CSV, XLSX, HTML and PDF."""
