-- Read side of the statistics: counters per receiving agency, field and day (and month),
-- maintained in the same transaction as every dossier change (src/domain/stats.rs).
CREATE TABLE stats_daily (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    field TEXT NOT NULL,
    day DATE NOT NULL,
    received_online BIGINT NOT NULL DEFAULT 0,
    received_direct BIGINT NOT NULL DEFAULT 0,
    received_online_level4 BIGINT NOT NULL DEFAULT 0,
    resolved_early BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    resolved_late BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    settled BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    rated_satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_code, field, day)
);
CREATE INDEX stats_daily_day ON stats_daily (day);

CREATE TABLE stats_monthly (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    field TEXT NOT NULL,
    month DATE NOT NULL,
    received_online BIGINT NOT NULL DEFAULT 0,
    received_direct BIGINT NOT NULL DEFAULT 0,
    received_online_level4 BIGINT NOT NULL DEFAULT 0,
    resolved_early BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    resolved_late BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    settled BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    rated_satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_code, field, month)
);
CREATE INDEX stats_monthly_month ON stats_monthly (month);

-- Year totals (first day of the year), so a yearly report reads a few rows per agency and field.
CREATE TABLE stats_yearly (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    field TEXT NOT NULL,
    year DATE NOT NULL,
    received_online BIGINT NOT NULL DEFAULT 0,
    received_direct BIGINT NOT NULL DEFAULT 0,
    received_online_level4 BIGINT NOT NULL DEFAULT 0,
    resolved_early BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    resolved_late BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    settled BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    rated_satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_code, field, year)
);
CREATE INDEX stats_yearly_year ON stats_yearly (year);

-- Dossiers an agency handled outside this system, entered per period (dossiers_in_system_pct).
CREATE TABLE off_system_counts (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    dossiers BIGINT NOT NULL CHECK (dossiers >= 0),
    entered_at TIMESTAMP NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (agency_code, period_start, period_end)
);
