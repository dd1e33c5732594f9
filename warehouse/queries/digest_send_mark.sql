-- Record a send's new status; 'sending' is written before the SMTP transaction, 'sent' after.
INSERT INTO digest_sends (week, address, message_id, status, attempts, error, updated_at)
VALUES ($week, $address, $message_id, $status, $attempts, $error, $updated_at)
ON CONFLICT (week, address) DO UPDATE SET
    message_id = excluded.message_id,
    status = excluded.status,
    attempts = excluded.attempts,
    error = excluded.error,
    updated_at = excluded.updated_at;
