-- Social-needs screening: children on the panel on the period's last day with a completed visit
-- of any kind in the period; in each domain's numerator when screened (a scored screen of an
-- instrument covering the domain, with a result) from the period's start to 30 days before its
-- end. The screens are read once, grouped by child.
WITH screened AS (
    SELECT a.child_id,
           bool_or(a.instrument_key = ANY(%(food_instruments)s)) AS food,
           bool_or(a.instrument_key = ANY(%(housing_instruments)s)) AS housing,
           bool_or(a.instrument_key = ANY(%(transport_instruments)s)) AS transport
    FROM screening_administration a
    WHERE a.status = 'scored' AND a.positive IS NOT NULL
      AND a.administered_on BETWEEN %(start)s AND %(sns_last)s
      AND (a.instrument_key = ANY(%(food_instruments)s)
           OR a.instrument_key = ANY(%(housing_instruments)s)
           OR a.instrument_key = ANY(%(transport_instruments)s))
    GROUP BY a.child_id
),
figures AS (
    SELECT count(*) AS units,
           count(*) FILTER (WHERE s.food) AS food,
           count(*) FILTER (WHERE s.housing) AS housing,
           count(*) FILTER (WHERE s.transport) AS transport
    FROM families_child c
    LEFT JOIN screened s ON s.child_id = c.id
    WHERE c.practice_id = ANY(%(practices)s)
      AND c.id IN (
          SELECT v.child_id FROM visits_visit v
          WHERE v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s
            AND v.status = 'completed'
      )
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = c.id AND m.starts_on <= %(end)s
            AND (m.ends_on IS NULL OR m.ends_on > %(end)s)
      )
)
SELECT measure, numerator, units, NULL
FROM figures, LATERAL (VALUES
    ('sns_food_screen', food), ('sns_housing_screen', housing),
    ('sns_transport_screen', transport)
) AS each(measure, numerator)
