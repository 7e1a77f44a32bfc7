// Written by hand to match migrations/{sqlite,postgres}; portable types only (STACK-NOTES G2).
// tests/migrations.rs checks that both migration folders have the same names and produce these columns.

diesel::table! {
    agencies (code) {
        code -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        level -> Text,
        kind -> Text,
        parent_code -> Nullable<Text>,
        path -> Text,
        handles_procedures -> Bool,
        created_at -> Timestamp,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        held_by -> Nullable<Text>,
        provisional_code -> Bool,
        /// The electronic ID of the structure TT 04/2025 Điều 23 writes in nationwide codes.
        electronic_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Departments inside agencies (phòng, ban): a key once used in an agency keeps its meaning.
    departments (agency_code, key) {
        agency_code -> Text,
        key -> Text,
        name -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        held_by -> Nullable<Text>,
    }
}

diesel::table! {
    reorganisations (id) {
        id -> Text,
        effective_on -> Date,
        act -> Text,
        title -> Text,
        plan -> Text,
        loaded_at -> Timestamp,
        loaded_by -> Nullable<Text>,
        applied_at -> Nullable<Timestamp>,
        report -> Nullable<Text>,
        failure -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agency_changes (id) {
        id -> Text,
        agency_code -> Text,
        action -> Text,
        detail -> Text,
        at -> Timestamp,
        by_user -> Text,
        reorganisation_id -> Nullable<Text>,
    }
}

diesel::table! {
    agency_lineage (successor_code, position) {
        successor_code -> Text,
        position -> Integer,
        predecessor_code -> Nullable<Text>,
        predecessor_name -> Text,
        predecessor_province -> Nullable<Text>,
        whole -> Bool,
        effective_on -> Date,
        act -> Text,
        reorganisation_id -> Text,
    }
}

diesel::table! {
    procedures (id) {
        id -> Text,
        code -> Text,
        version -> Integer,
        name -> Text,
        search_name -> Text,
        field -> Text,
        competent_level -> Text,
        receiving_levels -> Text,
        online_level -> Integer,
        time_limit_value -> Integer,
        time_limit_unit -> Text,
        fee_vnd -> BigInt,
        fee_description -> Text,
        legal_basis -> Nullable<Text>,
        is_current -> Bool,
        created_at -> Timestamp,
        /// On the published list for nationwide boundary-free intake (ND 118 Điều 14.4 as amended by ND 309).
        nationwide_boundary_free -> Bool,
        /// A nationwide centralised service: its dossiers take TT 04/2025 Điều 23's code.
        nationwide_centralised -> Bool,
    }
}

diesel::table! {
    procedure_documents (procedure_id, position) {
        procedure_id -> Text,
        position -> Integer,
        name -> Text,
        copies -> Integer,
        original -> Bool,
    }
}

diesel::table! {
    /// A procedure version's templates (tờ khai, mẫu đơn); the id is kept across versions.
    procedure_templates (procedure_id, id) {
        procedure_id -> Text,
        id -> Text,
        title -> Text,
        form_code -> Nullable<Text>,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    procedure_steps (procedure_id, position) {
        procedure_id -> Text,
        position -> Integer,
        name -> Text,
        target -> Text,
        time_share -> Integer,
        department -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        agency_code -> Nullable<Text>,
        full_name -> Text,
        is_demo -> Bool,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        department -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        document -> Nullable<Text>,
        title -> Text,
        province -> Text,
        issued -> Text,
        source -> Text,
        period_from -> Nullable<Date>,
        period_to -> Nullable<Date>,
        period_source -> Nullable<Text>,
    }
}

diesel::table! {
    plan_targets (plan_id, position) {
        plan_id -> Text,
        position -> Integer,
        indicator -> Nullable<Text>,
        description -> Nullable<Text>,
        scope -> Text,
        level -> Nullable<Text>,
        value -> Nullable<Double>,
        deadline -> Nullable<Date>,
        wording -> Text,
        source_line -> Text,
        variant -> Nullable<Text>,
        ambiguity -> Nullable<Text>,
    }
}

diesel::table! {
    dossiers (id) {
        id -> Text,
        /// Issued at receipt (TT 01/2018 Điều 19): NULL while an online submission waits for a clerk.
        code -> Nullable<Text>,
        /// The submission's reference (`HS-…`), every dossier's from submission on.
        reference -> Text,
        procedure_id -> Text,
        procedure_code -> Text,
        receiving_agency -> Text,
        current_agency -> Text,
        channel -> Text,
        status -> Text,
        status_code -> Integer,
        current_step -> Integer,
        route -> Text,
        limit_value -> Integer,
        limit_unit -> Text,
        documents -> Text,
        citizen_user_id -> Nullable<Text>,
        pin -> Text,
        submitted_at -> Timestamp,
        received_at -> Nullable<Timestamp>,
        clock_started_at -> Nullable<Timestamp>,
        due_at -> Nullable<Timestamp>,
        extended_due_at -> Nullable<Timestamp>,
        step_started_at -> Nullable<Timestamp>,
        step_due_at -> Nullable<Timestamp>,
        supplement_stage -> Nullable<Text>,
        intake_supplements -> Integer,
        appraisal_supplements -> Integer,
        extensions -> Integer,
        decision -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
        timeliness -> Nullable<Text>,
        returned_at -> Nullable<Timestamp>,
        row_version -> Integer,
        /// Boundary-free intake (ND 118/2025 Điều 17.3 as amended): the agency competent to decide,
        /// when the dossier was received elsewhere; NULL when the receiving agency is competent.
        competent_agency -> Nullable<Text>,
        /// The receiving centre's own deadline for handing the dossier to the competent agency.
        handover_due_at -> Nullable<Timestamp>,
        /// When the competent agency received it: the statutory clock starts then.
        competent_received_at -> Nullable<Timestamp>,
        /// How the applicant takes the result: counter, post or online.
        result_delivery -> Text,
        /// The department holding the dossier inside `current_agency`; NULL: the agency as a whole.
        current_department -> Nullable<Text>,
        /// The last row_version (control-sheet seq) the national portal was sent (issue 15).
        portal_sent_version -> Integer,
        /// Bumped by an administrator's re-send, so its idempotency keys are new.
        portal_generation -> Integer,
        portal_claimed_by -> Nullable<Text>,
        portal_claimed_until -> Nullable<Timestamp>,
        portal_attempts -> Integer,
        portal_next_at -> Nullable<Timestamp>,
        portal_last_error -> Nullable<Text>,
        /// `motcua`, `portal` (submitted on the national portal) or `ministry:<system>` (imported,
        /// handled elsewhere: statistics only).
        source -> Text,
    }
}

diesel::table! {
    /// What the national portal took or refused, item by item, as sent (issue 15).
    portal_deliveries (idempotency_key) {
        idempotency_key -> Text,
        dossier_id -> Text,
        seq -> Integer,
        service -> Text,
        item -> Text,
        outcome -> Text,
        answer -> Nullable<Text>,
        delivered_at -> Timestamp,
    }
}

diesel::table! {
    dossier_applicants (dossier_id) {
        dossier_id -> Text,
        name -> Text,
        id_number -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        address -> Text,
        notify_by -> Text,
        /// The name folded for search (`domain::text::fold`): written at intake, backfilled after migrating.
        name_folded -> Text,
    }
}

diesel::table! {
    dossier_events (dossier_id, seq) {
        dossier_id -> Text,
        seq -> Integer,
        at -> Timestamp,
        action -> Text,
        actor_user_id -> Nullable<Text>,
        actor_role -> Text,
        from_agency -> Text,
        to_agency -> Text,
        status -> Text,
        status_code -> Integer,
        step_due_at -> Nullable<Timestamp>,
        step_timeliness -> Nullable<Text>,
        note -> Nullable<Text>,
        details -> Nullable<Text>,
        due_at -> Nullable<Timestamp>,
        extended_due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    dossier_sequences (agency_code, day) {
        agency_code -> Text,
        day -> Text,
        last_value -> Integer,
    }
}

diesel::table! {
    dossier_files (id) {
        id -> Text,
        dossier_id -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        uploaded_at -> Timestamp,
        uploaded_by -> Text,
    }
}

diesel::table! {
    dossier_ratings (dossier_id) {
        dossier_id -> Text,
        score -> Integer,
        comment -> Nullable<Text>,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    dossier_consultations (dossier_id, position) {
        dossier_id -> Text,
        position -> Integer,
        agency_code -> Text,
        task -> Text,
        requested_at -> Timestamp,
        due_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        opinion -> Nullable<Text>,
        timeliness -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        /// The dossier the notice is about; none for a notice about a feedback.
        dossier_id -> Nullable<Text>,
        kind -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body_text -> Text,
        body_html -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        /// The feedback (phản ánh, kiến nghị) whose answer the notice tells; none for a dossier's.
        feedback_id -> Nullable<Text>,
    }
}

diesel::table! {
    throttle_events (id) {
        id -> Text,
        kind -> Text,
        subject -> Text,
        client -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    demo_history (id) {
        id -> Text,
        ends_at -> Timestamp,
        days -> Integer,
        dossiers -> Nullable<Integer>,
    }
}

diesel::table! {
    throttle_alerts (id) {
        id -> Text,
        kind -> Text,
        subject -> Text,
        failures -> Integer,
        raised_at -> Timestamp,
    }
}

diesel::table! {
    stats_daily (agency_code, field, day) {
        agency_code -> Text,
        field -> Text,
        day -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    stats_monthly (agency_code, field, month) {
        agency_code -> Text,
        field -> Text,
        month -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    stats_yearly (agency_code, field, year) {
        agency_code -> Text,
        field -> Text,
        year -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    stats_handover_daily (receiving_agency, competent_agency, field, day) {
        receiving_agency -> Text,
        competent_agency -> Text,
        field -> Text,
        day -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    stats_handover_monthly (receiving_agency, competent_agency, field, month) {
        receiving_agency -> Text,
        competent_agency -> Text,
        field -> Text,
        month -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    stats_handover_yearly (receiving_agency, competent_agency, field, year) {
        receiving_agency -> Text,
        competent_agency -> Text,
        field -> Text,
        year -> Date,
        received_online -> BigInt,
        received_direct -> BigInt,
        received_online_level4 -> BigInt,
        resolved_early -> BigInt,
        resolved_on_time -> BigInt,
        resolved_late -> BigInt,
        due -> BigInt,
        settled -> BigInt,
        rated -> BigInt,
        rated_satisfied -> BigInt,
        /// Online dossiers received whose wait for the counter is recorded, the office minutes
        /// they waited in all, and those received late (`domain::intake_latency`).
        intake_timed -> BigInt,
        intake_wait_minutes -> BigInt,
        intake_late -> BigInt,
        /// Stays at a route step ended at the agency, under and over budget, and the office
        /// minutes over (`domain::stats::step_contributions`).
        steps_ended -> BigInt,
        steps_early -> BigInt,
        steps_late -> BigInt,
        step_late_minutes -> BigInt,
        /// Finished after one and after several supplement requests, those of the latter in
        /// time, online dossiers finished late, the online due and settled marks, and the office
        /// minutes from receipt to finish (the national indexes, issue 16 item 4).
        resolved_one_supplement -> BigInt,
        resolved_many_supplements -> BigInt,
        resolved_in_time_many_supplements -> BigInt,
        resolved_late_online -> BigInt,
        due_online -> BigInt,
        settled_online -> BigInt,
        resolved_working_minutes -> BigInt,
        resolved_timed -> BigInt,
    }
}

diesel::table! {
    off_system_counts (agency_code, period_start, period_end) {
        agency_code -> Text,
        period_start -> Date,
        period_end -> Date,
        dossiers -> BigInt,
        entered_at -> Timestamp,
        entered_by -> Text,
    }
}

diesel::table! {
    /// Early-warning and escalation rules (issue 16 item 2), loaded from `seeds/oversight/`.
    oversight_alert_rules (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        threshold_hours -> Integer,
        level -> Integer,
        /// Comma-separated: handler, agency_leader, counter_head, parent_agency.
        recipients -> Text,
        interval_minutes -> Integer,
        source -> Text,
        enabled -> Bool,
        next_run_at -> Timestamp,
        last_run_at -> Nullable<Timestamp>,
        last_run_by -> Nullable<Text>,
        last_fired -> Integer,
        fired_total -> BigInt,
    }
}

diesel::table! {
    /// One firing of a rule for a dossier: unique by (rule, dossier, occurrence).
    oversight_alerts (id) {
        id -> Text,
        rule_id -> Text,
        dossier_id -> Text,
        occurrence -> Text,
        dossier_code -> Text,
        agency_code -> Text,
        agency_path -> Text,
        counter_agency -> Text,
        listed_for -> Nullable<Text>,
        deadline_at -> Timestamp,
        raised_at -> Timestamp,
        notified -> Integer,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Who read a dossier's personal data (issue 17 item 2): append-only, one row per staff read.
    dossier_accesses (id) {
        id -> Text,
        dossier_id -> Text,
        at -> Timestamp,
        user_id -> Text,
        agency_code -> Nullable<Text>,
        department -> Nullable<Text>,
        role -> Text,
        kind -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    /// Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6), routed to the agency concerned.
    feedback (id) {
        id -> Text,
        kind -> Text,
        dossier_id -> Nullable<Text>,
        agency_code -> Text,
        agency_path -> Text,
        content -> Text,
        submitted_by -> Nullable<Text>,
        with_pin -> Bool,
        contact -> Nullable<Text>,
        publish_consent -> Bool,
        status -> Text,
        due_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(procedure_documents -> procedures (procedure_id));
diesel::joinable!(procedure_steps -> procedures (procedure_id));
diesel::joinable!(procedure_templates -> procedures (procedure_id));
diesel::joinable!(users -> agencies (agency_code));
diesel::joinable!(plan_targets -> plans (plan_id));
diesel::joinable!(dossier_applicants -> dossiers (dossier_id));
diesel::joinable!(dossier_events -> dossiers (dossier_id));
diesel::joinable!(dossier_files -> dossiers (dossier_id));
diesel::joinable!(dossier_ratings -> dossiers (dossier_id));
diesel::joinable!(dossiers -> procedures (procedure_id));
diesel::joinable!(dossier_consultations -> dossiers (dossier_id));
diesel::joinable!(notifications -> dossiers (dossier_id));
diesel::joinable!(portal_deliveries -> dossiers (dossier_id));
diesel::joinable!(oversight_alerts -> dossiers (dossier_id));
diesel::joinable!(dossier_accesses -> dossiers (dossier_id));
diesel::joinable!(dossier_accesses -> users (user_id));
diesel::joinable!(oversight_alerts -> oversight_alert_rules (rule_id));
diesel::joinable!(feedback -> agencies (agency_code));
diesel::joinable!(stats_daily -> agencies (agency_code));
diesel::joinable!(stats_monthly -> agencies (agency_code));
diesel::joinable!(stats_yearly -> agencies (agency_code));
diesel::joinable!(off_system_counts -> agencies (agency_code));

diesel::joinable!(agency_lineage -> reorganisations (reorganisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    agency_changes,
    agency_lineage,
    departments,
    reorganisations,
    procedures,
    procedure_documents,
    procedure_steps,
    procedure_templates,
    users,
    calendar_days,
    plans,
    plan_targets,
    dossiers,
    dossier_applicants,
    dossier_events,
    dossier_sequences,
    dossier_files,
    dossier_ratings,
    dossier_consultations,
    notifications,
    portal_deliveries,
    throttle_events,
    throttle_alerts,
    stats_daily,
    stats_monthly,
    stats_yearly,
    stats_handover_daily,
    stats_handover_monthly,
    stats_handover_yearly,
    off_system_counts,
    oversight_alert_rules,
    oversight_alerts,
    dossier_accesses,
    feedback,
);
