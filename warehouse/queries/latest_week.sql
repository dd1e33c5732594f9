SELECT strftime(max(published_at), '%G-W%V') AS week FROM documents WHERE relevant HAVING week IS NOT NULL;
