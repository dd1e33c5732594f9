SELECT strftime(max(published_at), '%G-W%V') AS week FROM documents
WHERE relevant AND published_at <= $now HAVING week IS NOT NULL;
