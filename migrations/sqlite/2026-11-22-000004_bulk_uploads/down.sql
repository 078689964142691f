DROP TABLE bulk_upload_errors;
DROP TABLE bulk_uploads;
