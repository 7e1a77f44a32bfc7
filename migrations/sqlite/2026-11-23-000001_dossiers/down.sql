DROP TABLE lookup_failures;
DROP TABLE dossier_consultations;
DROP TABLE dossier_ratings;
DROP TABLE dossier_files;
DROP TABLE dossier_sequences;
DROP TABLE dossier_events;
DROP TABLE dossier_applicants;
DROP TABLE dossiers;
