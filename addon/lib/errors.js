'use strict'
// Errors the JS layer raises itself, shaped like the native ones: an `Error` (a `TypeError`
// for bad input) with a string `code` from the core's list.

function jobwireError (code, message) {
  const error = code === 'invalid_argument' ? new TypeError(message) : new Error(message)
  error.code = code
  return error
}

function invalidArgument (message) {
  return jobwireError('invalid_argument', message)
}

function closedError () {
  return jobwireError('closed', 'the core is closed')
}

// The HTTP status jobwired answers an error code with (status.h's list, via the addon).
function httpStatusOf (code) {
  return require('./native').errorStatuses[code] ?? 500
}

module.exports = { jobwireError, invalidArgument, closedError, httpStatusOf }
