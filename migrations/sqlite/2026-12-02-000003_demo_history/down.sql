DROP TABLE demo_history;
