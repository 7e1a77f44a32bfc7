DROP INDEX dossiers_receiving_submitted;
DROP INDEX dossier_events_action_at;
