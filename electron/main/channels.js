'use strict'
// The three IPC channels of DESIGN.md's "Electron" section, and nothing else. The sandboxed
// preload cannot require this file, so electron/preload/index.js repeats these strings.
const CHANNELS = Object.freeze({
  events: 'jobwire:events', // main → renderer: {generation, parts} once per frame at most
  query: 'jobwire:query', // renderer → main, invoke: a snapshot read (or an enabled write)
  resume: 'jobwire:resume', // renderer → main, invoke: (re)start the window's stream after a seq
})

module.exports = { CHANNELS }
