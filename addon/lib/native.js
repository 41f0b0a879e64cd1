'use strict'
// Loads the compiled addon: JOBWIRE_ADDON_PATH when set (a development build), else the
// module the package build leaves at build/jobwire.node.
const path = require('node:path')

const addonPath = process.env.JOBWIRE_ADDON_PATH || path.join(__dirname, '..', '..', 'build', 'jobwire.node')

module.exports = require(addonPath)
