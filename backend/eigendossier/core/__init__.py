"""Infrastructure every domain uses and none owns: errors, extensions, configuration,
time, CSV, the guarded outbound client, the encryption keyring and its rotation, the audit
log and the erase registry. It imports no domain."""
