// Sends calls through a real Node analytics SDK to the ingest API, the way a user would.
// stdin: {"sdk": "segment"|"rudder", "host", "key", "gzip", "flushAt", "calls": [{type, message}]}
// stdout: {"errors": [...]}, the errors the SDK reported.
"use strict";

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const cfg = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const errors = [];
  if (cfg.sdk === "segment") {
    const { Analytics } = require("@segment/analytics-node");
    const client = new Analytics({
      writeKey: cfg.key,
      host: cfg.host, // only the host: the SDK posts to <host>/v1/batch
      flushAt: cfg.flushAt,
      flushInterval: 60000,
      maxRetries: 2,
    });
    client.on("error", (err) => errors.push(String((err.reason && err.reason.message) || err.code)));
    for (const call of cfg.calls) client[call.type](call.message);
    await client.closeAndFlush({ timeout: 30000 });
  } else {
    const Analytics = require("@rudderstack/rudder-sdk-node");
    const client = new Analytics(cfg.key, {
      dataPlaneUrl: cfg.host,
      flushAt: cfg.flushAt,
      flushInterval: 60000,
      gzip: cfg.gzip,
      retryCount: 2,
      logLevel: "off",
      // without it the SDK rethrows a failed request from its own promise
      errorHandler: (err) => errors.push(String((err.response && err.response.status) || err.message)),
    });
    const done = cfg.calls.map(
      (call) =>
        new Promise((resolve) =>
          client[call.type](call.message, (err) => {
            if (err) errors.push(String((err.response && err.response.status) || err.message));
            resolve();
          }),
        ),
    );
    while (client.queue.length > 0) await new Promise((resolve) => client.flush(resolve));
    await Promise.all(done);
  }
  process.stdout.write(JSON.stringify({ errors: [...new Set(errors)] }) + "\n");
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + "\n");
  process.exit(1);
});
