'use strict'
// Argument checks run before any native call. They check shape and type, apply defaults
// and refuse input far beyond the core's limits before it is copied across; the core's
// model still validates every write in full (names, UTF-8, exact byte sizes).
const { invalidArgument } = require('./errors')

// The core's limits (native-core/src/model/validation.h), in characters here.
const LIMITS = Object.freeze({
  name: 128, // id, type, project, x.* type
  text: 4096, // paths, policy name
  message: 65536, // error message, one log line
  json: 256 * 1024, // summary, validation, x.* data, serialized
  lines: 10000, // log lines per append
})

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

function string (value, field, max) {
  if (typeof value !== 'string') fail(`${field} must be a string`)
  if (value.length > max) fail(`${field} is longer than ${max} characters`)
  return value
}

function name (value, field) {
  string(value, field, LIMITS.name)
  if (value.length === 0) fail(`${field} must not be empty`)
  return value
}

// undefined and null both mean "absent".
function optional (value, check, ...rest) {
  return value === undefined || value === null ? undefined : check(value, ...rest)
}

function integer (value, field, min, max) {
  if (!Number.isSafeInteger(value)) fail(`${field} must be an integer`)
  if (value < min || value > max) fail(`${field} must be from ${min} to ${max}`)
  return value
}

function number (value, field, min, max) {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${field} must be a finite number`)
  if (value < min || value > max) fail(`${field} must be from ${min} to ${max}`)
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
  if (text.length > LIMITS.json) fail(`${field} is larger than ${LIMITS.json} characters of JSON`)
  return text
}

// A point in time (Date, ISO-8601 text or milliseconds since the epoch) as milliseconds.
function time (value, field) {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value
  if (!Number.isSafeInteger(ms) || ms < 0) fail(`${field} must be a Date, an ISO-8601 time or milliseconds`)
  return ms
}

function func (value, field) {
  if (typeof value !== 'function') fail(`${field} must be a function`)
  return value
}

module.exports = { LIMITS, fail, isObject, options, string, name, optional, integer, number, oneOf, json, time, func }
