-- Reading documents' identifiers (JSON): a key may hold one string or a list of them.
CREATE OR REPLACE MACRO id_list(j, key) AS
    CASE json_type(j, '$.' || key)
        WHEN 'ARRAY' THEN list_filter(
            list_transform(from_json(json_extract(j, '$.' || key), '["VARCHAR"]'), lambda x: trim(x)),
            lambda x: x IS NOT NULL AND x <> '')
        WHEN 'OBJECT' THEN []::VARCHAR[]
        WHEN 'NULL' THEN []::VARCHAR[]
        ELSE list_filter([trim(json_extract_string(j, '$.' || key))], lambda x: x IS NOT NULL AND x <> '')
    END;

-- An EU interinstitutional reference written as 2021/0106(COD), whatever the spacing or case;
-- other references trimmed.
CREATE OR REPLACE MACRO procedure_ref(ref) AS
    CASE
        WHEN regexp_matches(ref, '^\s*\d{4}\s*/\s*\d{4}\s*\(\s*[A-Za-z]{3}\s*\)\s*$')
            THEN upper(regexp_replace(ref, '\s+', '', 'g'))
        ELSE trim(ref)
    END;

-- eu for interinstitutional references, nl for Tweede Kamer zaak numbers and dossiers.
CREATE OR REPLACE MACRO procedure_jurisdiction(ref) AS
    CASE
        WHEN regexp_matches(ref, '^\d{4}/\d{4}\([A-Z]{3}\)$') THEN 'eu'
        WHEN regexp_matches(ref, '^(\d{4}Z\d{5}|\d{5}(-[A-Z0-9]+)?)$') THEN 'nl'
        ELSE 'other'
    END;

COMMENT ON MACRO id_list IS 'The values of an identifiers key as a list, whether the JSON holds one string or a list';
COMMENT ON MACRO procedure_ref IS 'An EU procedure reference normalised to 2021/0106(COD)';
COMMENT ON MACRO procedure_jurisdiction IS 'eu, nl or other, from the shape of a procedure reference';
