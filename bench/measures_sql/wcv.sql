-- WCV and its age bands (age on 31 December): children enrolled over the year (one membership
-- begun by the 45-day gap and not ended by the period's end), in the numerator with a completed
-- well-child visit in the period. The children with such a visit are one hashed set, read once;
-- one pass over the children gives every band and the total (GROUPING SETS).
SELECT coalesce(band, 'wcv'), count(*) FILTER (WHERE met), count(*), NULL
FROM (
    SELECT CASE
               WHEN c.date_of_birth >= make_date(extract(year FROM %(end)s::date)::int - 11, 1, 1)
                   THEN 'wcv_3_11'
               WHEN c.date_of_birth >= make_date(extract(year FROM %(end)s::date)::int - 17, 1, 1)
                   THEN 'wcv_12_17'
               ELSE 'wcv_18_21'
           END AS band,
           c.id IN (
               SELECT v.child_id
               FROM visits_visit v
               WHERE v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s
                 AND v.kind IN ('well_child', 'group') AND v.status = 'completed'
                 AND v.modality IN ('in_person', 'video')
           ) AS met
    FROM families_child c
    WHERE c.practice_id = ANY(%(practices)s)
      AND c.date_of_birth BETWEEN make_date(extract(year FROM %(end)s::date)::int - 21, 1, 1)
                              AND make_date(extract(year FROM %(end)s::date)::int - 3, 12, 31)
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = c.id AND m.starts_on <= %(wcv_joined_by)s
            AND (m.ends_on IS NULL OR m.ends_on > %(end)s)
      )
) AS units
GROUP BY GROUPING SETS ((band), ())
