-- Count probabilities for detection (docs/detection.md): a negative binomial with mean mu and
-- variance phi * mu, which is the Poisson when phi is 1. Tails are summed term by term over a
-- window wide enough (tens of standard deviations) that what lies beyond it is negligible.
CREATE OR REPLACE MACRO nb_log_pmf(k, mu, phi) AS
    CASE
        WHEN phi <= 1.000001 THEN k * ln(mu) - mu - lgamma(k + 1)
        ELSE lgamma(k + mu / (phi - 1)) - lgamma(mu / (phi - 1)) - lgamma(k + 1)
             - (mu / (phi - 1)) * ln(phi) + k * ln((phi - 1) / phi)
    END;

CREATE OR REPLACE MACRO nb_tail_terms(mu, phi) AS
    least(100000, ceil(60 + 15 * sqrt(phi * mu + 1) + 40 * phi))::BIGINT;

CREATE OR REPLACE MACRO nb_sum(lo, hi, mu, phi) AS
    coalesce(list_sum(list_transform(range(greatest(lo, 0)::BIGINT, (hi + 1)::BIGINT),
                                     lambda k: exp(nb_log_pmf(k, mu, phi)))), 0.0);

-- P(X >= x)
CREATE OR REPLACE MACRO nb_upper_tail(x, mu, phi) AS
    CASE
        WHEN x <= 0 THEN 1.0
        WHEN x > mu THEN least(1.0, nb_sum(x, x + nb_tail_terms(mu, phi), mu, phi))
        ELSE greatest(0.0, 1.0 - nb_sum(x - nb_tail_terms(mu, phi), x - 1, mu, phi))
    END;

-- P(X <= x)
CREATE OR REPLACE MACRO nb_lower_tail(x, mu, phi) AS
    CASE
        WHEN x < 0 THEN 0.0
        WHEN x < mu THEN least(1.0, nb_sum(x - nb_tail_terms(mu, phi), x, mu, phi))
        ELSE greatest(0.0, 1.0 - nb_sum(x + 1, x + 1 + nb_tail_terms(mu, phi), mu, phi))
    END;

COMMENT ON MACRO nb_log_pmf IS 'Log probability of k under a negative binomial with mean mu and variance phi * mu';
COMMENT ON MACRO nb_upper_tail IS 'P(X >= x) for a negative binomial with mean mu and variance phi * mu (Poisson when phi = 1)';
COMMENT ON MACRO nb_lower_tail IS 'P(X <= x) for a negative binomial with mean mu and variance phi * mu (Poisson when phi = 1)';
