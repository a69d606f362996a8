/*
 * A tiny stand-in for the AWS Lambda Node.js runtime, used by launcher.py.
 *
 * Usage: node node-runtime.cjs <taskRoot> <handler> <resultFile>
 *   - the event is read (as JSON) from stdin;
 *   - the handler ("index.handler" => <taskRoot>/index.js, export "handler") is loaded
 *     with require() (or import() for ES modules) and called with (event, context[, callback]);
 *   - the outcome is written to <resultFile> as JSON, never to stdout, so the function's
 *     own console output (its logs) stays separate from its result:
 *       {"ok": true, "result": <value>}
 *       {"ok": false, "errorType": "...", "errorMessage": "...", "trace": [...]}
 *   - the process exits as soon as the handler settles (like Lambda freezing the sandbox),
 *     so keep-alive sockets of the AWS SDK do not keep it running.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node as is */

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [taskRoot, handlerSpec, resultFile] = process.argv.slice(2);

function writeResult(outcome) {
  fs.writeFileSync(resultFile, JSON.stringify(outcome));
}

function errorOutcome(err) {
  if (err instanceof Error) {
    return {
      ok: false,
      errorType: err.name || (err.constructor && err.constructor.name) || 'Error',
      errorMessage: err.message,
      trace: String(err.stack || '').split('\n'),
    };
  }
  return { ok: false, errorType: 'Error', errorMessage: String(err), trace: [] };
}

function finish(outcome, code) {
  try {
    writeResult(outcome);
  } catch (err) {
    process.stderr.write(`node-runtime: cannot write result: ${err}\n`);
    code = 2;
  }
  // Let console output drain before exiting.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

async function loadHandler() {
  // "dir/file.method" (method may itself be dotted: "file.obj.method").
  const firstDot = handlerSpec.indexOf('.', handlerSpec.lastIndexOf('/') + 1);
  if (firstDot < 0) {
    const e = new Error(`Bad handler ${handlerSpec}: expected "<file>.<export>"`);
    e.name = 'Runtime.MalformedHandlerName';
    throw e;
  }
  const modulePath = path.join(taskRoot, handlerSpec.slice(0, firstDot));
  const exportPath = handlerSpec.slice(firstDot + 1).split('.');
  const candidates = ['.js', '.cjs', '.mjs'].map((ext) => modulePath + ext);
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    const e = new Error(`Cannot find module '${handlerSpec.slice(0, firstDot)}' in ${taskRoot}`);
    e.name = 'Runtime.ImportModuleError';
    throw e;
  }
  let mod;
  if (file.endsWith('.mjs')) {
    mod = await import(pathToFileURL(file).href);
  } else {
    try {
      mod = require(file);
    } catch (err) {
      if (err && err.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(file).href);
      else throw err;
    }
  }
  let fn = mod;
  for (const key of exportPath) fn = fn == null ? undefined : fn[key];
  if (typeof fn !== 'function') {
    const e = new Error(`${handlerSpec} is undefined or not exported`);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  return fn;
}

function makeContext() {
  const env = process.env;
  const timeoutMs = Number(env.KEYPLANE_LAMBDA_TIMEOUT_MS || 3000);
  const deadline = Date.now() + timeoutMs;
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    invokedFunctionArn: env.KEYPLANE_LAMBDA_FUNCTION_ARN,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: env.KEYPLANE_LAMBDA_REQUEST_ID,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString('utf8');
  const event = raw.trim() === '' ? {} : JSON.parse(raw);
  const handler = await loadHandler();
  const context = makeContext();

  const result = await new Promise((resolve, reject) => {
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (err) {
      reject(err);
      return;
    }
    // Async handlers (or handlers returning a promise) settle through the promise;
    // callback-style handlers (3 parameters, returning nothing) through the callback.
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
  return result === undefined ? null : result;
}

process.on('uncaughtException', (err) => finish(errorOutcome(err), 1));
process.on('unhandledRejection', (err) => finish(errorOutcome(err), 1));

main().then(
  (result) => {
    let serialized;
    try {
      serialized = JSON.parse(JSON.stringify(result));
    } catch (err) {
      finish(errorOutcome(err), 1);
      return;
    }
    finish({ ok: true, result: serialized }, 0);
  },
  (err) => finish(errorOutcome(err), 0)
);
