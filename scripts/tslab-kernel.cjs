#!/usr/bin/env node
// The course's kernel: tslab, plus one duty tslab lacks. Jupyter starts a
// kernel in a session of its own and names itself in JPY_PARENT_PID; when
// that parent dies (a killed server or test runner) tslab would live on as an
// orphan holding sockets and labs. Here it exits instead.
"use strict";
const parent = Number(process.env.JPY_PARENT_PID);
if (Number.isInteger(parent) && parent > 1) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
require("tslab/dist/main.js").main();
