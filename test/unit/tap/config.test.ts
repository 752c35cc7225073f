import { describe, expect, it } from 'vitest';
import { loadTapConfig } from '../../../tap/config.js';

describe('tap configuration', () => {
  it('takes its own flags and the agent\'s, the latter under agent', () => {
    const config = loadTapConfig(undefined, { 'dcc-url': 'https://dcc.example:8079', 'user-url': 'http://10.0.0.5:9000/duis', id: 'gw-tap', broker: 'mqtt://collector:1883', 'http-port': '7800' });

    expect(config.dcc).toMatchObject({ url: 'https://dcc.example:8079', port: 7700 });
    expect(config.user).toMatchObject({ url: 'http://10.0.0.5:9000/duis', port: 7701 });
    expect(config.agent).toMatchObject({ agentId: 'gw-tap', broker: { url: 'mqtt://collector:1883' }, intake: { httpPort: 7800, udpPort: 0 } });
    expect(Object.isFrozen(config.agent)).toBe(true);
  });

  it('needs the DCC User Interface URL, and says where the bad value came from', () => {
    expect(() => loadTapConfig(undefined, {})).toThrow(/dcc\.url = "" \(from defaults\) must match pattern/);
    expect(() => loadTapConfig(undefined, { 'dcc-url': 'dcc.example:8079' })).toThrow(/dcc\.url = "dcc\.example:8079" \(from flag --dcc-url\)/);
  });

  it('refuses a header bound too small to hold a DUIS header', () => {
    expect(() => loadTapConfig(undefined, { 'dcc-url': 'http://127.0.0.1:1', 'max-header-bytes': '100' })).toThrow(/maxHeaderBytes = 100 \(from flag --max-header-bytes\) must be >= 256/);
  });
});
