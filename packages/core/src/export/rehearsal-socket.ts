import { Duplex } from 'node:stream';

/** What the rehearsal's collector answers: an empty success, as a collector answers an empty export. */
const ANSWER = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', 'latin1');

/**
 * An in-memory socket that plays a collector: it discards what is written and answers with an empty `200` on
 * the turn after the request starts arriving (a request written at once, as the transport writes it, has
 * then arrived whole). An export request made over it goes through every step of a real one
 * (request, headers, body, response parsing, reading the answer) without touching the network. Node's HTTP
 * client runs its code the first time cold, 4-14 ms on the main thread of a shared 2-core machine; rehearsing
 * once with the SDK moves that out of the first export, which happens while the app serves traffic.
 */
export function rehearsalSocket(): Duplex {
  let answered = false;
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
      if (answered) return;
      answered = true;
      setImmediate(() => {
        socket.push(ANSWER);
        socket.push(null);
      });
    },
  });
  return socket;
}
