DROP TABLE off_system_counts;
DROP TABLE stats_yearly;
DROP TABLE stats_monthly;
DROP TABLE stats_daily;
