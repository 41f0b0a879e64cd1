'use strict'
// Argument checks run before any native call. They check what only JS can check, the
// shape and type of each argument, and apply defaults. Every rule of the model and the core
// (lengths in bytes, name characters, ranges, the x.* prefix, how many lines, ids or events
// a call may take, paging limits) lives in native-core alone (model/validation.h and
// core/core_impl.cpp): the core refuses what breaks one with invalid_argument, whichever
// way the call came in, so no copy of those rules is kept here to drift from them.
const { invalidArgument } = require('./errors')

function fail (message) {
  throw invalidArgument(message)
}

function isObject (value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

// An options object: undefined → {}; anything else must be a plain object whose keys are
// all in `known`.
function options (value, what, known) {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) fail(`${what} must be an object`)
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${what}: unknown field ${key}`)
  }
  return value
}

function string (value, field) {
  if (typeof value !== 'string') fail(`${field} must be a string`)
  return value
}

// An id, type or project: a string here; the core checks its characters and length.
function name (value, field) {
  return string(value, field)
}

// undefined and null both mean "absent".
function optional (value, check, ...rest) {
  return value === undefined || value === null ? undefined : check(value, ...rest)
}

// An integer the native side can take; `min` and `max`, where given, are the bounds of the
// type it lands in (an int32, a port, a count that cannot be negative), not the core's rules.
function integer (value, field, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isSafeInteger(value)) fail(`${field} must be an integer`)
  if (value < min || value > max) fail(`${field} must be from ${min} to ${max}`)
  return value
}

function number (value, field) {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${field} must be a finite number`)
  return value
}

function oneOf (value, field, allowed) {
  if (!allowed.includes(value)) fail(`${field} must be one of ${allowed.join(', ')}`)
  return value
}

// Any JSON-serializable value, as its JSON text.
function json (value, field) {
  let text
  try {
    text = JSON.stringify(value)
  } catch (err) {
    fail(`${field} is not serializable as JSON: ${err.message}`)
  }
  if (text === undefined) fail(`${field} is not serializable as JSON`)
  return text
}

// A point in time (Date, ISO-8601 text or milliseconds since the epoch) as milliseconds.
function time (value, field) {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value
  if (!Number.isSafeInteger(ms) || ms < 0) fail(`${field} must be a Date, an ISO-8601 time or milliseconds`)
  return ms
}

function boolean (value, field) {
  if (typeof value !== 'boolean') fail(`${field} must be true or false`)
  return value
}

function func (value, field) {
  if (typeof value !== 'function') fail(`${field} must be a function`)
  return value
}

module.exports = { fail, isObject, options, string, name, optional, integer, number, oneOf, json, time, boolean, func }
