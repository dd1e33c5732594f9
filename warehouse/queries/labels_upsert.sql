-- Record an analyst's decision on one label of one document; a later decision replaces it.
INSERT OR REPLACE INTO labels (doc_id, dimension, label, action, analyst, note, labelled_at)
VALUES ($doc_id, $dimension, $label, $action, $analyst, $note, $labelled_at);
