import { isIP } from 'node:net'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import type { ClusterCa } from './cluster-ca.js'
import { ECDSA_P256 } from './cluster-ca.js'

export interface ServingCert {
  /** PEM chain: the node's certificate, then the CA's. */
  cert: string
  key: string
}

export interface ServingCertInit {
  /** Host names and IP addresses clients may use to reach this node's API. */
  hosts: readonly string[]
  now: Date
}

const HOUR_MS = 3600_000
// Issued afresh at every start, so its life only has to outlast one agent run.
const VALID_MS = 10 * 365 * 24 * HOUR_MS

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
}

/** A new key and a certificate for it, signed by the cluster CA, naming every host in `hosts`. */
export async function issueServingCert(ca: ClusterCa, init: ServingCertInit): Promise<ServingCert> {
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])
  const unique = [...new Set(init.hosts.filter((h) => h !== ''))]
  const names = unique.map((h) => (isIP(h) !== 0 ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '7'),
    subject: `CN=${unique.find((h) => isIP(h) === 0) ?? 'shoal'},O=shoal`,
    issuer: ca.cert.subject,
    notBefore: new Date(init.now.getTime() - HOUR_MS),
    notAfter: new Date(init.now.getTime() + VALID_MS),
    signingAlgorithm: ECDSA_P256,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  })
  const key = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  return { cert: cert.toString('pem') + '\n' + ca.pem, key }
}
