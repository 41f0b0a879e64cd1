'use strict'
// V8's structured-clone wire format (the bytes of v8.serialize, format version 15) for the
// values IPC payloads hold here: undefined, null, booleans, numbers, strings, Dates, plain
// objects and arrays (with shared and cyclic references). The stand-in IPC runs this inside
// the page, where there is no v8.serialize, so the bytes crossing the stand-in are the same
// bytes Node's v8.serialize writes and v8.deserialize reads. Anything else throws.
//
// makeV8Wire has no free variables: its source is injected into the page as is.
function makeV8Wire () {
  const TAG = {
    padding: 0x00, version: 0xff, verifyCount: 0x3f, hole: 0x2d, undefined: 0x5f, null: 0x30,
    true: 0x54, false: 0x46, int32: 0x49, uint32: 0x55, double: 0x4e, oneByte: 0x22,
    twoByte: 0x63, utf8: 0x53, ref: 0x5e, beginObject: 0x6f, endObject: 0x7b,
    beginDense: 0x41, endDense: 0x24, beginSparse: 0x61, endSparse: 0x40, date: 0x44,
  }
  const FORMAT_VERSION = 15

  function encode (value) {
    let bytes = new Uint8Array(1024)
    let length = 0
    const ids = new Map()
    const scratch = new DataView(new ArrayBuffer(8))

    function reserve (n) {
      if (length + n <= bytes.length) return
      let size = bytes.length * 2
      while (size < length + n) size *= 2
      const grown = new Uint8Array(size)
      grown.set(bytes.subarray(0, length))
      bytes = grown
    }
    function byte (b) { reserve(1); bytes[length++] = b }
    function varint (n) {
      do {
        let b = n % 128
        n = Math.floor(n / 128)
        if (n > 0) b |= 0x80
        byte(b)
      } while (n > 0)
    }
    function varintSize (n) { let size = 1; while (n >= 128) { n = Math.floor(n / 128); size++ } return size }
    function double (d) {
      scratch.setFloat64(0, d, true)
      reserve(8)
      for (let i = 0; i < 8; i++) bytes[length++] = scratch.getUint8(i)
    }
    function string (s) {
      let oneByte = true
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) { oneByte = false; break }
      if (oneByte) {
        byte(TAG.oneByte); varint(s.length); reserve(s.length)
        for (let i = 0; i < s.length; i++) bytes[length++] = s.charCodeAt(i)
        return
      }
      // Two-byte data starts at an even offset; V8 pads before the tag to get there.
      if ((length + 1 + varintSize(s.length * 2)) & 1) byte(TAG.padding)
      byte(TAG.twoByte); varint(s.length * 2); reserve(s.length * 2)
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        bytes[length++] = c & 0xff
        bytes[length++] = c >> 8
      }
    }
    function number (n) {
      if (Number.isInteger(n) && n >= -0x40000000 && n < 0x40000000 && !Object.is(n, -0)) {
        byte(TAG.int32)
        varint(n >= 0 ? n * 2 : -n * 2 - 1) // ZigZag
      } else {
        byte(TAG.double); double(n)
      }
    }
    function write (v) {
      if (v === undefined) return byte(TAG.undefined)
      if (v === null) return byte(TAG.null)
      if (v === true) return byte(TAG.true)
      if (v === false) return byte(TAG.false)
      if (typeof v === 'number') return number(v)
      if (typeof v === 'string') return string(v)
      if (typeof v !== 'object') throw new Error(`v8-wire: cannot serialize a ${typeof v}`)
      if (ids.has(v)) { byte(TAG.ref); varint(ids.get(v)); return }
      ids.set(v, ids.size)
      if (v instanceof Date) { byte(TAG.date); double(v.getTime()); return }
      if (Array.isArray(v)) {
        byte(TAG.beginDense); varint(v.length)
        for (let i = 0; i < v.length; i++) {
          if (i in v) write(v[i])
          else byte(TAG.hole)
        }
        byte(TAG.endDense); varint(0); varint(v.length)
        return
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) throw new Error('v8-wire: only plain objects, arrays and Dates')
      const keys = Object.keys(v)
      byte(TAG.beginObject)
      for (const key of keys) { string(key); write(v[key]) }
      byte(TAG.endObject); varint(keys.length)
    }

    byte(TAG.version); varint(FORMAT_VERSION)
    write(value)
    return bytes.subarray(0, length)
  }

  function decode (bytes) {
    let at = 0
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const objects = []

    function varint () {
      let result = 0
      let scale = 1
      for (;;) {
        const b = bytes[at++]
        if (b === undefined) throw new Error('v8-wire: truncated')
        result += (b & 0x7f) * scale
        if (b < 0x80) return result
        scale *= 128
      }
    }
    function tag () {
      let t = bytes[at++]
      while (t === TAG.padding) t = bytes[at++]
      return t
    }
    function chars (from, to, step) {
      let out = ''
      for (let i = from; i < to; i += 8192 * step) {
        const end = Math.min(to, i + 8192 * step)
        const codes = new Array((end - i) / step)
        for (let j = i, k = 0; j < end; j += step, k++) codes[k] = step === 1 ? bytes[j] : view.getUint16(j, true)
        out += String.fromCharCode.apply(null, codes)
      }
      return out
    }
    function read (t = tag()) {
      switch (t) {
        case TAG.undefined: return undefined
        case TAG.null: return null
        case TAG.true: return true
        case TAG.false: return false
        case TAG.int32: { const z = varint(); return z % 2 === 0 ? z / 2 : -(z + 1) / 2 }
        case TAG.uint32: return varint()
        case TAG.double: { const d = view.getFloat64(at, true); at += 8; return d }
        case TAG.oneByte: { const n = varint(); const s = chars(at, at + n, 1); at += n; return s }
        case TAG.twoByte: { const n = varint(); const s = chars(at, at + n, 2); at += n; return s }
        case TAG.utf8: { const n = varint(); const s = new TextDecoder().decode(bytes.subarray(at, at + n)); at += n; return s }
        case TAG.ref: return objects[varint()]
        case TAG.verifyCount: varint(); return read()
        case TAG.date: { const d = new Date(view.getFloat64(at, true)); at += 8; objects.push(d); return d }
        case TAG.beginObject: {
          const o = {}
          objects.push(o)
          for (let k = tag(); k !== TAG.endObject; k = tag()) o[read(k)] = read()
          varint()
          return o
        }
        case TAG.beginDense: {
          const a = new Array(varint())
          objects.push(a)
          for (let i = 0; i < a.length; i++) {
            const e = tag()
            if (e !== TAG.hole) a[i] = read(e)
          }
          for (let k = tag(); k !== TAG.endDense; k = tag()) a[read(k)] = read()
          varint(); varint()
          return a
        }
        case TAG.beginSparse: {
          const a = new Array(varint())
          objects.push(a)
          for (let k = tag(); k !== TAG.endSparse; k = tag()) a[read(k)] = read()
          varint(); varint()
          return a
        }
        default: throw new Error(`v8-wire: unsupported tag 0x${Number(t).toString(16)} at ${at - 1}`)
      }
    }

    if (tag() !== TAG.version) throw new Error('v8-wire: no version header')
    const version = varint()
    if (version < 13 || version > FORMAT_VERSION) throw new Error(`v8-wire: format version ${version}`)
    return read()
  }

  return { encode, decode }
}

module.exports = { makeV8Wire }
