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
diesel::allow_tables_to_appear_in_same_query!(incidents, outage_windows, policies);
