"""Verifies a psa-conformance attestation with independent implementations.

Usage: python3 verify_attestation.py KEYFILE.pub REPORT_DIR

- securesystemslib (the DSSE reference's home): the envelope and its Ed25519
  signature, with the key loaded by pyca/cryptography from its PEM;
- in-toto-attestation (the in-toto Attestation Framework's own bindings):
  the Statement v1 and the test-result predicate, parsed strictly (an
  unknown or misspelt field fails) and validated;
- hashlib: every subject's SHA-256, and no file added or missing.

Prints "verified" and exits 0, or raises.
"""

import hashlib
import json
import pathlib
import sys

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)
from google.protobuf import json_format
from in_toto_attestation.predicates.test_result.v0 import test_result_pb2
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import Statement
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

pub_path, report_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])

# The key and its fingerprint: SHA-256 of the DER SubjectPublicKeyInfo.
public_key = load_pem_public_key(pub_path.read_bytes())
keyid = hashlib.sha256(
    public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
).hexdigest()
key = SSlibKey.from_crypto(public_key, keyid=keyid, scheme="ed25519")

# The DSSE envelope: raises VerificationError unless the key signed it.
envelope = Envelope.from_dict(json.loads((report_dir / "attestation.json").read_bytes()))
envelope.verify([key], 1)
assert envelope.payload_type == "application/vnd.in-toto+json", envelope.payload_type

# The Statement and its predicate, strictly.
statement = json.loads(envelope.payload)
pb = json_format.ParseDict(statement, statement_pb2.Statement())
Statement.copy_from_pb(pb).validate()
assert statement["predicateType"] == "https://in-toto.io/attestation/test-result/v0.1"
predicate = json_format.ParseDict(statement["predicate"], test_result_pb2.TestResult())
assert predicate.result in ("PASSED", "WARNED", "FAILED"), predicate.result
for descriptor in predicate.configuration:
    ResourceDescriptor.copy_from_pb(descriptor).validate()

# Every report as signed, and nothing else beside it.
attested = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
present = {p.name for p in report_dir.iterdir()} - {"attestation.json"}
assert present == set(attested), f"added {present - set(attested)}, missing {set(attested) - present}"
for name, digest in attested.items():
    actual = hashlib.sha256((report_dir / name).read_bytes()).hexdigest()
    assert actual == digest, f"{name}: SHA-256 {actual}, attested {digest}"

print(f"verified: {predicate.result}, {len(attested)} files, key {keyid}")
