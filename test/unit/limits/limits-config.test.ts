import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, parseConfigText } from '../../../src/config/load-config.js';

const configDir = fileURLToPath(new URL('../../../config/', import.meta.url));

describe('limits config', () => {
  it('loads the limits of example.yaml', async () => {
    const config = await loadConfigFile(join(configDir, 'example.yaml'), { CHGATE_WRITER_PASSWORD: 'w', CHGATE_READER_PASSWORD: 'r' });
    expect(config.users.get('grafana')?.limits).to.deep.equal({
      concurrency: { maxConcurrentQueries: 8, maxQueued: 16, maxQueueWaitMs: 5000 },
      requestsPerMinute: 600,
      maxBodyBytes: 1048576,
      maxExecutionTimeMs: 30000,
      maxResultBytes: 104857600,
    });
    expect(config.clusters.get('production')?.limits).to.deep.equal({ concurrency: { maxConcurrentQueries: 200, maxQueued: 400, maxQueueWaitMs: 10000 } });
    expect(config.users.get('app')?.limits).to.equal(undefined);
  });

  it('defaults: no queue, 10 s wait; a limits block without max_concurrent_queries limits no concurrency', () => {
    const config = parseConfigText(`clusters:
  c:
    write_user: { user: w }
    read_user: { user: r }
    writers: [{ name: a, url: "http://127.0.0.1:1" }]
    limits: {}
users:
  u: { cluster: c, limits: { max_concurrent_queries: 3 } }
  v: { cluster: c, limits: { requests_per_minute: 60 } }`);
    expect(config.users.get('u')?.limits).to.deep.equal({ concurrency: { maxConcurrentQueries: 3, maxQueued: 0, maxQueueWaitMs: 10000 } });
    expect(config.users.get('v')?.limits).to.deep.equal({ requestsPerMinute: 60 });
    expect(config.clusters.get('c')?.limits).to.deep.equal({});
  });
});
