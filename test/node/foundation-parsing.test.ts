import { describe, expect, it } from 'vitest'
import { agentConfigFromFlags } from '../../cli/commands/agent.js'
import { ConfigError, parseHostPort, parseLabels } from '../../node/config/agent-config.js'
import { decodeHeartbeat, InvalidHeartbeatError } from '../../node/membership/heartbeat.js'
import { InvalidAddressError, joinTarget } from '../../node/p2p/addresses.js'
import { deriveAdminToken, generateClusterKeyText, InvalidClusterKeyError, parseClusterKey } from '../../node/p2p/cluster-key.js'
import { cpuToMillis, formatCpu, formatMemory, InvalidQuantityError, memoryToBytes } from '../../node/objects/quantity.js'

describe('cluster key', () => {
  it('round-trips the generated v1 text and accepts bare hex', () => {
    const text = generateClusterKeyText()
    const key = parseClusterKey(text, 'test')
    const hex = text.trim().split('\n')[2]!
    expect(parseClusterKey(hex, 'env').secret.equals(key.secret)).toBe(true)
    expect(deriveAdminToken(key)).toBe(deriveAdminToken(parseClusterKey(hex, 'env')))
  })

  it.each(['', 'nothex', 'ab'.repeat(31), '/key/swarm/psk/1.0.0/\n/base64/\n' + 'ab'.repeat(32)])('rejects malformed key %j', (text) => {
    expect(() => parseClusterKey(text, 'k')).toThrow(InvalidClusterKeyError)
  })

  it('derives different tokens from different keys', () => {
    const a = deriveAdminToken(parseClusterKey(generateClusterKeyText(), 'a'))
    const b = deriveAdminToken(parseClusterKey(generateClusterKeyText(), 'b'))
    expect(a).not.toBe(b)
  })
})

describe('addresses and flags', () => {
  it('turns host:port into multiaddrs and passes multiaddrs through', () => {
    expect(joinTarget('127.0.0.1:7946').toString()).toBe('/ip4/127.0.0.1/tcp/7946')
    expect(joinTarget('node-a.lan:7946').toString()).toBe('/dns4/node-a.lan/tcp/7946')
    expect(joinTarget('[::1]:7946').toString()).toBe('/ip6/::1/tcp/7946')
    expect(joinTarget('/ip4/10.0.0.1/tcp/1').toString()).toBe('/ip4/10.0.0.1/tcp/1')
    expect(() => joinTarget('nonsense')).toThrow(InvalidAddressError)
    expect(() => joinTarget('/not/a/multiaddr')).toThrow(InvalidAddressError)
  })

  it('parses HOST:PORT and labels, rejecting bad ones', () => {
    expect(parseHostPort('127.0.0.1:0', '--api')).toEqual({ host: '127.0.0.1', port: 0 })
    expect(parseHostPort(':7070', '--api')).toEqual({ host: '0.0.0.0', port: 7070 })
    expect(() => parseHostPort('host:99999', '--api')).toThrow(ConfigError)
    expect(parseLabels('zone=a, disk=ssd')).toEqual({ zone: 'a', disk: 'ssd' })
    expect(() => parseLabels('bad key=x')).toThrow(ConfigError)
    expect(() => parseLabels('novalue')).toThrow(ConfigError)
  })

  it('builds an agent config from CLI flags with validation', () => {
    const flags = {
      dataDir: '/tmp/x',
      p2p: '127.0.0.1:0',
      api: '127.0.0.1:0',
      join: ['127.0.0.1:1'],
      runtime: 'process',
      logLevel: 'info',
      heartbeatInterval: '500ms',
      suspectAfter: '2s',
      downAfter: '4s',
      voterReplaceAfter: '7s',
      rescheduleAfter: '3s',
      placement: 'binpack',
      serviceAddress: '127.0.0.9',
      dns: 'off',
      hostPortRange: '31000-31099',
      memory: '2Gi',
      cpu: '1500',
    }
    const c = agentConfigFromFlags(flags, { SHOAL_CLUSTER_KEY: 'ab'.repeat(32) })
    expect(c.timing).toMatchObject({ heartbeatMs: 500, suspectMs: 2000, downMs: 4000 })
    expect(c.memoryBytes).toBe(2 * 2 ** 30)
    expect(c.raft.voterReplaceMs).toBe(7000)
    expect(c.workloads).toMatchObject({ rescheduleAfterMs: 3000, placement: 'binpack' })
    expect(c.services).toEqual({ bindAddress: '127.0.0.9', dns: undefined })
    expect(c.workloads.hostPortRange).toEqual({ min: 31000, max: 31099 })
    expect(c.cpuMillis).toBe(1500)
    expect(c.clusterKeyText).toBe('ab'.repeat(32))
    expect(() => agentConfigFromFlags({ ...flags, runtime: 'lxc' }, {})).toThrow(ConfigError)
    expect(() => agentConfigFromFlags({ ...flags, suspectAfter: '10s' }, {})).toThrow(ConfigError)
  })
})

describe('quantities', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['0.25', 250],
    [1, 1000],
  ] as const)('cpu %s = %d millicores', (q, m) => expect(cpuToMillis(q)).toBe(m))

  it.each([
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
    ['64', 64],
  ] as const)('memory %s = %d bytes', (q, b) => expect(memoryToBytes(q)).toBe(b))

  it('rejects malformed quantities and formats round numbers', () => {
    expect(() => memoryToBytes('12 MB')).toThrow(InvalidQuantityError)
    expect(() => cpuToMillis('-1')).toThrow(InvalidQuantityError)
    expect(formatCpu(2000)).toBe('2')
    expect(formatCpu(1500)).toBe('1500m')
    expect(formatMemory(2 ** 30)).toBe('1Gi')
  })
})

describe('heartbeat decoding', () => {
  it('rejects non-JSON and wrong shapes with InvalidHeartbeatError', () => {
    expect(() => decodeHeartbeat(new Uint8Array([0xff, 0x00]))).toThrow(InvalidHeartbeatError)
    expect(() => decodeHeartbeat(new TextEncoder().encode('{"v":1}'))).toThrow(InvalidHeartbeatError)
    expect(() => decodeHeartbeat(new TextEncoder().encode('[]'))).toThrow(InvalidHeartbeatError)
  })
})
