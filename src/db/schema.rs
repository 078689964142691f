//! The portable schema shared by SQLite and PostgreSQL (kept by hand in step with
//! `migrations/sqlite` and `migrations/postgres`).

diesel::table! {
    incidents (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        currency -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        claims_open_at -> Timestamp,
        claims_close_at -> Timestamp,
        review_threshold_minor -> Nullable<BigInt>,
        created_by -> Text,
        created_at -> Timestamp,
        appeal_days -> Integer,
    }
}

diesel::table! {
    outage_windows (id) {
        id -> Text,
        incident_id -> Text,
        service -> Text,
        severity -> Text,
        started_at -> Timestamp,
        ended_at -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    policies (id) {
        id -> Text,
        incident_id -> Text,
        version -> Integer,
        currency -> Text,
        document -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::joinable!(outage_windows -> incidents (incident_id));
diesel::joinable!(policies -> incidents (incident_id));

diesel::table! {
    claims (id) {
        id -> Text,
        reference -> Text,
        incident_id -> Text,
        service -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        channel -> Text,
        owner_kind -> Text,
        owner -> Text,
        claimant_kind -> Text,
        claimant_name -> Text,
        claimant_brn -> Nullable<Text>,
        claimant_email -> Text,
        claimant_phone -> Nullable<Text>,
        identity_key -> Text,
        loss_started_at -> Timestamp,
        loss_ended_at -> Timestamp,
        currency -> Text,
        claimed_minor -> BigInt,
        baseline_revenue_minor -> Nullable<BigInt>,
        outage_revenue_minor -> Nullable<BigInt>,
        monthly_fee_minor -> Nullable<BigInt>,
        bank_code -> Text,
        account_number -> Text,
        account_holder -> Text,
        description -> Nullable<Text>,
        external_ref -> Nullable<Text>,
        outage_seconds -> BigInt,
        approved_minor -> Nullable<BigInt>,
        cure_deadline -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        rejected_at -> Nullable<Timestamp>,
        rejected_by -> Nullable<Text>,
        appealed_at -> Nullable<Timestamp>,
        locale -> Text,
        consent_version -> Nullable<Text>,
        consented_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    claim_windows (claim_id, window_id) {
        claim_id -> Text,
        window_id -> Text,
        severity -> Text,
        overlap_seconds -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    payout_batches (id) {
        id -> Text,
        incident_id -> Text,
        policy_id -> Text,
        policy_version -> Integer,
        status -> Text,
        currency -> Text,
        line_count -> BigInt,
        held_count -> BigInt,
        total_gross -> Text,
        total_payout_minor -> BigInt,
        budget_minor -> Nullable<BigInt>,
        budget_binding -> Bool,
        factor -> Nullable<Text>,
        rounding -> Text,
        min_payout_minor -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        cancelled_by -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        export_line_count -> Nullable<BigInt>,
        export_total_minor -> Nullable<BigInt>,
        export_sha256 -> Nullable<Text>,
        export_sha256_bom -> Nullable<Text>,
    }
}

diesel::table! {
    payout_lines (batch_id, line_no) {
        batch_id -> Text,
        line_no -> BigInt,
        claim_id -> Text,
        claim_reference -> Text,
        rule_index -> Integer,
        gross -> Text,
        share -> Nullable<Text>,
        payout_minor -> BigInt,
        status -> Text,
        prior_status -> Text,
        active -> Bool,
        facts -> Text,
        bank_reference -> Nullable<Text>,
        failure_reason -> Nullable<Text>,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(claims -> incidents (incident_id));
diesel::joinable!(payout_lines -> payout_batches (batch_id));
diesel::joinable!(claim_windows -> claims (claim_id));
diesel::joinable!(claim_screenings -> claims (claim_id));
diesel::allow_tables_to_appear_in_same_query!(
    incidents,
    outage_windows,
    policies,
    claims,
    claim_windows,
    payout_batches,
    payout_lines,
    bulk_uploads,
    bulk_upload_errors,
    claim_screenings,
    payout_files,
    notices,
    notice_attempts,
    claim_documents
);

diesel::table! {
    bulk_uploads (id) {
        id -> Text,
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        owner -> Text,
        incident_id -> Text,
        format -> Text,
        status -> Text,
        total_rows -> BigInt,
        next_row -> BigInt,
        accepted -> BigInt,
        rejected -> BigInt,
        duplicates -> BigInt,
        error_count -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bulk_upload_errors (upload_id, seq) {
        upload_id -> Text,
        seq -> BigInt,
        row_no -> BigInt,
        field -> Text,
        code -> Text,
        message -> Text,
    }
}

diesel::table! {
    claim_screenings (claim_id) {
        claim_id -> Text,
        client_key -> Nullable<Text>,
        signals -> Text,
        screened_at -> Timestamp,
    }
}

diesel::table! {
    staff_sessions (id_sha256) {
        id_sha256 -> Text,
        sub -> Text,
        role -> Text,
        org -> Nullable<Text>,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payout_files (batch_id, part) {
        batch_id -> Text,
        part -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    notices (id) {
        id -> Text,
        claim_id -> Text,
        kind -> Text,
        channel -> Text,
        recipient -> Text,
        locale -> Text,
        details -> Text,
        code -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notice_attempts (notice_id, attempt) {
        notice_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        outcome -> Text,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(notices -> claims (claim_id));
diesel::joinable!(notice_attempts -> notices (notice_id));

diesel::table! {
    claim_documents (id) {
        id -> Text,
        claim_id -> Text,
        filename -> Text,
        media_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        content -> Binary,
        status -> Text,
        reason -> Nullable<Text>,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(claim_documents -> claims (claim_id));
