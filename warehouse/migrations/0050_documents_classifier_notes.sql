-- What the classifier notes about each document besides its labels: how much of a long text it
-- read, and the decision it was least sure of (`gaimon label --uncertain` lists those first, so
-- that analysts' corrections go where they teach the next model most).
ALTER TABLE documents ADD COLUMN read_chars INTEGER;
COMMENT ON COLUMN documents.read_chars IS 'Characters of title + newline + text the classifier read when the item was too long to read whole (its labels rest on that start); NULL when it read everything';
ALTER TABLE documents ADD COLUMN closest_call VARCHAR;
COMMENT ON COLUMN documents.closest_call IS 'The decision the classifier was least sure of: relevant:ai (the relevance gate) or a label such as values:privacy; NULL when an analyst decided relevance and the item is not relevant';
ALTER TABLE documents ADD COLUMN margin DOUBLE;
COMMENT ON COLUMN documents.margin IS 'Score minus threshold of closest_call: near 0 the classifier was unsure; below 0 the label (or relevance) was not given';
