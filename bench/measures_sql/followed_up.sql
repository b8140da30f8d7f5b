-- Positive screens found from the period's start to psf_days before its end, of a child on the
-- panel on the day found; in the numerator when followed up within psf_days. One pass, grouped
-- by kind; each psf_<kind> is one kind, psf all of them.
WITH screens AS (
    SELECT p.kind,
           p.outcome = 'followed_up' AND p.followed_up_on IS NOT NULL
               AND p.followed_up_on <= p.found_on + %(psf_days)s AS met
    FROM nextsteps_positivescreen p
    WHERE p.practice_id = ANY(%(practices)s)
      AND p.found_on BETWEEN %(start)s AND %(psf_last)s
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = p.child_id AND m.starts_on <= p.found_on
            AND (m.ends_on IS NULL OR m.ends_on > p.found_on)
      )
)
SELECT 'psf_' || kind, count(*) FILTER (WHERE met), count(*), NULL FROM screens GROUP BY kind
UNION ALL
SELECT 'psf', count(*) FILTER (WHERE met), count(*), NULL FROM screens
