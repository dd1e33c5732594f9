-- Queue a document ($doc_id) for classification again: the next `gaimon classify` relabels it.
UPDATE documents SET model_version = NULL WHERE doc_id = $doc_id
