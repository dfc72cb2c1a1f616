// Flag parsing shared by the JS drivers: `--kebab-case VALUE` sets `options.kebabCase` (a number
// when the key is in `numeric`); a flag in `switches` takes no value and calls its function.
export function parseFlags(argv, options, numeric, switches = {}) {
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (Object.hasOwn(switches, flag)) {
      switches[flag](options);
      continue;
    }
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    const key = flag.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i += 1;
    options[key] = numeric.has(key) ? Number(value) : value;
  }
  return options;
}
