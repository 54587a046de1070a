"""Infrastructure every domain uses and none owns: errors, extensions, configuration,
time, CSV, the guarded outbound client, the encryption keyring and its rotation, the audit
log and the erase registry. It imports no domain."""
from eigendossier.core.validation import use_translated_messages

# Before any schema of any domain is defined: marshmallow copies its messages into each
# field when the field is made, so they must be the translatable ones by then.
use_translated_messages()
