DROP TABLE stats_handover_yearly;
DROP TABLE stats_handover_monthly;
DROP TABLE stats_handover_daily;
