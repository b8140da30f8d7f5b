-- Referrals sent in the period up to the cut-off (31 October for a calendar year), not entered
-- in error, of a child on the panel on the (local) day sent; each rate: now in that state,
-- reached by the period's end (completed: with an outcome). ref_closed's median days to close
-- over its numerator, in the same pass.
WITH sent AS (
    SELECT r.status, r.outcome, r.closed_at, r.closed_at - r.requested_at AS took
    FROM referrals_referral r
    WHERE r.practice_id = ANY(%(practices)s)
      AND r.requested_at >= %(start_at)s AND r.requested_at < %(ref_sent_before)s
      AND r.status <> 'entered_in_error'
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = r.child_id
            AND m.starts_on <= (r.requested_at AT TIME ZONE %(tz)s)::date
            AND (m.ends_on IS NULL OR m.ends_on > (r.requested_at AT TIME ZONE %(tz)s)::date)
      )
),
figures AS (
    SELECT count(*) AS units,
           count(*) FILTER (WHERE status = 'completed' AND outcome <> '' AND closed_at < %(end_at)s)
               AS closed,
           count(*) FILTER (WHERE status = 'rejected' AND closed_at < %(end_at)s) AS rejected,
           count(*) FILTER (WHERE status = 'failed' AND closed_at < %(end_at)s) AS failed,
           count(*) FILTER (WHERE status = 'cancelled' AND closed_at < %(end_at)s) AS cancelled,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took) / 86400)
               FILTER (WHERE status = 'completed' AND outcome <> '' AND closed_at < %(end_at)s)
               AS median
    FROM sent
)
SELECT measure, numerator, units, days
FROM figures, LATERAL (VALUES
    ('ref_closed', closed, median), ('ref_rejected', rejected, NULL),
    ('ref_failed', failed, NULL), ('ref_cancelled', cancelled, NULL)
) AS each(measure, numerator, days)
