DROP TABLE oversight_alerts;
DROP TABLE oversight_alert_rules;
