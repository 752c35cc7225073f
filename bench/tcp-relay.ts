// A TCP relay that copies bytes both ways and reads nothing: the least any proxy in the path adds
// on this machine (two more loopback connections, one more process). bench/tap-latency.ts runs it
// beside the tap, so that what the tap adds can be told apart from what any hop in the path costs.
//   node dist/bench/tcp-relay.js <listen port> <target port>     prints "ready" once listening
import net from 'node:net';

const [listenPort, targetPort] = process.argv.slice(2).map(Number) as [number, number];

const server = net.createServer((sender) => {
  const target = net.connect(targetPort, '127.0.0.1');
  for (const socket of [sender, target]) socket.setNoDelay(true);
  sender.pipe(target);
  target.pipe(sender);
  sender.on('close', () => target.destroy());
  target.on('close', () => sender.destroy());
  sender.on('error', () => target.destroy());
  target.on('error', () => sender.destroy());
});
server.listen(listenPort, '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => process.exit(0));
