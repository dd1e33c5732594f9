-- What happened to each subscriber's copy of a week's digest.
SELECT week, address, message_id, status, attempts, error, updated_at
FROM digest_sends
WHERE week = $week
ORDER BY address;
