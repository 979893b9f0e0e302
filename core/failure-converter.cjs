// The failure converter Forthright's worker, workflows and client share (core/data-converter.ts
// names this file). CommonJS on purpose: Temporal loads it with require() in the worker and the
// client, and webpack bundles it into the workflow sandbox, so it must be plain JavaScript.
//
// encodeCommonAttributes moves an error's message and stack trace into an encoded payload, which
// the payload codec then encrypts like any other: a failure's text (a relay's reply naming a
// recipient, an error quoting a row) never reaches the Temporal server in the clear. The history
// shows "Encoded failure"; Forthright's own client decodes the real message.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (above)
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
