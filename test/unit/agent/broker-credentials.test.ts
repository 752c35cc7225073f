import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokerCredentials } from '../../../agent/broker-credentials.js';
import { agentDefaults, type AgentConfig } from '../../../agent/config.js';
import { deriveAckKey } from '../../../common/ack-signature.js';
import { tempDir } from '../../helpers/temp-dir.js';

const config = (broker: Partial<AgentConfig['broker']>) => ({ agentId: 'gw-7', broker: { ...agentDefaults.broker, ...broker } });

describe('broker credentials', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => dir.cleanup());

  it('uses the password as the secret and the agent id as the default username', () => {
    const c = brokerCredentials(config({ password: 's3cret' }));
    expect(c).toMatchObject({ username: 'gw-7', password: 's3cret' });
    expect(Buffer.from(c.ackKey!).equals(deriveAckKey('s3cret'))).toBe(true);
  });

  it('reads the secret from the password file, trimmed, and keeps a username given', () => {
    const file = join(dir.path, 'secret');
    writeFileSync(file, '  s3cret\n');
    const c = brokerCredentials(config({ passwordFile: file, username: 'rig-user' }));
    expect(c).toMatchObject({ username: 'rig-user', password: 's3cret' });
    expect(Buffer.from(c.ackKey!).equals(deriveAckKey('s3cret'))).toBe(true);
  });

  it('has no secret, no default username and no ack key when neither is given', () => {
    expect(brokerCredentials(config({}))).toEqual({ username: undefined, password: undefined, ackKey: undefined });
  });

  it('names a password file it cannot read', () => {
    const file = join(dir.path, 'missing');
    expect(() => brokerCredentials(config({ passwordFile: file }))).toThrow(expect.objectContaining({ code: 'HW_AGENT_CONFIG', message: expect.stringContaining(file) }));
  });

  it('refuses an empty password file and a password given twice', () => {
    const file = join(dir.path, 'empty');
    writeFileSync(file, '\n');
    expect(() => brokerCredentials(config({ passwordFile: file }))).toThrow(/is empty/);
    expect(() => brokerCredentials(config({ passwordFile: file, password: 'x' }))).toThrow(/both set/);
  });
});
