DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE policies;
DROP TABLE outage_windows;
DROP TABLE incidents;
