'use strict'
// Loads the compiled addon, found as binaries.js says: $JOBWIRE_ADDON_PATH, else the
// package's prebuild for this platform, else a local build.
const { locate } = require('./binaries')

module.exports = locate('jobwire.node', 'JOBWIRE_ADDON_PATH', (file) => require(file)).value
