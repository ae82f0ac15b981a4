import { AUTHORITATIVE_ANSWER, encode, RECURSION_DESIRED, TRUNCATED_RESPONSE } from 'dns-packet'
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet'
import type { DnsZone } from './dns-zone.js'

export const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const
type Rcode = (typeof RCODE)[keyof typeof RCODE]

/** What a client may receive over UDP without EDNS (RFC 1035 §4.2.1). */
const CLASSIC_UDP_LIMIT = 512
/** The largest UDP answer sent even to clients that advertise more (DNS flag day 2020). */
const EDNS_UDP_LIMIT = 1232

function opcodeOf(packet: DecodedPacket): number {
  return ((packet.flags ?? 0) >> 11) & 0xf
}

function ednsSizeOf(packet: DecodedPacket): number | undefined {
  for (const a of packet.additionals ?? []) if (a.type === 'OPT') return a.udpPayloadSize
  return undefined
}

function respond(query: DecodedPacket, rcode: Rcode, sections: Pick<Packet, 'answers' | 'authorities' | 'additionals'> = {}): Packet {
  const edns = ednsSizeOf(query)
  return {
    type: 'response',
    id: query.id ?? 0,
    // Authoritative for its zone; recursion is not offered, so RA stays clear.
    flags: AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & RECURSION_DESIRED) | rcode,
    questions: query.questions ?? [],
    answers: sections.answers ?? [],
    authorities: sections.authorities ?? [],
    additionals: [
      ...(sections.additionals ?? []),
      ...(edns !== undefined ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: EDNS_UDP_LIMIT, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : []),
    ],
  }
}

function inZone(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`)
}

function answersFor(zone: DnsZone, name: string, type: Question['type'] | 'ANY'): Answer[] {
  const all = zone.records.get(name) ?? []
  return type === 'ANY' ? [...all] : all.filter((a) => a.type === type)
}

/** The addresses of SRV targets, so a client needs no second query. */
function additionalsFor(zone: DnsZone, answers: readonly Answer[]): Answer[] {
  const targets = new Set(answers.flatMap((a) => (a.type === 'SRV' ? [a.data.target] : [])))
  return [...targets].flatMap((t) => (zone.records.get(t) ?? []).filter((a) => a.type === 'A' || a.type === 'AAAA'))
}

/**
 * The response to one decoded query, or undefined when it deserves none (it is itself a
 * response, which answering could turn into a loop between two servers). Authoritative for the
 * zone only: names outside it are REFUSED, as this is not a recursive resolver; a name in the
 * zone that does not exist is NXDOMAIN; an existing name without records of the asked type is
 * NOERROR with no answers. Negative answers carry the SOA, so resolvers cache them for the TTL.
 */
export function answerQuery(query: DecodedPacket, zone: DnsZone): Packet | undefined {
  if (query.type === 'response') return undefined
  if (opcodeOf(query) !== 0) return respond(query, RCODE.NOTIMP)
  const questions = query.questions ?? []
  if (questions.length !== 1) return respond(query, RCODE.FORMERR)
  const question = questions[0]!
  const name = question.name.toLowerCase().replace(/\.$/, '')
  if (!inZone(name, zone.domain) || (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY')) {
    return respond(query, RCODE.REFUSED)
  }
  if (!zone.names.has(name)) return respond(query, RCODE.NXDOMAIN, { authorities: [zone.soa] })
  const answers = answersFor(zone, name, question.type as Question['type'] | 'ANY')
  if (answers.length === 0) return respond(query, RCODE.NOERROR, { authorities: [zone.soa] })
  return respond(query, RCODE.NOERROR, { answers, additionals: additionalsFor(zone, answers) })
}

/**
 * The largest UDP response the client takes: 512 bytes without EDNS, else what it advertises,
 * capped so that datagrams are not fragmented.
 */
export function udpLimitOf(query: DecodedPacket): number {
  return Math.min(EDNS_UDP_LIMIT, Math.max(CLASSIC_UDP_LIMIT, ednsSizeOf(query) ?? CLASSIC_UDP_LIMIT))
}

/**
 * Encodes a response within `limit` bytes: when it does not fit, only the header and question
 * go, with TC set, and the client retries over TCP (whose limit is 65535).
 */
export function encodeWithin(response: Packet, limit: number): Buffer {
  const full = encode(response)
  if (full.length <= limit) return full
  const opt = (response.additionals ?? []).filter((a) => a.type === 'OPT')
  return encode({ ...response, flags: (response.flags ?? 0) | TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: opt })
}
