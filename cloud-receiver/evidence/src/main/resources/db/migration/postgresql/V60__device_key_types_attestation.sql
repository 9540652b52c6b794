-- A device key's type fixes the one JWS alg it verifies (docs/protocol.md, "ES256: keys held in a TPM"):
-- ED25519 (EdDSA, every file key) or P256 (ES256, a key in a TPM). Keys enrolled before this migration are Ed25519.
alter table device_keys add column key_type varchar(16) not null default 'ED25519' check (key_type in ('ED25519', 'P256'));
-- Whether the receiver verified, when this key version was registered, that it was made in and cannot leave a TPM
-- whose EK certificate chains to a configured vendor CA. The proof is in device_key_attestations.
alter table device_keys add column hardware_bound boolean not null default false;

-- What a verified TPM attestation established for one key version (docs/protocol.md, "TPM attestation at
-- enrollment"): the TPM named by its EK certificate, the chain's root, when; and the whole attestation record
-- (JSON, format breathgate-tpm2-attestation-1) that anyone can check again offline.
create table device_key_attestations (
    device_id             varchar(63)  not null,
    key_version           integer      not null,
    attested_at_ms        bigint       not null,
    tpm_manufacturer      varchar(128) not null,
    tpm_model             varchar(128) not null,
    tpm_version           varchar(128) not null,
    ek_certificate_sha256 varchar(64)  not null,
    ek_issuer             varchar(1000) not null,
    trust_anchor          varchar(1000) not null,
    record                text         not null,
    primary key (device_id, key_version),
    foreign key (device_id, key_version) references device_keys (device_id, key_version)
);
