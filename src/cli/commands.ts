// The command table oclif loads (package.json "oclif.commands": dist/bundle/commands.js). A
// bundle entry of its own that shares its chunks with drctl.js, so the classes oclif runs are
// the bundle's own copies (instanceof holds), and a fast-path start never loads them.
export { COMMANDS } from '../commands/index.js';
