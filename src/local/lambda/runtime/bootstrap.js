'use strict';
/*
 * The runtime inside one local execution environment (a worker thread), doing
 * what Lambda's Node.js runtime does in a real one: load the handler module
 * once (its module scope then lives as long as the environment, as on AWS),
 * answer one invocation at a time, and die on an uncaught exception.
 *
 * Plain CommonJS on purpose: the worker starts without the parent's
 * TypeScript loader (the asset it loads is plain bundled JavaScript too), and
 * the parent speaks to it only through the messages below.
 *
 *   parent -> worker  { type: 'invoke', requestId, event, deadlineMs }
 *   worker -> parent  { type: 'ready' }
 *                     { type: 'initError', errorType, errorMessage }
 *                     { type: 'result', requestId, json }         json: string | undefined
 *                     { type: 'error', requestId, errorType, errorMessage }
 *                     { type: 'fatal', requestId, errorType, errorMessage }   then the worker exits
 */
const { parentPort, workerData } = require('node:worker_threads');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { taskRoot, handler: handlerString, functionName, memoryMb, invokedFunctionArn, logGroupName, logStreamName } = workerData;

/** The request being served, so that a crash can be charged to it. */
let currentRequestId;
let handlerFunction;

// Lambda's runtime reports an uncaught exception as the invocation's error and
// then exits, so the next invocation gets a fresh environment.
process.on('uncaughtException', (error) => fatal(describeError(error)));
process.on('unhandledRejection', (reason) =>
  fatal({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: describeError(reason).errorMessage }),
);

function fatal(described) {
  parentPort.postMessage({ type: 'fatal', requestId: currentRequestId, ...described });
  process.exit(129);
}

/** errorType / errorMessage the way Lambda's Node.js runtime derives them. */
function describeError(error) {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error && 'name' in error)) {
    return { errorType: String(error.name || 'Error'), errorMessage: String(error.message) };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}

/** Splits "dir/module.export.path" as Lambda does: the module is up to the first dot of the last path segment. */
function parseHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot < 1 || dot === base.length - 1) {
    throw Object.assign(new Error(`Bad handler ${handler}: expected "module.function"`), { name: 'Runtime.MalformedHandlerName' });
  }
  return { modulePath: handler.slice(0, slash + 1) + base.slice(0, dot), exportPath: base.slice(dot + 1).split('.') };
}

async function loadModule(modulePath) {
  const absolute = path.resolve(taskRoot, modulePath);
  // Lambda looks for .js, then .mjs, then .cjs; an ES module needs import().
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const file = absolute + extension;
    if (!existsSync(file)) continue;
    if (extension === '.mjs') return import(pathToFileURL(file).href);
    try {
      return require(file);
    } catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
      throw error;
    }
  }
  throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: 'Runtime.ImportModuleError' });
}

async function init() {
  const { modulePath, exportPath } = parseHandler(handlerString);
  let loaded;
  try {
    loaded = await loadModule(modulePath);
  } catch (error) {
    if (error instanceof SyntaxError) throw Object.assign(new Error(String(error)), { name: 'Runtime.UserCodeSyntaxError' });
    if (error && error.code === 'MODULE_NOT_FOUND') throw Object.assign(new Error(error.message), { name: 'Runtime.ImportModuleError' });
    throw error;
  }
  const candidate = exportPath.reduce((value, key) => (value == null ? undefined : value[key]), loaded);
  if (typeof candidate !== 'function') {
    throw Object.assign(new Error(`${handlerString} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return candidate;
}

function contextFor(requestId, deadlineMs, callback) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    // The legacy completion methods, still honoured by Lambda's runtime.
    done: (error, result) => callback(error, result),
    succeed: (result) => callback(null, result),
    fail: (error) => callback(error == null ? new Error('handled') : error),
  };
}

function invoke({ requestId, event, deadlineMs }) {
  currentRequestId = requestId;
  let settled = false;
  const finish = (error, result) => {
    if (settled) return;
    settled = true;
    currentRequestId = undefined;
    if (error != null) {
      parentPort.postMessage({ type: 'error', requestId, ...describeError(error) });
      return;
    }
    let json;
    try {
      // Lambda serialises the response as JSON: Dates become strings, undefined becomes null.
      json = JSON.stringify(result);
    } catch (serializationError) {
      parentPort.postMessage({ type: 'error', requestId, ...describeError(serializationError) });
      return;
    }
    parentPort.postMessage({ type: 'result', requestId, json });
  };
  try {
    const returned = handlerFunction(event, contextFor(requestId, deadlineMs, finish), finish);
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => finish(null, result),
        (error) => finish(error === undefined ? new Error('the handler rejected with undefined') : error),
      );
    } else if (handlerFunction.length < 3) {
      // A synchronous handler without a callback parameter answers with its return value.
      finish(null, returned);
    }
    // Otherwise the handler answers through the callback.
  } catch (error) {
    finish(error);
  }
}

parentPort.on('message', (message) => {
  if (message && message.type === 'invoke') invoke(message);
});

init().then(
  (loaded) => {
    handlerFunction = loaded;
    parentPort.postMessage({ type: 'ready' });
  },
  (error) => parentPort.postMessage({ type: 'initError', ...describeError(error) }),
);
