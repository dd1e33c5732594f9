-- Every label of the week's relevant documents that the digest shows beside an item.
SELECT DISTINCT doc_id, dimension, label, score
FROM v_signals
WHERE week = $week
  AND dimension IN ('values', 'policy_options', 'legal_frameworks', 'kind')
ORDER BY doc_id, dimension, score DESC, label;
