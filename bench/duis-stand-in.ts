// The DCC User Interface stand-in for bench/tap-latency.ts, in a process of its own so that its
// work and the load generator's never wait for each other on one event loop: reads each Service
// Request and answers I99 for its RequestID at once.
//   node dist/bench/duis-stand-in.js     prints its port once listening
import http from 'node:http';

const NS = 'xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"';

const server = http.createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => { text += c; });
  req.on('end', () => {
    const key = /RequestID>([^<]+)</.exec(text)?.[1] ?? '';
    res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response ${NS} schemaVersion="5.1">`
      + `<sr:Header><sr:RequestID>${key}</sr:RequestID><sr:ResponseCode>I99</sr:ResponseCode>`
      + '<sr:ResponseDateTime>2026-11-28T10:15:00.000Z</sr:ResponseDateTime></sr:Header></sr:Response>\n');
  });
});
// Longer than the bench's pause between two slices on one path: its kept-alive connections stay open.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
process.once('SIGTERM', () => process.exit(0));
