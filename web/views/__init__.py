"""The blueprints: pages (home, themes, help), search, documents (documents, pages, PDFs, cases)."""
