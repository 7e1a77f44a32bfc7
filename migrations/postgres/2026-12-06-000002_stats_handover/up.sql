-- Statistics by the agency that decides (issue 13 item 5: "statistics say which agency received and
-- which decided"). The counters stay keyed by the receiving agency; a dossier received at one agency
-- for another competent one (boundary-free intake, ND 118/2025 Điều 17.3 as amended) also adds its
-- marks here, by (receiving, competent) pair. Counted at the deciding agency, a report takes the
-- receiving counters, adds these at the competent agency and takes them off the receiving one.
CREATE TABLE stats_handover_daily (
    receiving_agency TEXT NOT NULL REFERENCES agencies (code),
    competent_agency TEXT NOT NULL REFERENCES agencies (code),
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
    PRIMARY KEY (receiving_agency, competent_agency, field, day)
);
CREATE INDEX stats_handover_daily_day ON stats_handover_daily (day);
CREATE TABLE stats_handover_monthly (
    receiving_agency TEXT NOT NULL REFERENCES agencies (code),
    competent_agency TEXT NOT NULL REFERENCES agencies (code),
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
    PRIMARY KEY (receiving_agency, competent_agency, field, month)
);
CREATE INDEX stats_handover_monthly_month ON stats_handover_monthly (month);
CREATE TABLE stats_handover_yearly (
    receiving_agency TEXT NOT NULL REFERENCES agencies (code),
    competent_agency TEXT NOT NULL REFERENCES agencies (code),
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
    PRIMARY KEY (receiving_agency, competent_agency, field, year)
);
CREATE INDEX stats_handover_yearly_year ON stats_handover_yearly (year);
