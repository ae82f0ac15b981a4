import { describe, expect, it } from 'vitest'
import { collectText, demuxDockerStream } from '../../node/runtime/docker-stream.js'

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

async function demux(chunks: Buffer[]): Promise<string> {
  return collectText(demuxDockerStream(chunks), 1 << 20)
}

describe('demuxDockerStream', () => {
  it('interleaves stdout and stderr payloads in arrival order and drops stdin', async () => {
    expect(await demux([Buffer.concat([frame(1, 'out1\n'), frame(2, 'err\n'), frame(0, 'in'), frame(1, 'out2\n')])])).toBe('out1\nerr\nout2\n')
  })

  it('reassembles frames split anywhere, headers included', async () => {
    const whole = Buffer.concat([frame(1, 'hello '), frame(2, ''), frame(2, 'world\n')])
    for (let cut = 1; cut < whole.length; cut++) {
      expect(await demux([whole.subarray(0, cut), whole.subarray(cut)])).toBe('hello world\n')
    }
    expect(await demux([...whole].map((b) => Buffer.from([b])))).toBe('hello world\n')
  })

  it('passes a non-multiplexed (TTY) stream through unchanged', async () => {
    expect(await demux([Buffer.from('plain text from a tty\n'), Buffer.from('more\n')])).toBe('plain text from a tty\nmore\n')
  })
})

describe('collectText', () => {
  it('keeps at most the given number of bytes', async () => {
    expect(await collectText([Buffer.from('abcdef'), Buffer.from('ghij')], 8)).toBe('abcdefgh')
  })
})
