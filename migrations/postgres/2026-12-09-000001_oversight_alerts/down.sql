DELETE FROM notifications WHERE channel = 'staff';
ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms'));
DROP TABLE oversight_alerts;
DROP TABLE oversight_alert_rules;
