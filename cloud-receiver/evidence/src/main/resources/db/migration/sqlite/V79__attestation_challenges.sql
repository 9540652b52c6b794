-- Open TPM attestation challenges between enrollment's step 1 and step 2 (docs/protocol.md, "TPM attestation at
-- enrollment"), in the database so that every receiver on it can take step 2 whichever answered step 1. Each is used
-- once (deleted when step 2 takes it) and lives at most five minutes; expired ones are deleted at the next step 1.
-- secret: the credential's plain secret the TPM must recover; never sent, never logged.
create table attestation_challenges (
    id               varchar(64)  not null primary key,
    code_hash        varchar(128) not null,
    expires_at_ms    integer       not null,
    ek_certificate   blob       not null,
    ek_chain         text         not null,
    ak_public        blob       not null,
    credential_blob  blob       not null,
    encrypted_secret blob       not null,
    nonce            blob       not null,
    secret           blob       not null
);
create index attestation_challenges_expiry on attestation_challenges (expires_at_ms);
