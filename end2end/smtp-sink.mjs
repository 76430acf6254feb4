// A minimal SMTP server for the end-to-end suite: the server under test delivers real mail
// to it (SMTP_URL), and the tests read what arrived over HTTP, as a relay would get it.
//   SMTP on TRELLIS_E2E_SMTP_PORT (default 2525); HTTP on TRELLIS_E2E_SINK_PORT (3125):
//   GET /messages?to=ADDRESS -> [{ rcpt: [...], data: "raw message" }], GET /healthz.
// Addresses starting with "bounce" are refused for good (550), like an unknown mailbox.
import net from "node:net";
import http from "node:http";

const smtpPort = Number(process.env.TRELLIS_E2E_SMTP_PORT ?? 2525);
const httpPort = Number(process.env.TRELLIS_E2E_SINK_PORT ?? 3125);
const messages = [];

net
  .createServer((socket) => {
    socket.setEncoding("utf8");
    let buffer = "";
    let rcpt = [];
    let data = null;
    const reply = (line) => socket.write(`${line}\r\n`);
    reply("220 e2e-sink ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data !== null) {
          if (line === ".") {
            messages.push({ rcpt, data: data.join("\r\n") });
            data = null;
            reply("250 queued");
          } else {
            data.push(line.startsWith("..") ? line.slice(1) : line);
          }
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
          socket.write("250-e2e-sink\r\n250 8BITMIME\r\n");
        } else if (upper.startsWith("MAIL FROM")) {
          rcpt = [];
          reply("250 OK");
        } else if (upper.startsWith("RCPT TO")) {
          const to = line.slice(8).trim().replace(/^</, "").replace(/>.*$/, "");
          if (to.startsWith("bounce")) {
            reply("550 5.1.1 no such user");
          } else {
            rcpt.push(to);
            reply("250 OK");
          }
        } else if (upper === "DATA") {
          data = [];
          reply("354 go ahead");
        } else if (upper === "QUIT") {
          reply("221 bye");
          socket.end();
        } else {
          reply("250 OK");
        }
      }
    });
    socket.on("error", () => {});
  })
  .listen(smtpPort, "127.0.0.1");

http
  .createServer((req, res) => {
    const url = new URL(req.url, "http://sink");
    if (url.pathname === "/healthz") {
      res.end("ok");
      return;
    }
    if (url.pathname === "/messages") {
      const to = url.searchParams.get("to");
      const list = to ? messages.filter((m) => m.rcpt.includes(to)) : messages;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(list));
      return;
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(httpPort, "127.0.0.1");
