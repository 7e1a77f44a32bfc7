DROP TABLE plan_targets;
DROP TABLE plans;
DROP TABLE calendar_days;
DROP TABLE users;
DROP TABLE procedure_steps;
DROP TABLE procedure_documents;
DROP TABLE procedures;
DROP TABLE agencies;
