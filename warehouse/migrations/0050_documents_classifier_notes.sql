-- A text too long to classify whole (a parliamentary PDF, a feed that inlines a report) is
-- classified on its start; record how much of it the labels rest on.
ALTER TABLE documents ADD COLUMN read_chars INTEGER;
COMMENT ON COLUMN documents.read_chars IS 'Characters of title + newline + text the classifier read when the item was too long to read whole (its labels rest on that start); NULL when it read everything';
