/** Node's own start-up, for scale: a process that loads nothing and reports at once. */
process.send?.({ status: 200, loadMs: 0, firstRequestMs: 0 }, () => process.exit(0));
