#!/bin/sh
# verify-bundle.sh - checks every signed message in a Breathgate verification bundle with OpenSSL alone.
#
# Usage:  sh verify-bundle.sh [BUNDLE_FOLDER]      (default: the folder this script is in)
# Needs:  a POSIX shell and OpenSSL 3.0 or later; no Breathgate program.
#
# For each file messages/*.jws (a JWS in compact form, exactly as the device signed and sent it) it
#   1. splits it into header, payload and signature (base64url, RFC 7515),
#   2. takes the key the header's "kid" names from keys/ (kid home-0001:2 -> keys/home-0001_2.pem),
#   3. checks that the header's "alg" fits that key (EdDSA/Ed25519 for an Ed25519 key, ES256 for P-256)
#      and that the payload's "device" is the key's owner,
#   4. verifies the signature over "header.payload" with openssl
#      (Ed25519: pkeyutl -verify -rawin; ES256: the 64-byte R||S made DER with asn1parse, then dgst -sha256 -verify),
# and prints VALID or INVALID with the reason. Exit status: 0 every message valid, 1 any invalid, 2 nothing to check.
# It also prints each key's fingerprint: SHA-256 of the raw public key, as the receiver shows it.
set -u

dir=${1:-$(dirname "$0")}
if ! command -v openssl >/dev/null 2>&1; then
    echo "verify-bundle: openssl is needed (Debian: apt-get install openssl)" >&2
    exit 2
fi
if [ ! -d "$dir/messages" ] || [ ! -d "$dir/keys" ]; then
    echo "verify-bundle: $dir has no messages/ and keys/ folders: is it an unpacked Breathgate bundle?" >&2
    exit 2
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# base64url (no padding) on stdin -> bytes on stdout
b64url_decode() {
    s=$(tr -d '\n\r ' | tr '_-' '/+')
    case $((${#s} % 4)) in
        2) s="$s==" ;;
        3) s="$s=" ;;
        1) return 1 ;;
    esac
    printf '%s' "$s" | openssl base64 -d -A
}

# the string value of "name" in one line of JSON (the protocol's keys are plain strings)
json_string() {
    sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}

echo "Keys in this bundle:"
for key in "$dir"/keys/*.pem; do
    [ -e "$key" ] || continue
    type=$(openssl pkey -pubin -in "$key" -noout -text 2>/dev/null | head -n 1)
    case $type in
        ED25519*) rawlen=32 ;;
        *) rawlen=65 ;;
    esac
    fp=$(openssl pkey -pubin -in "$key" -outform DER 2>/dev/null | tail -c "$rawlen" | openssl dgst -sha256 -r | cut -d ' ' -f 1)
    echo "  $(basename "$key" .pem)  sha256:$fp  ($type)"
done
echo

valid=0
invalid=0
for f in "$dir"/messages/*.jws; do
    [ -e "$f" ] || continue
    name=messages/$(basename "$f")
    compact=$(tr -d '\n\r ' < "$f")
    h=${compact%%.*}
    rest=${compact#*.}
    p=${rest%%.*}
    s=${rest#*.}
    reason=""
    case $s in
        *.*|"") reason="not a JWS in compact form (three parts)" ;;
    esac
    if [ -z "$reason" ]; then
        header=$(printf '%s' "$h" | b64url_decode 2>/dev/null) || reason="header is not base64url"
    fi
    if [ -z "$reason" ]; then
        payload=$(printf '%s' "$p" | b64url_decode 2>/dev/null) || reason="payload is not base64url"
    fi
    if [ -z "$reason" ]; then
        kid=$(printf '%s' "$header" | json_string kid)
        alg=$(printf '%s' "$header" | json_string alg)
        owner=${kid%%:*}
        key="$dir/keys/$(printf '%s' "$kid" | tr ':' '_').pem"
        if [ -z "$kid" ] || [ ! -f "$key" ]; then
            reason="no key for kid '$kid' in keys/"
        elif [ "$(printf '%s' "$payload" | json_string device)" != "$owner" ]; then
            reason="the payload's device is not the key's owner $owner"
        fi
    fi
    if [ -z "$reason" ]; then
        printf '%s.%s' "$h" "$p" > "$tmp/input"
        printf '%s' "$s" | b64url_decode > "$tmp/sig" 2>/dev/null || reason="signature is not base64url"
    fi
    if [ -z "$reason" ]; then
        keytype=$(openssl pkey -pubin -in "$key" -noout -text 2>/dev/null | head -n 1)
        case "$alg:$keytype" in
            EdDSA:ED25519*|Ed25519:ED25519*)
                openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$tmp/input" -sigfile "$tmp/sig" >/dev/null 2>&1 \
                    || reason="the signature does not match (changed after signing, or another key)" ;;
            ES256:*)
                if [ "$(wc -c < "$tmp/sig" | tr -d ' ')" != 64 ]; then
                    reason="an ES256 signature is 64 bytes"
                else
                    hex=$(od -An -v -tx1 < "$tmp/sig" | tr -d ' \n')
                    r=$(printf '%s' "$hex" | cut -c 1-64)
                    sv=$(printf '%s' "$hex" | cut -c 65-128)
                    printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$r" "$sv" > "$tmp/sig.cnf"
                    if ! openssl asn1parse -genconf "$tmp/sig.cnf" -out "$tmp/sig.der" -noout >/dev/null 2>&1; then
                        reason="the signature cannot be read"
                    else
                        openssl dgst -sha256 -verify "$key" -signature "$tmp/sig.der" "$tmp/input" >/dev/null 2>&1 \
                            || reason="the signature does not match (changed after signing, or another key)"
                    fi
                fi ;;
            *) reason="alg '$alg' does not fit the key ($keytype)" ;;
        esac
    fi
    if [ -z "$reason" ]; then
        echo "VALID    $name  signed by $kid ($alg)"
        valid=$((valid + 1))
    else
        echo "INVALID  $name  $reason"
        invalid=$((invalid + 1))
    fi
done

echo
echo "$valid valid, $invalid invalid"
if [ $((valid + invalid)) -eq 0 ]; then
    exit 2
fi
[ "$invalid" -eq 0 ]
